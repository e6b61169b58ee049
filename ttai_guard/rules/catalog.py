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

_TTAI201 = """\
## What it does
Reports a request to a ToughTongue API host (`api.toughtongueai.com`,
`app.toughtongueai.com/api/...`, or a host added with `api-hosts`) made by
code that runs on users' devices: browser bundles, React Native and Expo
apps, Electron apps, browser extensions and inline `<script>` blocks. Requests
made with `fetch`, `axios`, `ky`, `got`, `superagent`, `$.ajax`,
`XMLHttpRequest`, `EventSource` and `WebSocket` count, and the URL is
resolved through constants, template literals, concatenation and values
imported from other files of the project.

Where code runs is decided for the whole project: framework path conventions
(`app/**/route.ts` and `pages/api/**` run on the server, `error.tsx` and
`+page.svelte` in the browser), directives (`'use client'`), `server-only`
imports, server-only parts of a file (`getServerSideProps`, a Remix
`loader`, Astro frontmatter), and the import graph: a helper imported by
client code is client code. The message names the reason, such as the chain
of imports that brings the module into the client bundle.

Requests to the app's own routes (`/api/...`) and ToughTongue URLs meant for
browsers (embeds, widget scripts, documentation) are not reported.

## Why is this bad?
A request from the browser must carry the token, so every visitor can read it
in the bundle or in the network panel and call the API as you. The
authentication guide requires API calls to go through your backend.

## Example
```tsx
"use client";

export function Start() {
  return <button onClick={() => fetch("https://api.toughtongueai.com/api/public/sessions")} />;
}
```

## Use instead
```tsx
"use client";

export function Start() {
  return <button onClick={() => fetch("/api/sessions", { method: "POST" })} />;
}
```
The route handler `app/api/sessions/route.ts` calls the ToughTongue API with
the token from `process.env`.

## Known problems
A URL built at run time (read from a response, assembled in a loop) is not
resolved. Values imported from other files are followed one import deep (a
constant re-exported through a second file is not). A file whose placement is
unknown (no convention, directive, browser global or client importer) is not
reported.

## References
- CWE-522: Insufficiently Protected Credentials
- https://nextjs.org/docs/app/api-reference/directives/use-client
- https://svelte.dev/docs/kit/server-only-modules
"""

_TTAI202 = """\
## What it does
Reports a ToughTongue token placed where a bundler writes it into client
code:

- a `.env*` binding whose name has a public prefix (`NEXT_PUBLIC_`, `VITE_`
  or a configured `envPrefix`, `REACT_APP_`, `EXPO_PUBLIC_`, `PUBLIC_`,
  `NUXT_PUBLIC_`, `GATSBY_`, `VUE_APP_`, `STORYBOOK_`, or a prefix from
  `public-env-prefixes`) and whose name marks a ToughTongue token
  (`NEXT_PUBLIC_TTAI_TOKEN`) or whose value is a token. Ignored and
  untracked `.env*` files count, because the bundler reads them anyway;
- each read of such a variable in code that is not server-only
  (`process.env.NEXT_PUBLIC_TTAI_TOKEN`, `import.meta.env.VITE_TTAI_KEY`,
  `$env/static/public`, Nuxt's `useRuntimeConfig().public`);
- configuration that inlines a token variable whatever its name: keys under
  `env` in `next.config.*`, Vite `define`, webpack `DefinePlugin` and
  `EnvironmentPlugin`, Nuxt `runtimeConfig.public`, Astro `envField` with
  `context: "client"`.

## Why is this bad?
Bundlers replace public variables with their values at build time, so the
token ends up as a string in the JavaScript every visitor downloads.

## Example
```shell
# .env.local
NEXT_PUBLIC_TTAI_TOKEN=<token>
```

## Use instead
```shell
# .env.local
TTAI_TOKEN=<token>
```
Read `process.env.TTAI_TOKEN` in a route handler or server action and call
the API from there. In Nuxt, keep the key in the server-only part of
`runtimeConfig`, outside `runtimeConfig.public`, and read it in a `server/`
route. Rotate a token that was built into a deployed bundle.

## Known problems
A variable is recognised as a token by its name (`TTAI`, `TOUGHTONGUE` and a
credential word) or by a token value in a scanned `.env*` file, so a neutral
name whose value lives only in the deployment's settings is not reported.

## References
- CWE-522: Insufficiently Protected Credentials
- https://nextjs.org/docs/app/guides/environment-variables
- https://nextjs.org/docs/app/api-reference/next-config-js/env
- https://vite.dev/guide/env-and-mode
"""

_TTAI203 = """\
## What it does
Reports client code that reads a token variable without a public prefix
(`process.env.TTAI_TOKEN` in a `'use client'` component, in a Vite `src/`
module or in a pages router page outside `getServerSideProps`).

The level depends on the bundler. Next.js, Vite, Create React App and
SvelteKit leave such a variable empty in the browser, and Expo leaves it
undefined in the app on users' devices. The request then cannot
authenticate, which is a bug rather than a leak, so the finding is a `note`.
Bundlers that inline every variable the code reads (Parcel, a `DefinePlugin`
of all of `process.env`) or this name (`EnvironmentPlugin`, a `DefinePlugin`
key) write the token into the bundle, so the finding is an `error`. The
Electron main process reads the environment of each user's computer, where
the token is set only if the app ships it, so that read is a `note`. A read by a computed
name in client code (`process.env[name]`) is a `note`.

## Why is this bad?
The code expects the token in the browser. Either it is empty there and the
feature is broken, or the bundler writes it into the JavaScript every visitor
downloads. In both cases the call belongs on the server.

## Example
```tsx
"use client";

const token = process.env.TTAI_TOKEN;
```

## Use instead
```ts
// app/api/sessions/route.ts
export async function POST() {
  const token = process.env.TTAI_TOKEN;
  // call the ToughTongue API with the token here
}
```

## Known problems
Reads through an alias of the environment object (`const env = process.env;
env.TTAI_TOKEN`) are not found.

## References
- CWE-522: Insufficiently Protected Credentials
- https://nextjs.org/docs/app/guides/environment-variables
- https://parceljs.org/features/node-emulation/
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

_TTAI501 = """\
## What it does
With `--history` (and in `ttai-guard audit`): reports a token that some
commit reachable from any ref (branches, tags, remote-tracking branches,
the stash) contains but the tree no longer does. Every blob is read once from
git's object database; nothing is checked out. Binary blobs are searched as
bytes, and blobs over `max-file-size` chunk by chunk.

Each token is reported once, at the commit that introduced it: the oldest
commit, by committer date, whose change adds a file containing it. The finding
names that commit's short id and date, and points at the file, line and
column in that commit. The file may no longer exist.

A token that a scanned file still contains is reported by TTAI101 instead,
or not at all when that file suppresses it. A copy in an untracked `.env`
file that git ignores does not count: the committed copy is still in the
history. Files that the `exclude` setting leaves out are not searched in the
history either. With `--since REV`, tokens introduced in REV or its ancestors
are left out.

## Why is this bad?
Removing a token in a later commit does not remove it from the repository:
every clone, fork and backup contains the old commits. The authentication
guide requires tokens to be rotated, and a committed token must be revoked
now.

## Example
```console
$ git log --oneline -- app.py
5e1d2c4 Read the token from the environment
1a2b3c4 Add the ToughTongue client   # app.py: TOKEN = "ttai_pat_<32 random characters>"
```

## Use instead
```console
# revoke the token in the developer portal, create a new one, and keep it in .env
$ echo 'TTAI_TOKEN=<new token>' >> .env
```
Rewriting history (`git filter-repo`) does not make the old token safe again,
because existing clones keep it.

## Known problems
A token split across string literals is not found in history, because blobs
are searched as plain text. In a shallow clone, history older than the
fetched commits is not searched, and a token from it is dated to the oldest
fetched commit. Objects that only a reflog or a dangling commit still
references are not searched.

## References
- CWE-798: Use of Hard-coded Credentials
- CWE-540: Inclusion of Sensitive Information in Source Code
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
            "TTAI201",
            "client-side-api-call",
            "error",
            "C2",
            "Client code sends a request to the ToughTongue API.",
            _TTAI201,
            "8.5",
        ),
        Rule(
            "TTAI202",
            "public-env-token",
            "error",
            "C2",
            "A ToughTongue token is in a variable that bundlers inline into client code.",
            _TTAI202,
            "9.0",
        ),
        Rule(
            "TTAI203",
            "token-env-in-client",
            "note",
            "C2",
            "Client code reads a ToughTongue token variable that is not public.",
            _TTAI203,
            "5.0",
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
        Rule(
            "TTAI501",
            "token-in-history",
            "error",
            "C4",
            "A token that git history keeps is no longer in the tree.",
            _TTAI501,
            "8.5",
        ),
    )
}
