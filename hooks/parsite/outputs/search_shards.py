"""The search index in parts: what the site's search worker fetches, and only when a reader searches.

Material writes one `search/search_index.json` with every page's text, which every page used to
download (and lunr to index) on load. After the build it is rewritten into:

- `search/search_index.json`: Material's configuration with no documents. Material's script still
  fetches it on every page (it needs the configuration to highlight words on a page opened from a
  result), so it is kept a few hundred bytes;
- `search/vi/index.json`: the manifest (where each page's entries start, the first word of each
  word shard, the first entry of each text chunk), fetched when the reader opens the search;
- `search/vi/w/N.json`: the word shards. Words are folded ("đơn" → "don") and sorted; a shard
  holds a run of them, each with its spellings ("đơn", "đón" …) and, per spelling, the entries
  holding it and the positions in their title and text (the positions give the phrase ranking:
  the whole query as typed, then without diacritics). A query fetches the shards its words (and
  the words they begin) fall in;
- `search/vi/t/N.json`: titles and addresses, a fixed number of entries per file, fetched for
  the entries a query lists;
- `search/vi/x/N.json`: the entries' text (shown under each result), fetched only for the
  first results shown.

The worker (hooks/theme/assets/javascripts/workers/search-vi.js) tokenises queries the way
`words` does here: markup removed, lowercase, split at anything that is not a letter or digit.
Why this engine rather than Material's lunr or Pagefind: docs/maintainers/outputs.md (Search).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fmt import fold

FOLDER = "vi"  # under search/
TITLES_PER_FILE = 256
TEXT_BYTES_PER_FILE = 12_000
WORD_BYTES_PER_FILE = 24_000

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]+")


def words(markup: str) -> list[str]:
    """The lowercase words of an HTML fragment, as the worker splits a query."""
    text = html.unescape(_TAG.sub(" ", markup))
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


@dataclass(frozen=True)
class Written:
    documents: int
    word_files: int
    before_bytes: int  # Material's search_index.json
    after_bytes: int  # every file written, uncompressed


def _group_by_page(docs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """Entries of one page together (Material writes a page, then its sections): (entries, first of each page)."""
    order: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        order.setdefault(doc["location"].partition("#")[0], []).append(doc)
    grouped, starts = [], []
    for page, entries in order.items():
        # The page's own entry first: a result group is led by it.
        entries.sort(key=lambda d: d["location"] != page)
        starts.append(len(grouped))
        grouped.extend(entries)
    return grouped, starts


def _postings(docs: list[dict[str, Any]]) -> dict[str, dict[str, list[int]]]:
    """folded word → spelling → [entry delta, title count, text count, positions (deltas)…]."""
    found: dict[str, dict[int, tuple[list[int], list[int]]]] = {}  # spelling → entry → positions
    for number, doc in enumerate(docs):
        for field, text in enumerate((doc["title"], doc["text"])):
            for position, word in enumerate(words(text)):
                entries = found.get(word)
                if entries is None:
                    entries = found[word] = {}
                entry = entries.get(number)
                if entry is None:
                    entry = entries[number] = ([], [])
                entry[field].append(position)
    encoded: dict[str, dict[str, list[int]]] = {}
    for word, entries in found.items():
        flat: list[int] = []
        previous = 0
        for number, (title, text) in entries.items():  # entries were added in order
            flat += (number - previous, len(title), len(text))
            for positions in (title, text):
                last = 0
                for p in positions:
                    flat.append(p - last)
                    last = p
            previous = number
        encoded.setdefault(fold(word), {})[word] = flat
    return encoded


def _dump(path: Path, value: Any) -> int:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(data)
    return len(data)


def _chunks_by_size(items: list[tuple[Any, int]], limit: int) -> list[list[Any]]:
    chunks: list[list[Any]] = [[]]
    size = 0
    for item, length in items:
        if chunks[-1] and size + length > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += length
    return chunks


def write_search_parts(search_dir: Path) -> Written:
    """Split Material's `search_index.json` in `search_dir` into the parts above; rewrite it without documents."""
    index_path = search_dir / "search_index.json"
    raw = index_path.read_bytes()
    index = json.loads(raw)
    docs, page_starts = _group_by_page(index["docs"])
    out = search_dir / FOLDER
    if out.exists():
        shutil.rmtree(out)
    for sub in ("w", "t", "x"):
        (out / sub).mkdir(parents=True)
    written = 0

    postings = _postings(docs)
    sized = [(key, len(json.dumps(postings[key], separators=(",", ":")))) for key in sorted(postings)]
    word_chunks = _chunks_by_size(sized, WORD_BYTES_PER_FILE)
    for number, keys in enumerate(word_chunks):
        written += _dump(out / "w" / f"{number}.json", {key: postings[key] for key in keys})

    for number in range(0, len(docs), TITLES_PER_FILE):
        titles = [[d["location"], d["title"]] for d in docs[number : number + TITLES_PER_FILE]]
        written += _dump(out / "t" / f"{number // TITLES_PER_FILE}.json", titles)

    text_sizes = [(i, len(d["text"].encode("utf-8"))) for i, d in enumerate(docs)]
    text_chunks = _chunks_by_size(text_sizes, TEXT_BYTES_PER_FILE)
    for number, members in enumerate(text_chunks):
        written += _dump(out / "x" / f"{number}.json", [docs[i]["text"] for i in members])

    manifest = {
        "documents": len(docs),
        "pages": page_starts,
        "words": [keys[0] for keys in word_chunks],
        "titles": TITLES_PER_FILE,
        "texts": [members[0] for members in text_chunks],
    }
    written += _dump(out / "index.json", manifest)
    written += _dump(index_path, {"config": index["config"], "docs": [], "parts": f"{FOLDER}/index.json"})
    return Written(len(docs), len(word_chunks), len(raw), written)


def read_search_parts(search_dir: Path) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Material's configuration and the entries (location, title, text) back from the parts."""
    config = json.loads((search_dir / "search_index.json").read_text(encoding="utf-8"))["config"]
    out = search_dir / FOLDER
    manifest = json.loads((out / "index.json").read_text(encoding="utf-8"))
    titles: list[list[str]] = []
    for number in range(-(-manifest["documents"] // manifest["titles"])):
        titles += json.loads((out / "t" / f"{number}.json").read_text(encoding="utf-8"))
    texts: list[str] = []
    for number in range(len(manifest["texts"])):
        texts += json.loads((out / "x" / f"{number}.json").read_text(encoding="utf-8"))
    docs = [{"location": loc, "title": title, "text": text} for (loc, title), text in zip(titles, texts, strict=True)]
    return config, docs
