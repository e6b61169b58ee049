"""The ``ttai-guard`` command line."""

from __future__ import annotations

import dataclasses
import io
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from ttai_guard import __version__, progress
from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.config import Config, ConfigError, find_config, load_config
from ttai_guard.discovery import DEFAULT_EXCLUDED_DIRS, DiscoveryError
from ttai_guard.finding import LEVEL_RANK, Finding
from ttai_guard.progress import ProgressBar
from ttai_guard.reporters import display_path, printable
from ttai_guard.runner import DEFAULT_MAX_FILE_SIZE, ScanOptions, ScanResult, run_scan
from ttai_guard.tokens import redact_text

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
if TYPE_CHECKING:
    from ttai_guard.fixes import FileEdit
    from ttai_guard.unsafe_fixes import UnsafeFixPlan

DEFAULT_BASELINE = ".ttai-guard-baseline.json"
FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")


def _configure_streams() -> None:
    """Escape characters the output encoding lacks, because paths and excerpts may contain any."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _parse_rule_list(value: str | None, option: str) -> frozenset[str] | None:
    if value is None:
        return None
    from ttai_guard.rules.catalog import RULES

    items = frozenset(item.strip().upper() for item in value.split(",") if item.strip())
    if not items:
        raise click.BadParameter("expects at least one rule ID or prefix", param_hint=option)
    for item in items:
        if not any(rule_id.startswith(item) for rule_id in RULES) or not item.startswith("TTAI"):
            known = ", ".join(RULES)
            raise click.BadParameter(
                f"unknown rule {item!r} (known rules: {known})", param_hint=option
            )
    return items


def _optional_set(items: tuple[str, ...] | None) -> frozenset[str] | None:
    return None if items is None else frozenset(items)


def _load_config(config_file: str | None, first_path: str) -> Config:
    """Read ``--config``, or the nearest configuration file above the first path."""
    path = Path(config_file) if config_file else find_config(Path(os.path.abspath(first_path)))
    if path is None:
        return Config()
    try:
        return load_config(path)
    except ConfigError as error:
        raise click.UsageError(f"invalid configuration: {error}") from None


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def _exit_code(result: ScanResult, fail_on: str, exit_zero: bool) -> int:
    if result.partial:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    threshold = LEVEL_RANK[fail_on]
    failing = any(LEVEL_RANK[finding.level] >= threshold for finding in result.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _report_diagnostics(result: ScanResult, verbose: bool) -> None:
    """Write notices, unreadable files and (with -v) skipped files to stderr."""
    for notice in result.notices:
        _diagnostic(f"ttai-guard: notice: {notice}")
    if result.errors:
        _diagnostic("ttai-guard: error: these paths could not be read:")
        for item in result.errors:
            _diagnostic(f"  {display_path(item.path)}: {item.reason}")
    if verbose:
        for item in result.skipped:
            _diagnostic(f"ttai-guard: skipped {display_path(item.path)}: {item.reason}")
        for path, note in result.notes:
            _diagnostic(f"ttai-guard: {display_path(path)}: {note}")
        if result.cache is not None:
            reused = "; nothing changed, so the last result was reused" * result.cache.reused
            _diagnostic(
                f"ttai-guard: results cache: {result.cache.hits} files unchanged, "
                f"{result.cache.misses} scanned, {result.cache.stored} stored{reused}"
            )


def _diagnostic(line: str) -> None:
    click.echo(redact_text(printable(line)), err=True)


def _write_report(
    result: ScanResult,
    output_format: str,
    stream: TextIO,
    color: bool,
    quiet: bool,
    statistics: bool = False,
) -> None:
    if statistics and output_format == "text":
        from ttai_guard.reporters.text import write_statistics

        write_statistics(result, stream)
    elif output_format == "json":
        from ttai_guard.reporters.json import write_json

        write_json(result, stream)
    elif output_format == "sarif":
        from ttai_guard.reporters.sarif import write_sarif

        write_sarif(result, stream)
    elif output_format == "github":
        from ttai_guard.reporters.github import write_github

        write_github(result, stream)
    elif output_format == "junit":
        from ttai_guard.reporters.junit import write_junit

        write_junit(result, stream)
    elif output_format == "gitlab":
        from ttai_guard.reporters.gitlab import write_gitlab

        write_gitlab(result, stream)
    else:
        from ttai_guard.reporters.text import write_text

        write_text(result, stream, color=color, quiet=quiet)


def _write_output(
    result: ScanResult,
    output_format: str,
    output: str | None,
    color: str,
    quiet: bool,
    statistics: bool,
) -> None:
    if output is None:
        use_color = _use_color(color, sys.stdout)
        _write_report(result, output_format, sys.stdout, use_color, quiet, statistics)
        return
    from ttai_guard.outputfile import write_output_file

    write_output_file(
        Path(output),
        lambda stream: _write_report(
            result, output_format, stream, color == "always", quiet, statistics
        ),
    )


def _scan_options(
    config: Config,
    targets: tuple[str, ...],
    *,
    select: frozenset[str] | None = None,
    ignore: frozenset[str] = frozenset(),
    include_build: bool = False,
    jobs: int = 0,
    no_respect_gitignore: bool = False,
    max_file_size: int | None = None,
    report_unused_ignores: bool = False,
    staged: bool = False,
    since: str | None = None,
    history: bool = False,
    use_cache: bool = True,
) -> ScanOptions:
    """Merge the command line over the configuration file."""
    excludes = config.exclude if config.exclude is not None else ()
    return ScanOptions(
        paths=targets,
        select=select if select is not None else _optional_set(config.select),
        ignore=ignore | frozenset(config.ignore),
        include_build=include_build,
        jobs=jobs,
        respect_gitignore=False if no_respect_gitignore else config.respect_gitignore is not False,
        max_file_size=max_file_size or config.max_file_size or DEFAULT_MAX_FILE_SIZE,
        settings=AnalyzerSettings(api_hosts=config.api_hosts, token_names=config.token_env_names),
        exclude_dirs=frozenset({".git"}) if config.exclude is not None else DEFAULT_EXCLUDED_DIRS,
        exclude_patterns=(*excludes, *config.extend_exclude),
        per_file_ignores=config.per_file_ignores,
        pattern_root=config.root,
        report_unused_ignores=report_unused_ignores,
        client_paths=config.client_paths,
        server_paths=config.server_paths,
        public_env_prefixes=config.public_env_prefixes,
        staged=staged,
        since=since,
        history=history,
        use_cache=use_cache,
    )


def _plan_fixes(
    result: ScanResult, extra: Sequence[tuple[Finding, tuple[str, ...]]] = ()
) -> list[FileEdit]:
    """Plan the .gitignore edits for TTAI401, plus the ``extra`` entries other fixes need."""
    from ttai_guard.fixes import plan_gitignore_fixes

    remaining = set(result.findings)
    fixes = [(finding, names) for finding, names in result.gitignore_fixes if finding in remaining]
    edits, problems = plan_gitignore_fixes([*fixes, *extra])
    result.notices.extend(problems)
    if extra:
        # The extra entries fix no finding of their own.
        markers = {finding for finding, _ in extra}
        edits = [
            dataclasses.replace(edit, fixed=tuple(f for f in edit.fixed if f not in markers))
            for edit in edits
        ]
    return edits


def _plan_unsafe_fixes(result: ScanResult, options: ScanOptions) -> UnsafeFixPlan:
    from ttai_guard.unsafe_fixes import plan_unsafe_fixes

    return plan_unsafe_fixes(result, options)


def _report_unsafe_fixes(plan: UnsafeFixPlan) -> None:
    """Print why tokens were left and which moved tokens to rotate."""
    for message in plan.messages:
        _diagnostic(f"ttai-guard: {message}")
    for reminder in plan.reminders:
        _diagnostic(f"ttai-guard: {reminder}")


def _report_gitignore_fixes(edits: list[FileEdit]) -> None:
    """Print how many findings the written ``.gitignore`` edits fixed."""
    fixed = {finding for edit in edits for finding in edit.fixed}
    if fixed:
        files = len(edits)
        _diagnostic(
            f"ttai-guard: fixed {len(fixed)} finding{'s' if len(fixed) != 1 else ''} "
            f"by adding entries to {files} .gitignore file{'s' if files != 1 else ''}"
        )


def _configured_baseline(config: Config) -> str | None:
    """Return the configuration's baseline path, relative to the configuration file."""
    if config.baseline is None or config.root is None:
        return None
    return str(config.root / config.baseline)


def _apply_baseline(result: ScanResult, baseline: str, verbose: bool) -> None:
    from ttai_guard.baseline import BaselineError, apply_baseline

    try:
        result.findings, stale = apply_baseline(result.findings, Path(baseline))
    except BaselineError as error:
        raise click.UsageError(f"invalid baseline: {error}") from None
    if verbose:
        for entry in stale:
            _diagnostic(
                f"ttai-guard: stale baseline entry: {entry.rule} in {entry.path} "
                "(no longer found; rewrite the baseline to drop it)"
            )


config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True),
    help="Read settings from this file instead of the nearest configuration file.",
)


def _require_output_directory(output: str | None) -> None:
    if output is not None and not Path(output).resolve().parent.is_dir():
        raise click.BadParameter(
            f"directory of {output!r} does not exist; create it first", param_hint="--output"
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ttai-guard")
def cli() -> None:
    """Check a repository against the ToughTongue AI API token security checklist."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format of the findings.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write findings to this file instead of stdout.",
)
@click.option(
    "--select", help="Comma-separated rule IDs or prefixes to report (for example TTAI1,TTAI301)."
)
@click.option(
    "--ignore", "ignore_rules", help="Comma-separated rule IDs or prefixes not to report."
)
@click.option(
    "--include-build",
    is_flag=True,
    help="Also scan build output (.next, dist, build, out) for tokens.",
)
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit with 0 even when findings are reported (errors still exit 2).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "note"]),
    default=None,
    help="Lowest finding level that makes the exit code 1 [default: warning, or fail-on].",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes; 0 uses one per CPU.",
)
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    default=None,
    help=(
        "Files larger than this many bytes are only searched for tokens, byte by byte "
        f"[default: {DEFAULT_MAX_FILE_SIZE}, or max-file-size]."
    ),
)
@config_option
@click.option(
    "--no-respect-gitignore", is_flag=True, help="Scan files that .gitignore ignores too."
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, exists=True),
    help="Do not report findings listed in this baseline file (see `ttai-guard baseline`).",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Add the missing .env entries to .gitignore files (fixes TTAI401).",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help=(
        "Print the changes --fix would make as a unified diff with secrets masked, and "
        "change nothing. Exits with 1 when the diff is not empty or findings at or above "
        "--fail-on remain, else 0."
    ),
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help=(
        "With --fix or --diff, also move hardcoded tokens in server-side Python and JS/TS "
        "into .env and read them from the environment."
    ),
)
@click.option(
    "--staged",
    is_flag=True,
    help="Scan the contents staged in the git index, not the working tree.",
)
@click.option(
    "--since",
    metavar="REV",
    help="Report only findings on lines added or changed since the git revision REV.",
)
@click.option(
    "--history",
    is_flag=True,
    help="Also search every reachable git commit for tokens no longer in the tree (TTAI501).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the results cache.",
)
@click.option(
    "--report-unused-ignores",
    is_flag=True,
    help="List `ttai-guard: ignore` markers that suppressed nothing, on stderr.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Print the number of findings per rule instead of each finding (text format).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print findings without excerpts, and nothing on a clean run.",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="List skipped files and files read at the text level on stderr.",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text output.",
)
def check(
    paths: Sequence[str],
    output_format: str,
    output: str | None,
    select: str | None,
    ignore_rules: str | None,
    include_build: bool,
    exit_zero: bool,
    fail_on: str | None,
    jobs: int,
    max_file_size: int | None,
    config_file: str | None,
    no_respect_gitignore: bool,
    baseline_file: str | None,
    fix: bool,
    show_diff: bool,
    unsafe_fixes: bool,
    staged: bool,
    since: str | None,
    history: bool,
    no_cache: bool,
    report_unused_ignores: bool,
    statistics: bool,
    quiet: bool,
    verbose: bool,
    color: str,
) -> None:
    """Scan PATHS (default: the current directory) and report findings."""
    _require_output_directory(output)
    targets = tuple(paths) or (".",)
    config = _load_config(config_file, targets[0])
    options = _scan_options(
        config,
        targets,
        select=_parse_rule_list(select, "--select"),
        ignore=_parse_rule_list(ignore_rules, "--ignore") or frozenset(),
        include_build=include_build,
        jobs=jobs,
        no_respect_gitignore=no_respect_gitignore,
        max_file_size=max_file_size,
        report_unused_ignores=report_unused_ignores,
        staged=staged,
        since=since,
        history=history,
        use_cache=not no_cache,
    )
    fail_on = fail_on or config.fail_on or "warning"
    if staged and (fix or show_diff):
        # The index and the work tree can differ, and fixes edit the work tree.
        raise click.UsageError(
            "--fix, --diff and --unsafe-fixes edit the work tree, so they cannot be combined "
            "with --staged; run `ttai-guard check --fix` on the work tree, then stage the "
            "changes with `git add`"
        )
    bar = ProgressBar() if progress.wanted(sys.stderr, quiet) else None
    try:
        result = run_scan(options, bar)
    except DiscoveryError as error:
        raise click.UsageError(str(error)) from None
    finally:
        if bar is not None:
            bar.close()
    baseline = baseline_file or _configured_baseline(config)
    if baseline is not None:
        _apply_baseline(result, baseline, verbose)
    if unsafe_fixes and not (show_diff or fix):
        _diagnostic("ttai-guard: notice: --unsafe-fixes does nothing without --fix or --diff")
    if show_diff or fix:
        unsafe = _plan_unsafe_fixes(result, options) if unsafe_fixes else None
        edits = _plan_fixes(result, unsafe.gitignore_fixes if unsafe else [])
        if show_diff:
            _show_diff(result, edits, unsafe, verbose)
            if result.partial:
                sys.exit(EXIT_ERROR)
            if edits or (unsafe is not None and (unsafe.edits or unsafe.env_edits)):
                sys.exit(EXIT_FINDINGS)
            sys.exit(_exit_code(result, fail_on, exit_zero))
        if _apply_all(edits, unsafe):
            # Positions of the findings left may have moved: report them as
            # the files are now.
            notices = result.notices
            result = _rescan(options, baseline, verbose)
            result.notices[:0] = [notice for notice in notices if notice not in result.notices]
    _report_diagnostics(result, verbose)
    _write_output(result, output_format, output, color, quiet, statistics)
    sys.exit(_exit_code(result, fail_on, exit_zero))


def _show_diff(
    result: ScanResult, edits: list[FileEdit], unsafe: UnsafeFixPlan | None, verbose: bool
) -> None:
    """Print the edits as one unified diff, with every secret masked."""
    _report_diagnostics(result, verbose)
    if unsafe is not None:
        for message in unsafe.messages:
            _diagnostic(f"ttai-guard: {message}")
        edits = [*unsafe.env_edits, *edits, *unsafe.edits]
    secrets: dict[Path, set[str]] = {}
    for finding in result.findings:
        if finding.rule in ("TTAI101", "TTAI102") and finding.identity:
            secrets.setdefault(finding.path, set()).add(finding.identity)
    for edit in edits:
        shown = display_path(edit.path)
        click.echo(edit.masked_diff(shown, secrets.get(edit.path, ())), nl=False)


def _apply_all(edits: list[FileEdit], unsafe: UnsafeFixPlan | None) -> bool:
    """Write ``.env`` files, then ``.gitignore`` files, then sources; tell whether any changed.

    Raises ClickException (exit 2) when a write fails; the files written
    before it are restored by :func:`apply_edits`.
    """
    from ttai_guard.fixes import ApplyError, apply_edits

    ordered = edits if unsafe is None else [*unsafe.env_edits, *edits, *unsafe.edits]
    try:
        apply_edits(ordered)
    except ApplyError as error:
        raise click.ClickException(str(error)) from None
    _report_gitignore_fixes(edits)
    if unsafe is not None:
        _report_unsafe_fixes(unsafe)
    return bool(ordered)


def _rescan(options: ScanOptions, baseline: str | None, verbose: bool) -> ScanResult:
    try:
        result = run_scan(options, None)
    except DiscoveryError as error:
        raise click.UsageError(str(error)) from None
    if baseline is not None:
        _apply_baseline(result, baseline, verbose)
    return result


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Baseline file to write [default: baseline from the configuration, or "
    f"{DEFAULT_BASELINE}].",
)
@config_option
def baseline(paths: Sequence[str], output: str | None, config_file: str | None) -> None:
    """Write the current findings of PATHS to a baseline file, accepting them."""
    targets = tuple(paths) or (".",)
    config = _load_config(config_file, targets[0])
    target = output or _configured_baseline(config) or DEFAULT_BASELINE
    try:
        result = run_scan(_scan_options(config, targets))
    except DiscoveryError as error:
        raise click.UsageError(str(error)) from None
    _report_diagnostics(result, verbose=False)
    if result.partial:
        click.echo(
            "ttai-guard: error: the scan is incomplete; the baseline was not written", err=True
        )
        sys.exit(EXIT_ERROR)
    from ttai_guard.baseline import write_baseline

    count = write_baseline(result.findings, Path(target))
    noun = "entry" if count == 1 else "entries"
    click.echo(f"Wrote {count} baseline {noun} to {target}.")


@cli.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "html"]),
    default="text",
    show_default=True,
    help="Report format; html is one self-contained page.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file."
)
@config_option
def audit(path: str, output_format: str, output: str | None, config_file: str | None) -> None:
    """Review a whole repository against the security checklist C1-C7."""
    from ttai_guard.audit import build_audit, render_html, render_markdown, render_text
    from ttai_guard.outputfile import write_output_file
    from ttai_guard.rules.catalog import RULES

    _require_output_directory(output)
    config = _load_config(config_file, path)
    in_git = _inside_work_tree(path)
    options = _scan_options(config, (path,), history=in_git)
    try:
        result = run_scan(options)
    except DiscoveryError as error:
        raise click.UsageError(str(error)) from None
    if not in_git:
        result.notices.append(f"TTAI501 was not checked: {path} is not inside a git work tree")
    enabled = frozenset(rule for rule in RULES if _rule_selected(rule, options))
    report = build_audit(result, Path(os.path.abspath(path)), enabled_rules=enabled)
    renderers = {"text": render_text, "markdown": render_markdown, "html": render_html}
    text = renderers[output_format](report)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_output_file(Path(output), lambda stream: stream.write(text))
        click.echo(f"Wrote the audit report to {output}.", err=True)
    _report_diagnostics(result, verbose=False)
    if result.partial:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if any(item.status == "fail" for item in report.items) else EXIT_CLEAN)


def _inside_work_tree(path: str) -> bool:
    """Tell whether ``path`` is inside a git work tree, so its history can be searched."""
    from ttai_guard.gitrepo import GitError, find_work_tree

    if not os.path.exists(path):
        # The scan reports the missing path.
        return False
    try:
        return find_work_tree(Path(os.path.abspath(path))) is not None
    except GitError:
        return False


def _rule_selected(rule: str, options: ScanOptions) -> bool:
    if options.select is not None and not any(rule.startswith(p) for p in options.select):
        return False
    return not any(rule.startswith(prefix) for prefix in options.ignore)


@cli.command()
@click.argument("rule_id", required=False)
def rules(rule_id: str | None) -> None:
    """List the rules, or print the documentation of RULE_ID."""
    from ttai_guard.rules.catalog import RULES

    if rule_id is None:
        for rule in RULES.values():
            click.echo(
                f"{rule.id}  {rule.name:<22} {rule.level:<8} {rule.checklist}  {rule.summary}"
            )
        return
    selected = RULES.get(rule_id.upper())
    if selected is None:
        raise click.UsageError(f"unknown rule {rule_id!r}; run `ttai-guard rules` to list them")
    click.echo(
        f"# {selected.id} {selected.name} ({selected.level}, checklist {selected.checklist})\n"
    )
    click.echo(selected.doc.rstrip())


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; every failure becomes exit code 2 with one line on stderr."""
    _configure_streams()
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        code = cli.main(args=args, prog_name="ttai-guard", standalone_mode=False)
    except click.ClickException as error:
        # click gives ClickException exit code 1, which here means findings.
        error.show()
        code = EXIT_ERROR
    except (click.Abort, KeyboardInterrupt):
        click.echo("ttai-guard: interrupted", err=True)
        code = 130
    except Exception as error:
        click.echo(f"ttai-guard: internal error: {type(error).__name__}: {error}", err=True)
        if os.environ.get("TTAI_GUARD_DEBUG"):
            traceback.print_exc()
        else:
            click.echo("ttai-guard: set TTAI_GUARD_DEBUG=1 to see the traceback", err=True)
        code = EXIT_ERROR
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
