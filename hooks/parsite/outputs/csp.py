"""The Content-Security-Policy the portal's server sends with every file of the site.

The policy's home is here; the server configurations in docs/maintainers/server/ quote it
(tests/test_server_config.py checks that they do, and runs them). It allows scripts from the
site itself and, among inline scripts, only those whose SHA-256 is listed: a script that found
its way into a page or into an SVG opened at its own address does not run. Inline styles stay
allowed: tables align their cells and bars size themselves with `style` attributes.

After each build `unlisted_scripts` checks the pages: a theme upgrade or a template change that
adds or alters an inline script stops the build, rather than publishing pages that would break
under the policy.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

# Inline scripts of the theme (Material's and hooks/theme's), each the same on every page.
SCRIPT_HASHES = (
    "sha256-/8wPdzX9q0NNJXyA5lzsLojXFpkeaXVxhbfkUOQaWy8=",
    "sha256-CfD1/yIxXjBYFEOv8ptfWOD3YalR13EpHAi/Ll28LxU=",
    "sha256-DrEMJJ29sL7vIloQzly+VUGMxKcBTMII+OfW7Y8AkG4=",
    "sha256-c6+mE9nRk/meNHYILwkHvMxxuxVGehDkPNOBk61Uih8=",
    "sha256-la18pEDMYr2c/8IA9NZHJGEd76zkPU7jcn5txFivphM=",
)

DIRECTIVES = (
    ("default-src", ("'self'",)),
    ("script-src", ("'self'", *(f"'{h}'" for h in SCRIPT_HASHES))),
    ("style-src", ("'self'", "'unsafe-inline'")),
    ("img-src", ("'self'", "data:")),
    ("font-src", ("'self'",)),
    ("connect-src", ("'self'",)),
    ("worker-src", ("'self'",)),
    ("object-src", ("'none'",)),
    ("base-uri", ("'self'",)),
    ("form-action", ("'self'",)),
    ("frame-ancestors", ("'self'",)),
)


def policy() -> str:
    """The header's value, as the server configurations quote it."""
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in DIRECTIVES)


# Script data ends at the first "</script" (HTML's tokenizer); a script with a `src` or of a data
# type (JSON) runs nothing inline.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script", re.S | re.I)
_NOT_INLINE = re.compile(r"""\bsrc\s*=|\btype\s*=\s*["']?application/(?:ld\+)?json""", re.I)


def inline_script_hash(text: str) -> str:
    """The CSP source expression of one inline script's text."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def unlisted_scripts(site_dir: Path) -> list[str]:
    """'page: sha256-…' for every inline script of the built pages that the policy does not allow."""
    allowed = set(SCRIPT_HASHES)
    found = []
    for page in sorted(site_dir.rglob("*.html")):
        for match in _SCRIPT.finditer(page.read_text(encoding="utf-8")):
            if _NOT_INLINE.search(match[1]):
                continue
            digest = inline_script_hash(match[2])
            if digest not in allowed:
                found.append(f"{page.relative_to(site_dir).as_posix()}: {digest}")
    return found
