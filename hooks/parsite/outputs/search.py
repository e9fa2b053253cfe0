"""Vietnamese search: the configuration the diacritic-folded search fields need.

The site built with the hooks searches an index in parts (search_shards.py). A site built
without them (the standalone project) keeps Material's whole index and lunr, which matches only
words typed with the same diacritics; staff often type without them ("cai cach thu tuc"), so the
lunr wrapper (hooks/theme/assets/javascripts/workers/search-vi-lunr.js) gives every index entry
two folded fields, `title_folded` and `text_folded`, in the browser before lunr indexes it.
lunr only indexes fields the index configuration lists, so mkdocs.yml must declare both
under `plugins: search: fields:`; without them unaccented queries silently find nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
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
