"""Run a scan in the git modes: ``--staged``, ``--since REV`` and ``--history``.

:func:`~ttai_guard.runner.run_scan` hands a scan here when any of them is
set. The tree scan (of the work tree, or of a copy of the index) runs first,
then the history search, and ``--since`` filters what both found.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from ttai_guard import changed, history
from ttai_guard.discovery import DiscoveryError, DiscoveryOptions, discover
from ttai_guard.finding import Finding
from ttai_guard.gitrepo import GitError, Repository, find_work_tree, resolve_commit
from ttai_guard.runner import (
    Progress,
    ScanOptions,
    ScanResult,
    _ignored_for_file,
    _rule_enabled,
)
from ttai_guard.staged import StagedCopy, copy_options, map_back, staged_copy
from ttai_guard.treescan import _jobs_for, scan_tree


def _mode_name(options: ScanOptions) -> str:
    if options.staged:
        return "--staged"
    if options.since is not None:
        return "--since"
    return "--history"


def _work_trees(options: ScanOptions) -> list[Path]:
    """Return the git work trees of the command-line paths, in order, without repeats.

    Raises DiscoveryError for a path that does not exist or is outside git.
    """
    roots: list[Path] = []
    for argument in options.paths:
        absolute = Path(os.path.abspath(argument))
        start = absolute
        while not os.path.lexists(start) and start != start.parent:
            # A path deleted from the work tree may still be staged.
            start = start.parent
        try:
            root = find_work_tree(start)
        except GitError as error:
            raise DiscoveryError(f"cannot read the git repository of {argument}: {error}") from None
        if root is None:
            raise DiscoveryError(
                f"{_mode_name(options)} needs a git repository, and {argument} "
                "is not inside a git work tree"
            )
        root = Path(os.path.abspath(root))
        if root not in roots:
            roots.append(root)
    return roots


def _plain(options: ScanOptions) -> ScanOptions:
    return dataclasses.replace(options, staged=False, since=None, history=False)


@contextmanager
def _tree_scan(
    options: ScanOptions, roots: list[Path], progress: Progress | None
) -> Iterator[tuple[ScanResult, ScanOptions, StagedCopy | None]]:
    """Scan the work tree, or a copy of the index; yield the result and the options used.

    The options point into the copy while the context is open, so files can
    be read again there. The result's paths are already the real ones.
    """
    if not options.staged:
        yield scan_tree(_plain(options), progress), _plain(options), None
        return
    if len(roots) != 1:
        raise DiscoveryError("--staged scans one repository at a time; name paths in one")
    try:
        with staged_copy(roots[0], options.paths) as staged:
            scanned = copy_options(staged, options)
            if staged.paths:
                result = scan_tree(scanned, progress)
            else:
                result = ScanResult()
            map_back(staged, result)
            yield result, scanned, staged
    except GitError as error:
        raise DiscoveryError(f"cannot read the git index: {error}") from None


def _tokens_in_files(options: ScanOptions, tokens: set[str]) -> set[str]:
    """Return the tokens of ``tokens`` that a file of the tree scan contains.

    Untracked ``.env*`` files that git ignores are not counted: that is where
    a token belongs, but a copy there does not remove the committed one.
    """
    discovery = discover(options.paths, options.discovery_options())
    wanted = {token: token.encode("ascii") for token in tokens}
    present: set[str] = set()
    for job in _jobs_for(discovery):
        if job.secrets_belong_here:
            continue
        present.update(_tokens_in_file(job.path, wanted, set(wanted) - present))
        if present == tokens:
            break
    return present


def _tokens_in_tracked_files(root: Path, tokens: set[str]) -> set[str]:
    """Return the tokens of ``tokens`` that a file git tracks at ``root`` contains now.

    The files are read from the work tree, whatever the scan covered.
    """
    wanted = {token: token.encode("ascii") for token in tokens}
    present: set[str] = set()
    for relative in sorted(Repository.open(root).tracked):
        path = root / relative
        if path.is_symlink() or not path.is_file():
            continue
        present.update(_tokens_in_file(path, wanted, set(wanted) - present))
        if present == tokens:
            break
    return present


def _tokens_in_file(path: Path, wanted: dict[str, bytes], remaining: set[str]) -> set[str]:
    found: set[str] = set()
    tail = b""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(4 * 1024 * 1024):
                data = tail + chunk
                found.update(token for token in remaining if wanted[token] in data)
                tail = data[-512:]
    except OSError:
        pass
    return found


def _excluded(excluder: DiscoveryOptions, root: Path, path: str) -> bool:
    return excluder.excludes(root / path)


def _excluder(options: ScanOptions, root: Path) -> DiscoveryOptions:
    return DiscoveryOptions(
        exclude_patterns=options.exclude_patterns, pattern_root=options.pattern_root or root
    )


def _search_history(
    options: ScanOptions,
    scanned: ScanOptions,
    roots: list[Path],
    result: ScanResult,
) -> list[tuple[Finding, str | None]]:
    """Return the TTAI501 findings of every repository in ``roots``, with their commits."""
    found: list[tuple[Finding, str | None]] = []
    for root in roots:
        excluder = _excluder(options, root)
        try:
            tokens = history.search_history(
                root, options.max_file_size, partial(_excluded, excluder, root)
            )
            if history.is_shallow(root):
                result.notices.append(
                    f"{root}: shallow clone; history before the oldest fetched commit was not "
                    "searched, and tokens from it are dated to that commit"
                )
            candidates = set(tokens.blobs)
            candidates -= {finding.identity for finding in result.findings}
            if candidates:
                candidates -= _tokens_in_files(scanned, candidates)
            if candidates:
                # Paths named on the command line narrow the scan, not the tree.
                candidates -= _tokens_in_tracked_files(root, candidates)
            if candidates:
                found.extend(history.history_findings(root, tokens, candidates))
        except GitError as error:
            raise DiscoveryError(f"cannot read the git history of {root}: {error}") from None
    return found


def _filter_since(
    options: ScanOptions,
    roots: list[Path],
    result: ScanResult,
    history_found: list[tuple[Finding, str | None]],
) -> list[Finding]:
    """Keep the findings that changes since ``options.since`` brought in."""
    assert options.since is not None
    changes: list[changed.Changes] = []
    for root in roots:
        try:
            commit = resolve_commit(root, options.since)
            if commit is None:
                raise DiscoveryError(
                    f"--since: unknown revision {options.since!r} in {root}; "
                    "name a commit, branch or tag (fetch it first in a shallow CI checkout)"
                )
            changes.append(changed.read_changes(root, commit, options.staged))
        except GitError as error:
            raise DiscoveryError(f"cannot diff against {options.since!r}: {error}") from None
    missing = {finding: names for finding, names in result.gitignore_fixes}

    def changes_for(path: Path) -> changed.Changes | None:
        for item in sorted(changes, key=lambda c: len(c.root.parts), reverse=True):
            if item.relative(path) is not None:
                return item
        return None

    kept = []
    for finding in result.findings:
        item = changes_for(finding.path)
        if item is None or changed.keep_finding(item, finding, missing.get(finding, ())):
            kept.append(finding)
    for finding, commit in history_found:
        item = changes_for(finding.path)
        if (
            item is None
            or commit is None
            or not history.is_ancestor(item.root, commit, item.commit)
        ):
            kept.append(finding)
    return kept


def run_git_scan(options: ScanOptions, progress: Progress | None = None) -> ScanResult:
    """Scan ``options.paths`` in the git modes set in ``options``."""
    roots = _work_trees(options)
    with _tree_scan(options, roots, progress) as (result, scanned, _):
        history_found: list[tuple[Finding, str | None]] = []
        if options.history and _rule_enabled("TTAI501", options):
            history_found = _search_history(options, scanned, roots, result)
            history_found = [
                (finding, commit)
                for finding, commit in history_found
                if not _ignored_for_file(finding, options)
            ]
    if options.since is not None:
        result.findings = _filter_since(options, roots, result, history_found)
    else:
        result.findings.extend(finding for finding, _ in history_found)
    remaining = set(result.findings)
    result.gitignore_fixes = [pair for pair in result.gitignore_fixes if pair[0] in remaining]
    result.findings.sort(key=Finding.sort_key)
    return result
