"""Analyzers turn one file's decoded text into :class:`~ttai_guard.facts.Facts`.

Each analyzer module exposes ``analyze(text, settings) -> Facts``. Parsers are
imported inside the analyzer modules only, so a run that needs no parser
imports none. An analyzer raises :class:`AnalysisError` when it cannot parse
its input; the runner then falls back to the text level for that file.
"""

from __future__ import annotations

from dataclasses import dataclass


class AnalysisError(Exception):
    """The file could not be parsed; the message gives the reason, for ``--verbose``."""


@dataclass(frozen=True)
class AnalyzerSettings:
    """Project settings that change what analyzers extract.

    ``api_hosts`` adds hosts that serve the ToughTongue API (a company
    proxy), and ``token_names`` adds variable names that hold a token.
    ``imported_values`` gives the static string values that imports of a
    JavaScript file bind, as (local name, value) pairs: ``("API_BASE",
    "https://...")`` for a named or default import, ``("config.baseUrl",
    "https://...")`` for a property of an imported object or namespace. The
    JavaScript analyzer resolves request URLs through them.
    """

    api_hosts: tuple[str, ...] = ()
    token_names: tuple[str, ...] = ()
    imported_values: tuple[tuple[str, str], ...] = ()
