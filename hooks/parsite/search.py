"""Vietnamese search: diacritic-folded copies of the search index entries.

Material's search (lunr with the `vi` language) matches only words typed with the same
diacritics. Staff often type without them ("cai cach thu tuc"), so each entry of the
built index gets two extra fields, listed under `plugins: search: fields:` in mkdocs.yml:

- `title_folded`: the title folded (kept whole: titles are short and boosted);
- `text_folded`: the distinct folded words of the text that differ from the original
  words, i.e. only what an unaccented query needs and the `text` field cannot match.

Markup is stripped, and words without diacritics are not repeated, to keep the index lean.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from .fmt import fold

FOLDED_FIELDS = ("title_folded", "text_folded")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


def plain_text(markup: str) -> str:
    """Text of an index entry without its HTML markup."""
    return html.unescape(_TAG.sub(" ", markup))


def folded_words(text: str) -> str:
    """The distinct lowercase folded words of `text` that differ from the original word."""
    seen: dict[str, None] = {}
    for word in dict.fromkeys(_WORD.findall(plain_text(text).lower())):
        folded = fold(word)
        if folded != word:
            seen.setdefault(folded, None)
    return " ".join(seen)


def enrich_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """Add the folded fields to one index entry (only where they add something)."""
    title = plain_text(entry.get("title", ""))
    if fold(title) != title:
        # Words only: the field is matched, never shown, and carries no markup or punctuation.
        entry["title_folded"] = " ".join(_WORD.findall(fold(title)))
    words = folded_words(entry.get("text", ""))
    if words:
        entry["text_folded"] = words
    return entry


class SearchConfigError(ValueError):
    """The search index lacks the configuration the folded fields need."""


def enrich_index(index: dict[str, Any]) -> dict[str, Any]:
    """Add folded fields to every entry of a Material search index (in place)."""
    fields = index.get("config", {}).get("fields", {})
    missing = [name for name in FOLDED_FIELDS if name not in fields]
    if missing:
        raise SearchConfigError(
            "mkdocs.yml: plugins.search.fields thiếu " + ", ".join(missing) + "; tìm kiếm không dấu sẽ không hoạt động"
        )
    for entry in index["docs"]:
        enrich_entry(entry)
    return index


def _serialise(index: dict[str, Any]) -> str:
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


def enrich_index_file(path: Path) -> tuple[int, int]:
    """Rewrite the search index at `path` with folded fields.

    Returns the index size in bytes without and with the folded fields, both serialised
    the same way (UTF-8, no \\u escapes), so their ratio is the cost of folding.
    """
    index = json.loads(path.read_text(encoding="utf-8"))
    plain = len(_serialise(index).encode("utf-8"))
    out = _serialise(enrich_index(index))
    path.write_text(out, encoding="utf-8")
    return plain, len(out.encode("utf-8"))
