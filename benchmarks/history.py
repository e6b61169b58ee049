#!/usr/bin/env python3
"""Time ``ttai-guard check --history`` on a generated repository with many commits.

The repository is written with ``git fast-import``: the first commit adds a
``.gitignore`` and three source files, and every commit changes all three,
so ``--commits 10000`` gives 10,000 commits and 30,001 blobs. No blob contains
a token, so the time is that of reading every blob and walking the log.
The script prints the median wall time, CPU time (user + system of the
child and its children) and peak RSS (the largest ``ru_maxrss`` among the
child's processes) over the rounds.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import REPOSITORY, measure

# Fixed dates keep the generated history identical between runs.
_START_TIME = 1_700_000_000
_IDENTITY = "Bench <bench@example.invalid>"


def _blob(text: str) -> bytes:
    data = text.encode()
    return b"data %d\n%s\n" % (len(data), data)


def _token(number: int) -> str:
    """Build a token-shaped value at run time, unique for ``number``."""
    digest = hashlib.sha256(str(number).encode()).digest()
    body = base64.b64encode(digest).decode().translate(str.maketrans("", "", "+/="))
    return "ttai_" + "pat_" + body[:32]


def _files(number: int, token_every: int) -> dict[str, str]:
    setting = f"TIMEOUT = {number}\n"
    if token_every and number % token_every == 0:
        setting += f'TTAI_TOKEN = "{_token(number)}"\n'
    return {
        "src/config.py": setting + f'BASE_URL = "https://example.invalid/v{number}"\n',
        "src/client.js": f'export const retries = {number};\nfetch("/api/items/{number}");\n',
        "docs/notes.md": f"# Notes\n\nRevision {number} of the notes.\n",
    }


def fast_import_stream(commits: int, token_every: int = 0) -> Iterator[bytes]:
    """Yield the ``git fast-import`` commands for a history of ``commits`` commits.

    With ``token_every``, every commit whose number is a multiple of it
    writes a token into ``src/config.py`` (the next commit removes it).
    """
    for number in range(commits):
        moment = _START_TIME + number * 60
        message = f"Change {number}"
        yield b"commit refs/heads/main\n"
        yield f"committer {_IDENTITY} {moment} +0000\n".encode()
        yield _blob(message)
        if number == 0:
            yield b"M 100644 inline .gitignore\n" + _blob(".env\n")
        for path, text in _files(number, token_every).items():
            yield f"M 100644 inline {path}\n".encode() + _blob(text)
        yield b"\n"


def build_repository(target: Path, commits: int, token_every: int = 0) -> Path:
    """Create (or reuse) a repository with ``commits`` generated commits under ``target``."""
    repository = target / f"history-{commits}-{token_every}"
    if (repository / ".git").is_dir():
        return repository
    repository.mkdir(parents=True)
    subprocess.run(["git", "init", "--quiet", "-b", "main"], cwd=repository, check=True)
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=repository, stdin=subprocess.PIPE
    )
    assert importer.stdin is not None
    for command in fast_import_stream(commits, token_every):
        importer.stdin.write(command)
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "--quiet", "main"], cwd=repository, check=True)
    return repository


def count_blobs(repository: Path) -> int:
    listing = subprocess.run(
        ["git", "rev-list", "--objects", "--all"],
        cwd=repository,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    names = subprocess.run(
        ["git", "cat-file", "--batch-check=%(objecttype)"],
        cwd=repository,
        check=True,
        capture_output=True,
        text=True,
        input="\n".join(line.split(" ", 1)[0] for line in listing.splitlines()) + "\n",
    ).stdout
    return names.split().count("blob")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path, help="directory for the repository")
    parser.add_argument("--commits", type=int, default=10_000, help="commits (default 10000)")
    parser.add_argument(
        "--token-every",
        type=int,
        default=0,
        help="write a token in every Nth commit, so the log is searched too (default: none)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run (default 600)")
    options = parser.parse_args()

    work = options.work_dir or Path(tempfile.mkdtemp(prefix="ttai-guard-history-"))
    repository = build_repository(work, options.commits, options.token_every)
    print(f"repository: {repository}, {options.commits} commits, {count_blobs(repository)} blobs")
    if options.token_every:
        print(f"a token in every {options.token_every}th commit")
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    print(f"{git_version.strip()}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    command = [
        sys.executable,
        "-m",
        "ttai_guard",
        "check",
        "--history",
        "--exit-zero",
        "--no-cache",
    ]
    runs = [measure(command, repository, options.timeout, env) for _ in range(options.rounds)]
    if any(run.code != 0 for run in runs):
        print(f"ttai-guard exited with {[run.code for run in runs]}")
        return 1
    wall = statistics.median(run.wall for run in runs)
    cpu = statistics.median(run.cpu for run in runs)
    rss = statistics.median(run.max_rss_kb for run in runs) / 1024
    print("\n| command | runs | wall s | CPU s | peak RSS MB |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| `ttai-guard check --history` | {len(runs)} | {wall:.2f} | {cpu:.2f} | {rss:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
