"""The diacritic-folded search fields, without a browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from parsite.fmt import fold, slugify
from parsite.search import SearchConfigError, enrich_index, folded_words


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


def test_folded_words_keep_only_what_the_text_field_cannot_match() -> None:
    words = folded_words("<p>Cải cách <strong>hành chính</strong> (SIPAS) cải cách 2024 CCHC</p>")
    assert words == "cai cach hanh chinh"  # distinct, in order; no markup; unaccented words left out


def test_heading_ids_keep_d() -> None:
    assert slugify("Điểm qua các năm", "-") == "diem-qua-cac-nam"


def test_enrich_refuses_an_index_without_the_folded_fields_configured() -> None:
    index = {"config": {"fields": {"title": {"boost": 1000}}}, "docs": []}
    with pytest.raises(SearchConfigError, match="title_folded, text_folded"):
        enrich_index(index)


def test_built_index_has_folded_fields(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert {"title_folded", "text_folded"} <= set(index["config"]["fields"])
    task = next(d for d in index["docs"] if d["location"] == "don-vi/phong-khtc/#nv-2024-nv14")
    assert task["title_folded"].startswith("NV14 Don doc cac chu dau tu")
    assert "tai chinh" in task["text_folded"] and "<" not in task["text_folded"]
    plain_size = len(
        json.dumps(
            {**index, "docs": [{k: v for k, v in d.items() if not k.endswith("_folded")} for d in index["docs"]]},
            ensure_ascii=False,
        ).encode()
    )
    assert len(json.dumps(index, ensure_ascii=False).encode()) <= 1.6 * plain_size
