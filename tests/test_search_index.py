"""Diacritic folding, the search configuration it needs and the index in parts, without a browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, copy_project, mkdocs_build
from parsite.fmt import fold, slugify
from parsite.outputs.search_shards import read_search_parts, write_search_parts


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đơn vị chủ trì", "Don vi chu tri"),
        ("cải cách thủ tục hành chính", "cai cach thu tuc hanh chinh"),
        ("Hoàng Việt Nam", "Hoang Viet Nam"),
        ("Phòng Kế hoạch – Tài chính", "Phong Ke hoach – Tai chinh"),
        ("ỷ ỹ ự ữ ộ ờ", "y y u u o o"),
        ("PAR INDEX 89,42", "PAR INDEX 89,42"),
    ],
)
def test_fold_removes_vietnamese_diacritics(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_heading_ids_keep_d() -> None:
    assert slugify("Điểm qua các năm", "-") == "diem-qua-cac-nam"


def test_build_refuses_a_search_config_without_the_folded_fields(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    start = config.index("      fields:")
    end = config.index("\n\n", start)
    (project / "mkdocs.yml").write_text(config[:start] + config[end:], encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert "mkdocs.yml: plugins.search.fields thiếu title_folded, text_folded" in result.stderr


def test_a_page_downloads_no_search_entries(built_site: Path) -> None:
    """Material's script fetches search_index.json on every page: it keeps the configuration only."""
    raw = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    index = json.loads(raw)
    assert index["docs"] == [] and index["parts"] == "vi/index.json"
    assert index["config"]["fields"]["title_folded"] == {"boost": 1000}  # for the lunr fallback
    assert len(raw.encode("utf-8")) < 1024


def test_parts_hold_every_entry_in_utf8(built_site: Path) -> None:
    raw = "".join(p.read_text(encoding="utf-8") for p in sorted((built_site / "search" / "vi").rglob("*.json")))
    assert "Đôn đốc các chủ đầu tư" in raw and "\\u" not in raw  # UTF-8, not 6-byte escapes
    _, docs = read_search_parts(built_site / "search")
    task = next(d for d in docs if d["location"] == "don-vi/phong-khtc/#nv-2024-nv14")
    assert task["title"].startswith("NV14 · Đôn đốc các chủ đầu tư")
    assert "Tồn tại, hạn chế: " in task["text"]
    pages = [d["location"] for d in docs if "#" not in d["location"]]
    assert "" in pages and "ke-hoach/2024/" in pages and len(pages) == len(set(pages))


def test_each_task_is_indexed_once(built_site: Path) -> None:
    """The plan's appendix, the field pages and the finder show every task again; search lists it once."""
    _, docs = read_search_parts(built_site / "search")
    tasks = yaml.safe_load((ROOT / "data" / "plans" / "2024" / "tasks.yml").read_text(encoding="utf-8"))["tasks"]
    for task in tasks:
        holding = [d["location"] for d in docs if task["task"] in d["title"] or task["task"] in d["text"]]
        assert holding == [f"don-vi/{task['lead']}/#nv-2024-{task['id'].lower()}"], task["id"]


def _decode(flat: list[int]) -> dict[int, tuple[list[int], list[int]]]:
    """The worker's reading of one spelling's postings: entry → (title positions, text positions)."""
    out, doc, i = {}, 0, 0
    while i < len(flat):
        doc += flat[i]
        counts, i = flat[i + 1 : i + 3], i + 3
        fields = []
        for count in counts:
            positions, last = [], 0
            for delta in flat[i : i + count]:
                last += delta
                positions.append(last)
            fields.append(positions)
            i += count
        out[doc] = (fields[0], fields[1])
    return out


def test_word_shards_give_each_spelling_where_it_stands(tmp_path: Path) -> None:
    search = tmp_path / "search"
    search.mkdir()
    docs = [
        {"location": "", "title": "Trang chủ", "text": "<p>Đơn vị chủ trì: Văn phòng.</p>"},
        {"location": "don-vi/", "title": "Đơn vị", "text": "<p>Các đơn vị, đơn giá; (SIPAS) &amp; đón.</p>"},
        {"location": "don-vi/#a", "title": "NV01 · Đôn đốc", "text": "<ul><li>Đơn vị chủ trì: P. KHTC</li></ul>"},
    ]
    config = {"lang": ["vi"], "fields": {}}
    (search / "search_index.json").write_text(json.dumps({"config": config, "docs": docs}), encoding="utf-8")
    written = write_search_parts(search)
    assert written.documents == 3
    assert read_search_parts(search) == (config, docs)
    manifest = json.loads((search / "vi" / "index.json").read_text(encoding="utf-8"))
    assert manifest["pages"] == [0, 1]  # the home page's entries, then the units page's
    shards: dict[str, dict[str, list[int]]] = {}
    for path in sorted((search / "vi" / "w").glob("*.json"), key=lambda p: int(p.stem)):
        shards.update(json.loads(path.read_text(encoding="utf-8")))
    assert sorted(shards) == list(shards) and next(iter(shards)) == manifest["words"][0]
    assert set(shards["don"]) == {"đơn", "đôn", "đón"}  # "đ" folds to "d"
    assert _decode(shards["don"]["đơn"]) == {0: ([], [0]), 1: ([0], [1, 3]), 2: ([], [0])}
    assert _decode(shards["sipas"]["sipas"]) == {1: ([], [5])}  # punctuation and &amp; split words
    assert "amp" not in shards and "nv01" in shards
