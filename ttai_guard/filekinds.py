"""Decide what kind of file a path is, from its name and its first line."""

from __future__ import annotations

import re
from pathlib import PurePath

PYTHON = "python"
NOTEBOOK = "notebook"
JAVASCRIPT = "javascript"
TYPESCRIPT = "typescript"
TSX = "tsx"
VUE = "vue"
SVELTE = "svelte"
ASTRO = "astro"
HTML = "html"
ENV = "env"
JSON = "json"
YAML = "yaml"
TOML = "toml"
INI = "ini"
DOCKERFILE = "dockerfile"
SHELL = "shell"
MARKDOWN = "markdown"
RST = "rst"
LOCKFILE = "lockfile"
TEXT = "text"
BINARY = "binary"

#: Kinds whose code the JavaScript analyzer parses, by dialect.
JS_DIALECTS = {JAVASCRIPT: "javascript", TYPESCRIPT: "typescript", TSX: "tsx"}
#: Kinds that hold ``<script>`` blocks inside markup.
SCRIPT_BLOCK_KINDS = frozenset({VUE, SVELTE, ASTRO, HTML})

_BY_SUFFIX = {
    ".py": PYTHON,
    ".pyi": PYTHON,
    ".pyw": PYTHON,
    ".ipynb": NOTEBOOK,
    ".js": JAVASCRIPT,
    ".mjs": JAVASCRIPT,
    ".cjs": JAVASCRIPT,
    ".jsx": JAVASCRIPT,
    ".ts": TYPESCRIPT,
    ".mts": TYPESCRIPT,
    ".cts": TYPESCRIPT,
    ".tsx": TSX,
    ".vue": VUE,
    ".svelte": SVELTE,
    ".astro": ASTRO,
    ".html": HTML,
    ".htm": HTML,
    ".json": JSON,
    ".jsonc": JSON,
    ".json5": JSON,
    ".webmanifest": JSON,
    ".yaml": YAML,
    ".yml": YAML,
    ".toml": TOML,
    ".ini": INI,
    ".cfg": INI,
    ".conf": INI,
    ".properties": INI,
    ".sh": SHELL,
    ".bash": SHELL,
    ".zsh": SHELL,
    ".fish": SHELL,
    ".ps1": SHELL,
    ".md": MARKDOWN,
    ".mdx": MARKDOWN,
    ".markdown": MARKDOWN,
    ".rst": RST,
    ".env": ENV,
}

_BY_NAME = {
    "dockerfile": DOCKERFILE,
    "containerfile": DOCKERFILE,
    ".envrc": SHELL,
    ".bashrc": SHELL,
    ".zshrc": SHELL,
    ".profile": SHELL,
    "package-lock.json": LOCKFILE,
    "npm-shrinkwrap.json": LOCKFILE,
    "yarn.lock": LOCKFILE,
    "pnpm-lock.yaml": LOCKFILE,
    "bun.lock": LOCKFILE,
    "poetry.lock": LOCKFILE,
    "pipfile.lock": LOCKFILE,
    "uv.lock": LOCKFILE,
    "pdm.lock": LOCKFILE,
    "cargo.lock": LOCKFILE,
    "composer.lock": LOCKFILE,
    "gemfile.lock": LOCKFILE,
    "setup.cfg": INI,
    "tox.ini": INI,
    ".npmrc": INI,
    ".pypirc": INI,
    ".editorconfig": INI,
}

BINARY_SUFFIXES = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".ico",
        ".bmp",
        ".tif",
        ".tiff",
        ".avif",
        ".heic",
        ".psd",
        ".icns",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".pdf",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".zst",
        ".7z",
        ".rar",
        ".jar",
        ".war",
        ".ear",
        ".whl",
        ".egg",
        ".nupkg",
        ".class",
        ".so",
        ".dylib",
        ".dll",
        ".exe",
        ".bin",
        ".o",
        ".a",
        ".lib",
        ".obj",
        ".pyc",
        ".pyo",
        ".pyd",
        ".wasm",
        ".node",
        ".mp3",
        ".mp4",
        ".m4a",
        ".wav",
        ".ogg",
        ".oga",
        ".flac",
        ".webm",
        ".mov",
        ".avi",
        ".mkv",
        ".sqlite",
        ".sqlite3",
        ".db",
        ".parquet",
        ".feather",
        ".npy",
        ".npz",
        ".pkl",
        ".pickle",
        ".h5",
        ".onnx",
        ".pt",
    ]
)

_SHEBANG = re.compile(rb"^#![^\n]*?\b(python[0-9.]*|node|deno|bun|tsx|ts-node|sh|bash|zsh|dash)\b")
_SHEBANG_KINDS = {
    "node": JAVASCRIPT,
    "deno": TYPESCRIPT,
    "bun": TYPESCRIPT,
    "tsx": TYPESCRIPT,
    "ts-node": TYPESCRIPT,
}


def is_env_file_name(name: str) -> bool:
    """Tell whether a file name is a dotenv file (``.env`` or ``.env.<anything>``)."""
    return name == ".env" or name.startswith(".env.")


def kind_of(path: PurePath, head: bytes = b"") -> str:
    """Return the kind of a file from its name, or from a shebang in ``head``."""
    name = path.name.lower()
    if is_env_file_name(name) or name.endswith(".env"):
        return ENV
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.startswith(("dockerfile.", "containerfile.")) or name.endswith(".dockerfile"):
        return DOCKERFILE
    suffix = path.suffix.lower()
    if suffix in BINARY_SUFFIXES:
        return BINARY
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    match = _SHEBANG.match(head)
    if match:
        interpreter = match.group(1).decode("ascii")
        if interpreter.startswith("python"):
            return PYTHON
        return _SHEBANG_KINDS.get(interpreter, SHELL)
    return TEXT


#: Suffixes of dotenv files meant to be committed: templates that contain
#: examples, a variable schema, and dotenv-vault's encrypted ``.env.vault``.
ENV_TEMPLATE_SUFFIXES = (
    ".example",
    ".sample",
    ".template",
    ".dist",
    ".defaults",
    ".schema",
    ".vault",
)


def is_env_template(name: str) -> bool:
    """Tell whether a dotenv file name marks a template (``.env.example``)."""
    lowered = name.lower()
    return any(
        lowered.endswith(suffix) or f"{suffix}." in lowered for suffix in ENV_TEMPLATE_SUFFIXES
    )
