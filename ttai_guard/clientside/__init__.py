"""Where JavaScript runs: the project profile, file placement and the import graph.

The rules for client-side exposure (TTAI201-203) need to know, for each
module of each JavaScript, TypeScript or markup file, whether its code ships
to users' devices. That depends on the whole project, not on the file alone:
the frameworks in ``package.json``, path conventions (``app/**/route.ts``,
``+page.server.ts``), directives (``'use client'``), and which client code
imports the module. This package decides it after every file has been scanned.

``profile``   frameworks, path aliases and the public environment policy
``resolve``   module specifiers to project files
``classify``  the label a file earns on its own (path, directive, signals)
``graph``     labels carried along imports, with the chain as the reason
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ttai_guard.facts import Module

CLIENT = "client"
SERVER = "server"
BOTH = "both"
UNKNOWN = "unknown"

TARGET_BROWSER = "browser"
TARGET_DEVICE = "device"
TARGET_ELECTRON_MAIN = "electron-main"
TARGET_ELECTRON = "electron"
TARGET_EXTENSION = "extension"


@dataclass(frozen=True)
class Placement:
    """The side one module runs on, and the reason, in words a user can check.

    ``side`` is :data:`CLIENT`, :data:`SERVER`, :data:`BOTH` or
    :data:`UNKNOWN`. ``target`` is what runs client code: a browser
    bundle, an Expo or React Native app on users' devices, the Electron main
    process (which reads the user's real environment), another Electron file,
    or a browser extension. ``reason`` is a sentence fragment naming files relative
    to the project root, for example "`app/page.tsx` starts with 'use client'
    and imports `lib/ttai.ts`".
    """

    side: str
    reason: str
    #: Where client code runs: one of the ``TARGET_*`` values, or "" for
    #: server and unknown placements.
    target: str = ""

    @property
    def ships_to_client(self) -> bool:
        return self.side in (CLIENT, BOTH)


@dataclass(frozen=True)
class ProjectFiles:
    """The files of one scan that the classification may look at.

    ``paths`` lists every scanned file (absolute paths). ``text`` returns a
    file's decoded text, or ``None`` when it cannot be read. ``modules``
    returns a file's modules, parsing it when the scan did not.
    ``universe`` lists every source file of the project rooted at the given
    directory, scanned or not. The import search looks at all of them, so it
    finds importers of a file named alone. Without it, only ``paths`` count.
    ``scan_roots`` are the paths named on the command line.
    """

    paths: tuple[Path, ...]
    text: Callable[[Path], str | None]
    modules: Callable[[Path], list[Module]]
    universe: Callable[[Path], Iterable[Path]] | None = None
    scan_roots: tuple[Path, ...] = ()


# Imported last because these modules import the names defined above.
from ttai_guard.clientside.profile import Exposure, Profile  # noqa: E402
from ttai_guard.clientside.project import Project  # noqa: E402

__all__ = [
    "BOTH",
    "CLIENT",
    "SERVER",
    "TARGET_BROWSER",
    "TARGET_DEVICE",
    "TARGET_ELECTRON",
    "TARGET_ELECTRON_MAIN",
    "TARGET_EXTENSION",
    "UNKNOWN",
    "Exposure",
    "Placement",
    "Profile",
    "Project",
    "ProjectFiles",
]
