"""Run a whole scan: the options, the result, and the choice of how to get it.

:func:`run_scan` hands the git modes to :mod:`ttai_guard.gitmodes`, reuses a
stored result through :mod:`ttai_guard.snapshot` when nothing changed, and
otherwise scans the tree with :func:`ttai_guard.treescan.scan_tree`. This
module imports little, so that a reused result costs little start-up time.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.cache import CacheStatistics
from ttai_guard.discovery import DEFAULT_EXCLUDED_DIRS, Skipped
from ttai_guard.finding import Finding

if TYPE_CHECKING:
    from ttai_guard.discovery import DiscoveryOptions

DEFAULT_MAX_FILE_SIZE = 25 * 1024 * 1024


@dataclass(frozen=True)
class ScanOptions:
    """Everything that shapes one scan. ``jobs`` of 0 means one per CPU."""

    paths: tuple[str, ...] = (".",)
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    include_build: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    settings: AnalyzerSettings = field(default_factory=AnalyzerSettings)
    jobs: int = 0
    respect_gitignore: bool = True
    report_unused_ignores: bool = False
    #: Globs (from the configuration) that exclude files and directories.
    exclude_dirs: frozenset[str] = DEFAULT_EXCLUDED_DIRS
    exclude_patterns: tuple[str, ...] = ()
    #: Glob to rule IDs or prefixes not reported for matching files.
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Directory that exclude and per-file-ignores patterns are relative to.
    pattern_root: Path | None = None
    #: Globs that override where code runs (client or server), and extra
    #: environment variable prefixes that bundlers inline.
    client_paths: tuple[str, ...] = ()
    server_paths: tuple[str, ...] = ()
    public_env_prefixes: tuple[str, ...] = ()
    #: Git modes: scan the index, keep lines changed since a revision, walk history.
    staged: bool = False
    since: str | None = None
    history: bool = False
    #: Read and write the results cache.
    use_cache: bool = True

    def discovery_options(self) -> DiscoveryOptions:
        """Return the settings that decide which files a walk lists."""
        from ttai_guard.discovery import DiscoveryOptions

        return DiscoveryOptions(
            include_build=self.include_build,
            respect_gitignore=self.respect_gitignore,
            exclude_dirs=self.exclude_dirs,
            exclude_patterns=self.exclude_patterns,
            pattern_root=self.pattern_root,
        )


@dataclass
class ScanResult:
    """A finished scan: findings, what was skipped or unreadable, and notices."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Skipped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    notes: list[tuple[Path, str]] = field(default_factory=list)
    files_scanned: int = 0
    #: For each TTAI401 finding, the .gitignore entries that would fix it.
    gitignore_fixes: list[tuple[Finding, tuple[str, ...]]] = field(default_factory=list)
    #: Hits and misses of the results cache, when it was used.
    cache: CacheStatistics | None = None

    @property
    def partial(self) -> bool:
        return bool(self.errors)


def _ignored_for_file(finding: Finding, options: ScanOptions) -> bool:
    """Tell whether ``per-file-ignores`` drops ``finding``."""
    if not options.per_file_ignores:
        return False
    path = finding.path
    if options.pattern_root is not None:
        try:
            relative = path.relative_to(options.pattern_root).as_posix()
        except ValueError:
            relative = path.as_posix()
    else:
        relative = path.as_posix()
    for pattern, ids in options.per_file_ignores.items():
        pattern = pattern.strip("/")
        target = relative if "/" in pattern else path.name
        if fnmatch.fnmatchcase(target, pattern) and any(finding.rule.startswith(i) for i in ids):
            return True
    return False


def _rule_enabled(rule: str, options: ScanOptions) -> bool:
    if options.select is not None and not any(rule.startswith(prefix) for prefix in options.select):
        return False
    return not any(rule.startswith(prefix) for prefix in options.ignore)


#: Called with (files done, files in total) as the scan goes on.
Progress = Callable[[int, int], None]


def run_scan(options: ScanOptions, progress: Progress | None = None) -> ScanResult:
    """Scan ``options.paths`` and return everything found, sorted.

    The git modes (``staged``, ``since``, ``history``) run through
    :mod:`ttai_guard.gitmodes`, which calls :func:`~ttai_guard.treescan.scan_tree` itself.
    """
    if options.staged or options.since is not None or options.history:
        from ttai_guard.gitmodes import run_git_scan

        return run_git_scan(options, progress)
    if not options.use_cache:
        from ttai_guard.treescan import scan_tree

        return scan_tree(options, progress)
    from ttai_guard import snapshot

    # Checked before the scanner is imported, which takes longer than a reuse.
    reused = snapshot.reuse(options)
    if reused is not None:
        return reused
    from ttai_guard.treescan import scan_tree

    return snapshot.scan_recorded(options, lambda: scan_tree(options, progress))
