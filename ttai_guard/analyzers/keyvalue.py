"""Analyzer for configuration files, shell scripts and other line-oriented text.

``analyze(text, settings, kind=...)`` reads JSON, YAML, TOML, INI/CFG,
Dockerfiles, shell scripts and plain text. Every line becomes a string, except
comments, which go to ``comments``. Name and value pairs become settings with
exact offsets, and settings bound to token names become credentials. Only the
standard library is used, so YAML and TOML are read by line-level scanners,
not by full parsers.

Each kind is read by its own module (``jsonfile``, ``yamlfile``, ``tomlfile``,
``inifile`` and ``shell``), which is imported only when a file of that kind is
read. The helpers that they and the other text-format analyzers share are in
``literals``.
"""

from __future__ import annotations

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.literals import (
    add_bearer_credentials,
    deduplicate_credentials,
    plain_text_facts,
)
from ttai_guard.facts import Facts

#: The values of the ``kind`` argument of :func:`analyze`.
KINDS = ("json", "yaml", "toml", "ini", "dockerfile", "shell", "text")


def analyze(text: str, settings: AnalyzerSettings, *, kind: str = "text") -> Facts:
    """Extract lines, comments, settings and credentials from a configuration file.

    ``kind`` is one of :data:`KINDS`. JSON is parsed (JSONC comments and
    trailing commas allowed) and gives every decoded string value. When it
    does not parse, it is read line by line and ``parsed`` is false. The
    other kinds give every line, with comments split off into ``comments``.
    """
    if kind == "json":
        from ttai_guard.analyzers import jsonfile

        facts = jsonfile.analyze_json(text, settings)
    elif kind == "yaml":
        from ttai_guard.analyzers import yamlfile

        facts = yamlfile.YamlScanner(text, settings).run()
    elif kind == "toml":
        from ttai_guard.analyzers import tomlfile

        facts = tomlfile.TomlScanner(text, settings).run()
    elif kind == "ini":
        from ttai_guard.analyzers import inifile

        facts = inifile.analyze_ini(text, settings)
    elif kind == "shell":
        from ttai_guard.analyzers import shell

        facts = shell.analyze_shell(text, settings)
    elif kind == "dockerfile":
        from ttai_guard.analyzers import shell

        facts = shell.analyze_dockerfile(text, settings)
    elif kind == "text":
        facts = plain_text_facts(text)
        return facts
    else:
        raise ValueError(f"unknown key-value kind {kind!r}, expected one of {', '.join(KINDS)}")
    add_bearer_credentials(facts)
    deduplicate_credentials(facts)
    return facts
