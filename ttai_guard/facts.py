"""Language-neutral facts that analyzers extract and rules consume.

An analyzer (Python, JavaScript, a config format, plain text) turns one file
into a :class:`Facts`. Rules never look at syntax trees: they see string
values with a map back to the source, credentials bound to names, and request
calls with their resolved URL. Offsets are offsets into the decoded text of
the file, so one :class:`~ttai_guard.textindex.LineIndex` turns any of them
into a line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Stands for a part of a string that is not known statically (an f-string
#: replacement field, a template substitution, a variable in a concatenation).
#: It is outside every token and URL alphabet, so no match crosses it.
DYNAMIC = "\x00"


@dataclass(frozen=True)
class Segment:
    """A run of a string value copied from one place in the source.

    ``value_start`` is where the run starts in :attr:`Literal.value`,
    ``source_start`` where it starts in the file's text, and ``length`` how
    many characters of the value it covers. When the source spells the run
    with escapes, characters after the first escape map only approximately.
    """

    value_start: int
    source_start: int
    length: int


@dataclass(frozen=True)
class Literal:
    """A string value known statically, possibly folded from several pieces.

    ``value`` is the folded text, with :data:`DYNAMIC` for every unknown
    part. ``segments`` map each literal run of it back to the source.
    """

    value: str
    segments: tuple[Segment, ...]

    @classmethod
    def at(cls, value: str, source_start: int) -> Literal:
        """Build a literal that maps one-to-one onto the source at an offset."""
        return cls(value, (Segment(0, source_start, len(value)),))

    def source_offset(self, value_offset: int) -> int:
        """Return the source offset of the character at ``value_offset``."""
        best = self.segments[0] if self.segments else Segment(0, 0, 0)
        for segment in self.segments:
            if segment.value_start <= value_offset:
                best = segment
            else:
                break
        inside = min(value_offset - best.value_start, max(best.length, 0))
        return best.source_start + max(inside, 0)

    def source_end(self, value_end: int) -> int:
        """Return the source offset just after the character before ``value_end``."""
        if value_end <= 0:
            return self.source_offset(0)
        return self.source_offset(value_end - 1) + 1

    def source_spans(self, start: int, end: int) -> list[tuple[int, int]]:
        """Return the source ranges that spell ``value[start:end]``."""
        spans: list[tuple[int, int]] = []
        for segment in self.segments:
            low = max(start, segment.value_start)
            high = min(end, segment.value_start + segment.length)
            if low < high:
                offset = segment.source_start - segment.value_start
                spans.append((low + offset, high + offset))
        return spans

    @property
    def is_static(self) -> bool:
        return DYNAMIC not in self.value

    def shifted(self, delta: int) -> Literal:
        """Return this literal with every source offset moved by ``delta``."""
        moved = (Segment(s.value_start, s.source_start + delta, s.length) for s in self.segments)
        return Literal(self.value, tuple(moved))


@dataclass(frozen=True)
class Credential:
    """A literal used as the credential for the ToughTongue API.

    ``name`` is the variable, setting, keyword or header it is bound to, and
    ``context`` a short phrase for the message (``"assigned to `TTAI_TOKEN`"``).
    """

    name: str
    literal: Literal
    context: str


@dataclass(frozen=True)
class Request:
    """An HTTP request made by code, with its URL resolved as far as possible.

    ``callee`` is the function as written (``requests.get``, ``fetch``) and
    ``offset`` where the call starts. ``url`` is ``None`` when the URL could
    not be resolved to any static text.
    """

    callee: str
    offset: int
    url: Literal | None


@dataclass(frozen=True)
class Region:
    """A labelled part of a file, such as one notebook cell.

    Findings that start inside ``[start, end)`` get ``label`` added to their
    message (``"in cell 3"``).
    """

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Import:
    """A module that JavaScript or TypeScript code loads.

    ``specifier`` is the module string as written (``"./lib/ttai"``,
    ``"server-only"``) and ``offset`` where that string starts. ``kind`` is
    ``"import"`` (an import declaration, side-effect imports included),
    ``"export"`` (``export ... from``), ``"dynamic"`` (``import()``, ``next/dynamic``,
    ``React.lazy``), ``"require"`` or ``"script"`` (an HTML ``<script src>``).
    ``names`` pairs each imported name with its local binding (``"default"``
    and ``"*"`` stand for default and namespace imports). ``type_only`` is true
    for ``import type`` and for imports whose every name is a type.
    ``server_only`` is true when every local binding is used only inside a
    server-only region of the file (see :attr:`Module.server_regions`), so a
    bundler drops the import from the client bundle.
    """

    specifier: str
    offset: int
    kind: str = "import"
    names: tuple[tuple[str, str], ...] = ()
    type_only: bool = False
    server_only: bool = False


@dataclass(frozen=True)
class EnvRef:
    """A read of an environment variable by name.

    ``via`` says how it is read: ``"process.env"``, ``"import.meta.env"``,
    ``"$env/static/public"``, ``"$env/dynamic/public"``,
    ``"$env/static/private"``, ``"$env/dynamic/private"``, or
    ``"runtimeConfig"`` (Nuxt's ``useRuntimeConfig().public.NAME``). ``start``
    and ``end`` span the variable name in the source.
    """

    name: str
    start: int
    end: int
    via: str


@dataclass
class Module:
    """What decides where one piece of JavaScript or TypeScript runs.

    A plain source file is one module spanning the whole text; a markup file
    has one per script block (``block`` names it: ``"script"``,
    ``"setup script"``, ``"module script"``, ``"frontmatter"``, or
    ``"entry"`` for the ``<script src>`` references of an HTML page).
    ``directive`` is ``"use client"`` or ``"use server"`` when the block starts
    with that directive. ``exports`` maps exported names to their static string
    value; object literals are flattened with dots (``"apiConfig.baseUrl"``).
    ``export_names`` lists every exported name, with or without a static value.
    ``server_regions`` are the parts that a bundler strips from the client
    bundle (the bodies of ``getServerSideProps``, a ``loader`` or ``action``,
    a function starting with ``'use server'``), labelled with the reason.
    ``client_signals`` and ``server_signals`` hold (reason, offset) pairs
    such as ``("uses the browser global `window`", 120)``.
    """

    start: int = 0
    end: int = 0
    block: str = ""
    dialect: str = "javascript"
    directive: str = ""
    directive_offset: int = 0
    imports: list[Import] = field(default_factory=list)
    exports: dict[str, Literal] = field(default_factory=dict)
    export_names: list[str] = field(default_factory=list)
    server_regions: list[Region] = field(default_factory=list)
    client_signals: list[tuple[str, int]] = field(default_factory=list)
    server_signals: list[tuple[str, int]] = field(default_factory=list)
    env_refs: list[EnvRef] = field(default_factory=list)

    def shifted(self, delta: int) -> Module:
        """Return this module with every source offset moved by ``delta``."""
        return Module(
            start=self.start + delta,
            end=self.end + delta,
            block=self.block,
            dialect=self.dialect,
            directive=self.directive,
            directive_offset=self.directive_offset + delta,
            imports=[
                Import(i.specifier, i.offset + delta, i.kind, i.names, i.type_only, i.server_only)
                for i in self.imports
            ],
            exports={name: value.shifted(delta) for name, value in self.exports.items()},
            export_names=list(self.export_names),
            server_regions=[
                Region(r.start + delta, r.end + delta, r.label) for r in self.server_regions
            ],
            client_signals=[(reason, offset + delta) for reason, offset in self.client_signals],
            server_signals=[(reason, offset + delta) for reason, offset in self.server_signals],
            env_refs=[EnvRef(e.name, e.start + delta, e.end + delta, e.via) for e in self.env_refs],
        )


@dataclass
class Facts:
    """Everything the rules need to know about one file.

    ``strings`` lists every string value of the file (for code: each
    maximal literal expression, already folded; for text formats: whole lines
    or values). ``comments`` lists comment text, which token rules read and URL
    rules ignore. ``settings`` lists name and value pairs of ``.env*`` and
    configuration files. ``parsed`` is false when the file was read at the text level
    only, and ``notes`` explains why, for ``--verbose``.
    """

    strings: list[Literal] = field(default_factory=list)
    comments: list[Literal] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    settings: list[tuple[str, Literal]] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    #: JavaScript and TypeScript only: one entry per module or script block.
    modules: list[Module] = field(default_factory=list)
    parsed: bool = True
    notes: list[str] = field(default_factory=list)

    def shifted(self, delta: int) -> Facts:
        """Return these facts with every source offset moved by ``delta``.

        Used when an analyzer ran on a slice of the file (a ``<script>``
        block) that starts at offset ``delta``.
        """
        return Facts(
            strings=[literal.shifted(delta) for literal in self.strings],
            comments=[literal.shifted(delta) for literal in self.comments],
            credentials=[
                Credential(c.name, c.literal.shifted(delta), c.context) for c in self.credentials
            ],
            requests=[
                Request(r.callee, r.offset + delta, r.url.shifted(delta) if r.url else None)
                for r in self.requests
            ],
            settings=[(name, literal.shifted(delta)) for name, literal in self.settings],
            regions=[Region(r.start + delta, r.end + delta, r.label) for r in self.regions],
            modules=[module.shifted(delta) for module in self.modules],
            parsed=self.parsed,
            notes=list(self.notes),
        )

    def extend(self, other: Facts) -> None:
        """Add everything ``other`` found (offsets must already be in this file's text)."""
        self.strings.extend(other.strings)
        self.comments.extend(other.comments)
        self.credentials.extend(other.credentials)
        self.requests.extend(other.requests)
        self.settings.extend(other.settings)
        self.regions.extend(other.regions)
        self.modules.extend(other.modules)
        self.parsed = self.parsed and other.parsed
        self.notes.extend(other.notes)
