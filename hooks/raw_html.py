"""Python-Markdown adapter: the generated pages' task tables are not parsed as HTML again.

A task table is one raw HTML block (parsite.outputs.render.TASK_TABLE: its first and last line,
as the templates write them). Before converting a page, MkDocs runs the whole page through an HTML
parser to collect its ids, then Python-Markdown (md_in_html) parses every raw block to set it
aside; at 1 000 tasks the tables are 60 % of the generated Markdown and most of that parsing.
`RawTables` sets each table aside first, in Python-Markdown's own stash, the way md_in_html would
(the same HTML comes out: tests/test_raw_html.py converts the pages both ways).

Only on the generated pages (`active`, set by site_hooks.on_page_markdown just before MkDocs
converts that page), where every character of data in a table went through parsite.fmt.html: no
data can end a table early, open another one or carry an id. A table that is not exactly what the
template writes (not between blank lines, nested, holding an id) is left to the parsers; a page
written by hand is always.
"""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from parsite.outputs.render import TASK_TABLE

# After normalize_whitespace (30), before MkDocs's id collector (21) and md_in_html (20).
PRIORITY = 22


class _Preprocessor(Preprocessor):
    def __init__(self, md: Markdown, owner: RawTables) -> None:
        super().__init__(md)
        self.owner = owner

    def run(self, lines: list[str]) -> list[str]:
        if not self.owner.active:
            return lines
        start, end = TASK_TABLE
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if line != start or (out and out[-1].strip()):
                out.append(line)
                i += 1
                continue
            last = _closing(lines, i, start, end)
            if last is None:
                out.append(line)
                i += 1
                continue
            block = "\n".join(lines[i : last + 1])
            out += ["", self.md.htmlStash.store(block + "\n"), ""]
            self.owner.stored += 1
            i = last + 1
        return out


def _closing(lines: list[str], first: int, start: str, end: str) -> int | None:
    """The index of the line that closes the table opened at `first`, if it is one we set aside."""
    for j in range(first + 1, len(lines)):
        line = lines[j]
        if line == end:
            if j + 1 < len(lines) and lines[j + 1].strip():
                return None  # text right after the table: md_in_html would treat it otherwise
            return j
        if line.startswith("<table") or ' id="' in line or ' name="' in line:
            return None
    return None


class RawTables(Extension):
    """Registered once in the config's markdown_extensions; MkDocs makes a Markdown per page."""

    def __init__(self) -> None:
        super().__init__()
        self.active = False
        self.stored = 0  # tables set aside in this build (the log says it)

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_Preprocessor(md, self), "parsite_raw_tables", PRIORITY)
