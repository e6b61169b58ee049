import os
import sys

# `python -m` puts the current directory first on sys.path, and the current
# directory is usually the repository being scanned, so a click.py there would
# be imported and run. This package is already imported by now, so drop it.
if sys.path and sys.path[0] and os.path.realpath(sys.path[0]) == os.path.realpath(os.getcwd()):
    del sys.path[0]

from ttai_guard.cli import main

if __name__ == "__main__":
    main()
