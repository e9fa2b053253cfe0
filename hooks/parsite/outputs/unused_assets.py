"""Material copies every theme asset into the site, also those it never loads for this site:
source maps (only for debugging Material itself) and the lunr language files of other
languages, among them the 677 KB `wordcut.js` (Thai and Hindi word splitting). Removing them
keeps the published site to what readers download.

What Material's search worker loads (workers/search.*.js, `importScripts`): always
`min/lunr.stemmer.support.min.js`; per language other than `en`, `min/lunr.<lang>.min.js`;
`tinyseg.js` for `ja`; `wordcut.js` for `hi` and `th`; `min/lunr.multi.min.js` when there is more
than one language.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

LUNR = Path("assets") / "javascripts" / "lunr"


def lunr_files_needed(languages: Iterable[str]) -> set[str]:
    """Paths under assets/javascripts/lunr/ that Material's search worker loads for `languages`."""
    langs = list(languages)
    needed = {"min/lunr.stemmer.support.min.js"}
    needed |= {f"min/lunr.{lang}.min.js" for lang in langs if lang != "en"}
    if "ja" in langs:
        needed.add("tinyseg.js")
    if {"hi", "th"} & set(langs):
        needed.add("wordcut.js")
    if len(langs) > 1:
        needed.add("min/lunr.multi.min.js")
    return needed


def remove_unused(site_dir: Path, languages: Iterable[str]) -> list[Path]:
    """Delete source maps and unneeded lunr files from the built site; the removed paths."""
    removed = sorted((site_dir / "assets").rglob("*.map"))
    lunr = site_dir / LUNR
    needed = lunr_files_needed(languages)
    if lunr.is_dir():
        removed += sorted(p for p in lunr.rglob("*") if p.is_file() and p.relative_to(lunr).as_posix() not in needed)
    for path in removed:
        path.unlink()
    return removed
