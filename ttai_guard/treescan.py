"""Scan a tree: walk it, scan its files (in worker processes), run the repository rules.

The walk (:func:`ttai_guard.discovery.iter_discover`) and the scan overlap:
files go to the workers in batches while the walk goes on, and their reports
come back in walk order.
"""

from __future__ import annotations

import gc
import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from ttai_guard import filekinds, usedpaths
from ttai_guard.analysis import (
    CompactReport,
    FileJob,
    FileReport,
    expand_report,
    scan_batch,
    scan_file,
)
from ttai_guard.cache import ResultsCache
from ttai_guard.decoding import decode
from ttai_guard.discovery import (
    Discovery,
    FileEntry,
    Skipped,
    Workspace,
    iter_discover,
)
from ttai_guard.finding import Finding
from ttai_guard.projectpass import ProjectInput, run_project_pass
from ttai_guard.rules.catalog import RULES
from ttai_guard.rules.envfiles import (
    RepositoryHit,
    check_env_ignored,
    check_env_tracked,
    tracked_env_files,
)
from ttai_guard.runner import (
    Progress,
    ScanOptions,
    ScanResult,
    _ignored_for_file,
    _rule_enabled,
)
from ttai_guard.suppressions import suppresses

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_THRESHOLD = 48
# Files per batch sent to a worker process, at most.
_BATCH_SIZE = 16
# Jobs taken from the walk (and looked up in the cache) at a time.
_CHUNK_SIZE = 256
# Jobs that may wait for their reports before the walk pauses for the workers.
_MAX_BACKLOG = 4096


def _job_for(entry: FileEntry, discovery: Discovery) -> FileJob:
    belongs = False
    if filekinds.is_env_file_name(entry.path.name):
        workspace = discovery.workspace_for(entry.path)
        belongs = (
            workspace is not None
            and not filekinds.is_env_template(entry.path.name)
            and workspace.is_ignored(entry.path)
            and not workspace.is_tracked(entry.path)
        )
    return FileJob(entry.path, build=entry.build, secrets_belong_here=belongs)


def _jobs_for(discovery: Discovery) -> list[FileJob]:
    return [_job_for(entry, discovery) for entry in discovery.files]


@dataclass
class _Slot:
    """One job's place in the output order, and its report once there is one."""

    job: FileJob
    report: FileReport | None = None
    future: Future[list[FileReport | CompactReport]] | None = None
    index: int = 0
    #: The report came from the results cache rather than a scan.
    cached: bool = False


class _Pipeline:
    """Scan jobs as they arrive and hand back their reports in arrival order.

    Jobs wait until there are enough to be worth worker processes. A run
    that gets fewer scans them in this process at :meth:`drain`. Reports
    taken from the cache join the same order through :meth:`add_report`.
    """

    def __init__(self, options: ScanOptions, digest: bool) -> None:
        self.options = options
        self.digest = digest
        self.slots: deque[_Slot] = deque()
        self.unsent: list[_Slot] = []
        self.fresh = 0
        self.started = False
        self.executor: ProcessPoolExecutor | None = None
        self.collector_paused = False

    def add(self, job: FileJob) -> None:
        slot = _Slot(job)
        self.slots.append(slot)
        self.unsent.append(slot)
        self.fresh += 1
        if not self.started and self.fresh >= _PARALLEL_THRESHOLD:
            self.started = True
            workers = self.options.jobs or os.cpu_count() or 1
            if workers > 1:
                from concurrent.futures import ProcessPoolExecutor

                self.executor = ProcessPoolExecutor(max_workers=workers, initializer=gc.enable)
                # This process now only walks and collects, and its objects form
                # no cycles. The collector's passes over them grew faster than
                # the tree (measured: 0.3 s at 45,000 files, 0.8 s at 90,000).
                # The workers enable it again when they start.
                if gc.isenabled():
                    gc.disable()
                    self.collector_paused = True
        if not self.started:
            return
        if self.executor is None:
            self._scan_here()
        while len(self.unsent) >= _BATCH_SIZE:
            self._submit(self.unsent[:_BATCH_SIZE])
            del self.unsent[:_BATCH_SIZE]

    def _scan_here(self) -> None:
        for slot in self.unsent:
            slot.report = scan_file(
                slot.job, self.options.settings, self.options.max_file_size, self.digest
            )
        self.unsent = []

    def add_report(self, job: FileJob, report: FileReport) -> None:
        self.slots.append(_Slot(job, report, cached=True))

    def _submit(self, slots: list[_Slot]) -> None:
        assert self.executor is not None
        future = self.executor.submit(
            scan_batch,
            [(str(s.job.path), s.job.build, s.job.secrets_belong_here) for s in slots],
            self.options.settings,
            self.options.max_file_size,
            self.digest,
        )
        for index, slot in enumerate(slots):
            slot.future = future
            slot.index = index

    def drain(self, final: bool) -> Iterator[tuple[FileJob, FileReport, bool]]:
        """Yield (job, report, fresh) from the front while reports are ready.

        With ``final``, every remaining job is scanned or waited for.
        """
        if final and self.unsent:
            if self.executor is None:
                self._scan_here()
            else:
                # Small last batches keep every worker busy to the end.
                size = max(1, len(self.unsent) // 4)
                for start in range(0, len(self.unsent), size):
                    self._submit(self.unsent[start : start + size])
                self.unsent = []
        while self.slots:
            slot = self.slots[0]
            if slot.report is None:
                # Past the backlog limit the walk waits for the workers, so
                # memory does not grow with the tree.
                wait = final or len(self.slots) > _MAX_BACKLOG
                if slot.future is None or not (wait or slot.future.done()):
                    return
                slot.report = expand_report(slot.job, slot.future.result()[slot.index])
            self.slots.popleft()
            yield slot.job, slot.report, not slot.cached

    def close(self) -> None:
        if self.collector_paused:
            gc.enable()
            self.collector_paused = False
        if self.executor is not None:
            # When the caller stops early (an error, Ctrl-C), batches not yet
            # started are dropped instead of delaying the shutdown.
            self.executor.shutdown(wait=True, cancel_futures=True)


def _scan_all(
    jobs: Iterable[FileJob], options: ScanOptions, result: ScanResult
) -> Iterator[FileReport]:
    """Yield one report per job, in job order, from the results cache or a fresh scan.

    Jobs are consumed in chunks, so a scan runs while the walk that produces
    ``jobs`` goes on.
    """
    cache = None
    if options.use_cache:
        cache = ResultsCache.open(options.settings, options.max_file_size, result.notices)
        if cache is not None:
            result.cache = cache.statistics
    pipeline = _Pipeline(options, digest=cache is not None)
    try:
        iterator = iter(jobs)
        while chunk := list(islice(iterator, _CHUNK_SIZE)):
            stored = cache.lookup_all(chunk) if cache is not None else [None] * len(chunk)
            for job, report in zip(chunk, stored, strict=True):
                if report is None:
                    pipeline.add(job)
                else:
                    pipeline.add_report(job, report)
            yield from _stored_fresh(pipeline.drain(final=False), cache)
        yield from _stored_fresh(pipeline.drain(final=True), cache)
    finally:
        pipeline.close()
        if cache is not None:
            cache.close()


def _stored_fresh(
    drained: Iterator[tuple[FileJob, FileReport, bool]], cache: ResultsCache | None
) -> Iterator[FileReport]:
    """Pass reports on, adding the freshly scanned ones to ``cache``."""
    for job, report, fresh in drained:
        if fresh and cache is not None:
            cache.add(job, report)
        yield report


def _is_suppressed(hit: RepositoryHit) -> bool:
    """Tell whether the line a repository finding points at suppresses it."""
    usedpaths.watch(hit.path)
    try:
        # Read regular files only: a .gitignore may be a link to a device.
        if not stat.S_ISREG(os.lstat(hit.path).st_mode):
            return False
        with open(hit.path, "rb") as handle:
            lines = handle.read(1024 * 1024).decode("utf-8", "replace").splitlines()
    except OSError:
        return False
    return hit.line <= len(lines) and suppresses(lines[hit.line - 1], hit.rule)


def _repository_findings(hit: RepositoryHit) -> Finding:
    return Finding(
        rule=hit.rule,
        path=hit.path,
        line=hit.line,
        column=1,
        end_line=hit.line,
        end_column=1,
        message=hit.message,
        level=RULES[hit.rule].level,
        identity=hit.identity,
        fixable=hit.rule == "TTAI401",
    )


def _holds_values(path: Path) -> bool:
    from ttai_guard.analyzers.envfile import env_has_values

    usedpaths.watch(path)
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            # A tracked link (perhaps to a device) contains a path, not values.
            return False
        data = path.read_bytes()
    except FileNotFoundError:
        # Deleted from the work tree but still in the index: it is committed.
        return True
    except OSError:
        return True
    return env_has_values(decode(data).text)


def _run_repository_rules(
    discovery: Discovery, directories: list[Path], options: ScanOptions, result: ScanResult
) -> None:
    env_files = [
        entry.path for entry in discovery.files if filekinds.is_env_file_name(entry.path.name)
    ]
    for workspace in discovery.workspaces:
        scoped = [path for path in directories if workspace.relative(path) is not None]
        if not scoped or workspace.inside_ignored:
            continue
        if _rule_enabled("TTAI401", options):
            mine = [path for path in env_files if discovery.workspace_for(path) is workspace]
            # Outside git there is no repository root to protect, only the
            # directories that already contain dotenv files.
            covers_root = workspace.root in scoped and workspace.repository is not None
            for hit in check_env_ignored(workspace, mine, include_root=covers_root):
                if not _is_suppressed(hit):
                    finding = _repository_findings(hit)
                    result.findings.append(finding)
                    result.gitignore_fixes.append((finding, hit.missing))
        if _rule_enabled("TTAI402", options):
            _check_tracked(workspace, scoped, result)


def _check_tracked(workspace: Workspace, scoped: list[Path], result: ScanResult) -> None:
    if workspace.git_error:
        # The repository is already listed among the paths that could not be read.
        return
    if workspace.repository is None:
        result.notices.append(
            f"TTAI402 was not checked: {workspace.root} is not inside a git work tree"
        )
        return
    with_values = [path for path in tracked_env_files(workspace, scoped) if _holds_values(path)]
    for hit in check_env_tracked(workspace, with_values):
        if not _is_suppressed(hit):
            result.findings.append(_repository_findings(hit))


def collect(reports: Iterable[FileReport], options: ScanOptions, result: ScanResult) -> None:
    """Fold per-file reports into ``result``."""
    for report in reports:
        if report.vanished:
            result.notices.append(f"{report.path}: removed while the scan ran; not scanned")
        elif report.error:
            result.errors.append(Skipped(report.path, report.error))
        elif report.skipped:
            result.skipped.append(Skipped(report.path, report.skipped))
        else:
            result.files_scanned += 1
        result.findings.extend(f for f in report.findings if _rule_enabled(f.rule, options))
        result.notes.extend((report.path, note) for note in report.notes)
        if options.report_unused_ignores:
            result.notices.extend(
                _unused_suppression(report.path, line) for line in report.unused_ignores
            )


def _unused_suppression(path: Path, line: int) -> str:
    return (
        f"{os.path.relpath(path)}:{line}: unused suppression (`ttai-guard: ignore` matched nothing)"
    )


def _run_project_pass(
    project_input: ProjectInput, options: ScanOptions, result: ScanResult
) -> None:
    """Add the client-side findings (TTAI201-203), which need every file's facts."""
    found = run_project_pass(project_input, options, lambda rule: _rule_enabled(rule, options))
    result.findings.extend(found.findings)
    result.notices.extend(found.notices)
    if options.report_unused_ignores and found.used_markers:
        used = {_unused_suppression(path, line) for path, line in found.used_markers}
        result.notices = [notice for notice in result.notices if notice not in used]


def _counted(reports: Iterator[FileReport], total: int, progress: Progress) -> Iterator[FileReport]:
    for done, report in enumerate(reports, start=1):
        progress(done, total)
        yield report


def scan_tree(options: ScanOptions, progress: Progress | None = None) -> ScanResult:
    """Scan the files under ``options.paths`` as they are on disk, ignoring the git modes."""
    discovery = Discovery()
    entries = iter_discover(options.paths, options.discovery_options(), discovery, keep_all=False)
    result = ScanResult()
    jobs: Iterable[FileJob] = (_job_for(entry, discovery) for entry in entries)
    if progress is not None:
        # The progress display needs the total, so the walk finishes first.
        jobs = list(jobs)
    reports = _scan_all(jobs, options, result)
    if progress is not None:
        assert isinstance(jobs, list)
        reports = _counted(reports, len(jobs), progress)
    project_input = ProjectInput()
    collect(project_input.record(reports), options, result)
    # The walk has ended, so its lists are complete. They go ahead of the
    # entries the scan added.
    result.skipped[:0] = discovery.skipped
    result.errors[:0] = discovery.errors
    result.notices[:0] = discovery.notices
    _run_project_pass(project_input, options, result)
    directories = [Path(os.path.abspath(p)) for p in options.paths if os.path.isdir(p)]
    if directories:
        _run_repository_rules(discovery, directories, options, result)
    result.findings = [f for f in result.findings if not _ignored_for_file(f, options)]
    result.findings.sort(key=Finding.sort_key)
    return result
