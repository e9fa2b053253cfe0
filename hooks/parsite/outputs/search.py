"""Vietnamese search: the configuration the diacritic-folded search fields need.

Material's search (lunr with the `vi` language) matches only words typed with the same
diacritics. Staff often type without them ("cai cach thu tuc"), so the site's search
worker (hooks/theme/assets/javascripts/workers/search-vi.js) gives every index entry two
folded fields, `title_folded` and `text_folded`, in the browser before lunr indexes it.
lunr only indexes fields the index configuration lists, so mkdocs.yml must declare both
under `plugins: search: fields:`; without them unaccented queries silently find nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FOLDED_FIELDS = ("title_folded", "text_folded")


class SearchConfigError(ValueError):
    """The search configuration lacks the fields the folded search needs."""


def check_search_fields(fields: Mapping[str, Any] | None) -> None:
    """Raise SearchConfigError unless the search plugin's `fields` declare the folded fields."""
    missing = [name for name in FOLDED_FIELDS if name not in (fields or {})]
    if missing:
        raise SearchConfigError(
            "mkdocs.yml: plugins.search.fields thiếu " + ", ".join(missing) + "; tìm kiếm không dấu sẽ không hoạt động"
        )


def write_index_as_utf8(path: Path) -> tuple[int, int]:
    """Rewrite Material's search index with UTF-8 text instead of \\u escapes.

    Material writes every Vietnamese letter as a 6-byte escape ("ế" → "\\u1ebf"); the same
    JSON in UTF-8 is about a third smaller for readers to download. Returns the sizes in
    bytes before and after.
    """
    raw = path.read_bytes()
    text = json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(text)
    return len(raw), len(text)
