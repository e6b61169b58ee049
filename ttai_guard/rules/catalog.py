"""The rule catalog: IDs, names, levels and user documentation.

Each rule's documentation follows one shape, checked by the tests: What it
does, Why is this bad?, Example, Use instead, Known problems, References.
IDs are never reused or renumbered.
"""

from __future__ import annotations

from dataclasses import dataclass

from ttai_guard.finding import Level

DOC_SECTIONS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Known problems",
    "## References",
)


@dataclass(frozen=True)
class Rule:
    """A rule's identity and documentation.

    ``checklist`` is the item of the authentication guide's security
    checklist that the rule checks (``C1`` to ``C7``), and
    ``security_severity`` the score GitHub code scanning uses to rank alerts
    (0.0 to 10.0).
    """

    id: str
    name: str
    level: Level
    checklist: str
    summary: str
    doc: str
    security_severity: str
    tags: tuple[str, ...] = ("security",)


_TTAI101 = """\
## What it does
Reports a ToughTongue token written into a file: a value that starts with
`sk_live_` or `ttai_pat_` followed by at least 16 characters from the token
alphabet (`A-Z`, `a-z`, `0-9`, `_`, `-`) that do not look like a placeholder.

In Python and JavaScript/TypeScript the rule folds string literals first, so
a token split across implicit concatenation, `+` between literals, or the
static parts of f-strings and template literals is found and reported at its
first piece. Bytes literals, URL query strings, JSON-escaped strings and
comments count too. A default value such as `os.getenv("TTAI_PAT", "<token>")`
or `"<token>" || process.env.TTAI_PAT` is a hardcoded token.

Every scanned file kind is checked, `.env.example`-style templates included.
The one exception is a `.env*` file that git ignores and does not track:
that is where a token belongs.

Placeholders are never reported. A value is a placeholder when its body is
shorter than 16 characters (`sk_live_abc123`), is made of mask characters
(`sk_live_xxxx…`, `sk_live_***`), contains `...` or `…`
(`ttai_pat_...`), is a reference or template (`${TTAI_TOKEN}`, `<your-token>`,
`{{ token }}`, `%TOKEN%`, `##FIXME`), is an upper-case name such as
`YOUR_API_TOKEN`, contains a word such as `your`, `token`, `here`, `replace`,
`changeme`, `example`, `placeholder`, `dummy`, `fake`, `sample`, `fixme`,
`todo`, `insert`, `redacted`, `secret`, `test`, `mock`, `demo`, `enter`,
`paste` or `value` at the start of a word, is a run such as `abcdef` or
`123456`, or has too little entropy to be generated (fewer than two of
lower case, upper case and digits, few distinct characters, or under 3 bits of
entropy per character).

## Why is this bad?
Anyone who can read the repository, a fork, a package built from it or its
git history can call the API as you. The authentication guide requires tokens
to be kept in environment variables.

## Example
```python
client = httpx.Client(headers={"Authorization": "Bearer sk_live_<32 random characters>"})
```

## Use instead
```python
import os

client = httpx.Client(headers={"Authorization": f"Bearer {os.environ['TTAI_TOKEN']}"})
```
Put the value in a `.env` file that git ignores, or in your deployment's
secret store. Rotate a token that was ever committed.

## Known problems
A token assembled at run time from pieces that are not literals (read from a
file, decoded from base64) is not found. Undecodable files are scanned at the
byte level, where split tokens are not folded.

## References
- CWE-798: Use of Hard-coded Credentials
- ToughTongue AI authentication guide: store tokens in environment variables
"""

_TTAI102 = """\
## What it does
Reports a literal of unknown format used as the credential for the
ToughTongue API: the value of an `Authorization: Bearer ...` header in a file
that addresses an API host, a literal assigned to a token-named variable or
setting (`TTAI_TOKEN`, `TOUGH_TONGUE_API_KEY`, `TTAI_PAT`: any name that
mentions `ttai` or `toughtongue` and ends in `token`, `key`, `apikey`, `pat`,
`secret`, `auth`, `bearer`, `credential` or `password`, optionally followed
by an environment such as `_PROD`), or `api_key=` / `token=` passed to a
ToughTongue client. Names that describe a credential without holding it
(`TTAI_KEY_ID`, `TTAI_AUTH_MODE`, `TTAI_TOKEN_URL`) are not token-named.

Environment lookups, names of variables, placeholders (see TTAI101) and values
shorter than 12 characters or without the character mix of a generated
secret are not reported. Values in `.env*` files that git ignores and does not
track are where credentials belong and are not reported either.

## Why is this bad?
A credential in the source is shared with everyone who can read the code,
whatever its format. Tokens issued in another format, or a proxy's own key,
are as sensitive as `sk_live_` tokens.

## Example
```javascript
const TTAI_TOKEN = "q8Zr2LmP0xVb7TnK4sWd";
```

## Use instead
```javascript
const TTAI_TOKEN = process.env.TTAI_TOKEN;
```

## Known problems
The header check looks for an API host anywhere in the same file, not along
the data flow to the request, so a header built in one module and sent from
another is not linked.

## References
- CWE-798: Use of Hard-coded Credentials
"""

_TTAI301 = """\
## What it does
Reports an `http://` (or `ws://`) URL to any `toughtongueai.com` host in code,
`.env*` files, configuration files, and code blocks of documentation. Hosts are
parsed, not matched as text: `http://localhost.toughtongueai.com` and
`http://localhost@api.toughtongueai.com` are ToughTongue hosts.

Links in the prose of Markdown, MDX and reStructuredText files are not
reported, and neither are comments in Python and JavaScript/TypeScript or
Python docstrings (a string that is a statement of its own).

## Why is this bad?
Requests over plain HTTP send the bearer token in clear text to anyone on the
network path. The authentication guide requires HTTPS on every request.

## Example
```python
BASE_URL = "http://api.toughtongueai.com/api/public"
```

## Use instead
```python
BASE_URL = "https://api.toughtongueai.com/api/public"
```

## Known problems
A URL assembled from a scheme variable and a host variable is not resolved.

## References
- CWE-319: Cleartext Transmission of Sensitive Information
"""

_TTAI302 = """\
## What it does
Reports an `http://` (or `ws://`) URL used as the target of an HTTP request in
Python or JavaScript/TypeScript code (written inline or held in a constant),
and an `http://` value of an API base URL setting (a name ending in `_URL` or
containing `_BASE` or `_ENDPOINT`) in a `.env*` file.

Loopback and local hosts are exempt: `localhost`, `127.0.0.0/8`, `[::1]`,
`0.0.0.0`, `*.localhost`, `*.local`, `*.test`, `*.internal`,
`host.docker.internal`, the reserved top-level names `*.example` and
`*.invalid`, link-local addresses (`169.254.0.0/16`, where cloud instance
metadata is served over plain HTTP), and single-label names without a dot (`http://db:5432`,
`http://otel-collector:4318`), which only resolve inside a private network
such as a Docker Compose project. ToughTongue hosts are reported by
TTAI301 instead. XML namespaces, doctype and schema URIs, comments and prose
links are never requests and never reported.

## Why is this bad?
A request over plain HTTP can be read and changed on the network. When it
carries a token, or calls a proxy that forwards to the ToughTongue API, the
token or the data it guards is exposed.

## Example
```python
requests.post("http://tt-proxy.acme-corp.io/sessions", json=payload)
```

## Use instead
```python
requests.post("https://tt-proxy.acme-corp.io/sessions", json=payload)
```

## Known problems
Only URLs whose host is known statically are judged. Request libraries are
recognised by name (`requests`, `httpx`, `urllib`, `aiohttp`, `fetch`,
`axios` and others), so a custom wrapper is not followed.

## References
- CWE-319: Cleartext Transmission of Sensitive Information
"""

_TTAI401 = """\
## What it does
Checks, in the repository root and in every directory that contains a
`.env*` file, that `.env`, `.env.local` and each existing `.env.*.local` file
would be ignored by the repository's own `.gitignore` files. The check follows
git's rules: nested `.gitignore` files, negation and its order, patterns that
match only directories, anchoring by a leading or middle slash, `**`,
trailing and escaped spaces, and ignored parent directories.

`.git/info/exclude` and the global excludes file do not count, because
teammates do not share them. Outside a git repository only directories that
contain `.env*` files are checked, against the `.gitignore` files under the
scan root.

One finding is reported per directory lacking coverage, naming every missing
pattern, at the nearest `.gitignore` at or above that directory (line 1 when
it is missing or empty, otherwise its last line, where the entries would go).
`--fix` appends the missing entries there; `--diff` shows that change.


## Why is this bad?
Without the ignore entries, `git add .` commits the file that contains your
tokens. The authentication guide requires `.env` and `.env.local` to be in
`.gitignore`.

## Example
```gitignore
node_modules/
```

## Use instead
```gitignore
node_modules/
.env
.env.local
.env.*.local
```

## Known problems
A `.gitignore` that is a symbolic link is not followed, as git does not
follow it either.

## References
- CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory
"""

_TTAI402 = """\
## What it does
Reports a `.env` or `.env.*` file that git tracks and that contains at least one
value, whether or not `.gitignore` ignores it now. Files meant to be
committed are not reported: templates (`.example`, `.sample`, `.template`,
`.dist`, `.defaults`), a variable schema (`.schema`) and dotenv-vault's
encrypted `.env.vault`. Outside a git
repository the rule cannot be checked and the run prints a notice.

## Why is this bad?
Ignoring a file does not untrack it: a tracked `.env` stays in every clone and
in the history, with every value it contains.

## Example
```console
$ git ls-files
.env
app.py
```

## Use instead
```console
$ git rm --cached .env
$ echo .env >> .gitignore
```
Then rotate every token the file held, because it remains in the history.

## Known problems
A file that contains only comments or empty values is not reported.

## References
- CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory
"""

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "TTAI101",
            "hardcoded-token",
            "error",
            "C1",
            "A ToughTongue token is written into a file.",
            _TTAI101,
            "9.0",
        ),
        Rule(
            "TTAI102",
            "hardcoded-credential",
            "warning",
            "C1",
            "A literal is used as the ToughTongue API credential.",
            _TTAI102,
            "7.0",
        ),
        Rule(
            "TTAI301",
            "insecure-api-url",
            "error",
            "C3",
            "A ToughTongue URL uses plain HTTP.",
            _TTAI301,
            "7.5",
        ),
        Rule(
            "TTAI302",
            "insecure-request-url",
            "warning",
            "C3",
            "An HTTP request or API base URL uses plain HTTP.",
            _TTAI302,
            "5.0",
        ),
        Rule(
            "TTAI401",
            "env-not-ignored",
            "error",
            "C7",
            "`.env` files would not be ignored by git.",
            _TTAI401,
            "7.0",
        ),
        Rule(
            "TTAI402",
            "env-file-tracked",
            "error",
            "C7",
            "A `.env` file that contains values is tracked by git.",
            _TTAI402,
            "8.0",
        ),
    )
}
