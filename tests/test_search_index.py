"""Diacritic folding and the search configuration it needs, without a browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import copy_project, mkdocs_build
from parsite.fmt import fold, slugify


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


def test_built_index_declares_the_folded_fields_and_stays_lean(built_site: Path) -> None:
    """lunr indexes only declared fields; the browser fills them, so the file carries none."""
    raw = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Đôn đốc các chủ đầu tư" in raw and "\\u" not in raw  # UTF-8, not 6-byte escapes
    index = json.loads(raw)
    assert index["config"]["fields"]["title_folded"] == {"boost": 1000}
    assert index["config"]["fields"]["text_folded"] == {"boost": 1}
    task = next(d for d in index["docs"] if d["location"] == "don-vi/phong-khtc/#nv-2024-nv14")
    assert task["title"].startswith("NV14 · Đôn đốc các chủ đầu tư")
    assert not [d["location"] for d in index["docs"] if set(d) & {"title_folded", "text_folded"}]
