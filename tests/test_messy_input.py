"""No input gives a traceback: every messy value, in every kind of field, is either refused
with the file and line it is on, or published (pages and every download made).

Each value of MESSY is typed, as raw YAML, in place of each value of PLACES (one at a time).
The bad data corpus (tests/bad_data) pins the exact messages of the cases issue 18 names;
this test covers the cross product, the way an editor or an import could produce it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import GOLDEN
from parsite.outputs.registry import downloads, write_downloads
from parsite.outputs.render import page_titles, render_pages
from parsite.problems import DataError
from parsite.site import load_site

BASE = GOLDEN / "other-agency" / "data"

# (file, the line as it is, the part of it that is replaced by a messy value)
PLACES = [
    ("agency.yml", "  name: Ban Quản lý các khu công nghiệp", "Ban Quản lý các khu công nghiệp"),
    ("agency.yml", "    name: Phòng Quản lý doanh nghiệp", "Phòng Quản lý doanh nghiệp"),
    ("agency.yml", "        name: Phòng Quản lý đầu tư", "Phòng Quản lý đầu tư"),  # a renaming (unit history)
    ("agency.yml", "  name: Chỉ số CCHC – Ban QLKCN tỉnh Bình Minh", "Chỉ số CCHC – Ban QLKCN tỉnh Bình Minh"),  # site
    ("agency.yml", "    short: VP", "VP"),
    ("agency.yml", "  - id: phong-dau-tu", "phong-dau-tu"),
    ("methodology.yml", "        name: Chính quyền số", "Chính quyền số"),
    ("documents.yml", "    issuer: UBND tỉnh Bình Minh", "UBND tỉnh Bình Minh"),
    ("results/2024.yml", "total: 25.75", "25.75"),
    ("results/2024.yml", "rank: 6", "6"),
    ("plans/2025/plan.yml", 'number: "31"', '"31"'),
    (
        "plans/2025/plan.yml",
        "short_title: Kế hoạch nâng cao Chỉ số CCHC năm 2025",
        "Kế hoạch nâng cao Chỉ số CCHC năm 2025",
    ),
    ("plans/2025/tasks.yml", "    task: Số hóa hồ sơ.", "Số hóa hồ sơ."),
    ("plans/2025/tasks.yml", '    criterion: "3.1"', '"3.1"'),
    ("plans/2025/tasks.yml", "    deadline: 15/11/2025", "15/11/2025"),
    ("plans/2025/tasks.yml", "  - id: NV3", "NV3"),
]

# Raw YAML as an editor might type or paste it (each is written after "key: ").
MESSY = [
    "!!binary PGltZyBzcmM9eCBvbmVycm9yPWFsZXJ0KDEpPg==",
    "!vn/custom x",
    "!!python/name:os.system",
    "!!python/object/apply:os.system ['id']",
    "!!int abc",
    "!!float 1",
    "!!str 0123",
    "&a x",
    "*a",
    "[",
    "{a: 1}",
    "[1, 2]",
    "|\n      dòng một\n      dòng hai",
    ">\n      gấp\n      dòng",
    '"a\\x01b"',
    '"a\\0b"',
    '"\\u202eabc"',
    '"a\\u2028b"',
    '"\\ud800"',
    '"\\x02wzxhzdk:0\\x03"',
    "0123",
    "12:30",
    "1_000",
    "0x1F",
    "yes",
    "off",
    ".nan",
    "-.inf",
    "1.0e+400",
    "~",
    "",
    "''",
    '"   "',
    "%x",
    "@x",
    "`x`",
    "- x",
    "'9999999999999999999999999999999999999999'",
    "'" + "dài " * 1500 + "'",
    '"\\x3cimg src=x onerror=alert(1)\\x3e"',
    "'</title><script>alert(1)</script>'",
    "'Phòng: Người có công'",
    "'#2'",
    "'[bấm vào đây](javascript:alert(1))'",
    "'!!! danger'",
    "'---'",
    "'x {: autofocus onfocus=alert(1)}'",
    "'NV01'",
    "'nv-01'",
]

# Refused wherever they are typed: tags, aliases, broken syntax, control characters, numbers
# YAML reads differently from how they were typed, NaN and infinity, text beyond every limit.
REFUSED_EVERYWHERE = [
    *(m for m in MESSY if m.startswith("!")),
    *("*a", "[", "%x", "@x", "`x`"),
    *(m for m in MESSY if m.startswith('"') and "\\" in m and "x3c" not in m),
    *("0123", "12:30", "1_000", "0x1F", ".nan", "-.inf", "1.0e+400"),
    *(m for m in MESSY if len(m) > 5000),
]


def _accepted_or_located(data: Path, label: str) -> bool:
    """Load `data`: True if accepted; if refused, every problem names a data file and a line."""
    try:
        load_site(data, data.parent)
    except DataError as exc:
        assert exc.problems, label
        for problem in exc.problems:
            assert problem.file.startswith("data/") and problem.line > 0, f"{label}: {problem}"
        return False
    return True


def _write(data: Path, choices: dict[int, str]) -> None:
    """The base data with the value at PLACES[i] replaced by choices[i]."""
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(BASE, data)
    for i, messy in choices.items():
        file, line, value = PLACES[i]
        target = data / file
        text = target.read_text(encoding="utf-8")
        assert text.count(line + "\n") == 1, line
        messy = messy.replace("&a ", f"&a{i} ")  # one anchor name per place (YAML refuses a repeated one)
        target.write_text(text.replace(line + "\n", line.replace(value, messy) + "\n"), encoding="utf-8")


def test_messy_values_are_refused_with_a_line_or_published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    accepted: dict[int, list[str]] = {}
    for i, (file, _, value) in enumerate(PLACES):
        for messy in MESSY:
            _write(data, {i: messy})
            if _accepted_or_located(data, f"{file} {value!r} → {messy[:40]!r}"):
                accepted.setdefault(i, []).append(messy)
        assert [m for m in REFUSED_EVERYWHERE if m in accepted.get(i, [])] == [], file
    # What is accepted is published: pages and every download are made from it. The values
    # are spread over the places, a few rounds, until each accepted value has been published.
    waiting = {m for values in accepted.values() for m in values}
    assert len(waiting) > 10  # the escaping cases are accepted as text, not refused
    rounds = 0
    while waiting:
        choices = {i: next((m for m in values if m in waiting), values[0]) for i, values in accepted.items()}
        _write(data, choices)
        site = load_site(data, data.parent)  # accepted one by one, so together too
        assert render_pages(site).keys() == page_titles(site).keys()
        out = tmp_path / f"out{rounds}"
        write_downloads(downloads(site, None), out)
        assert (out / "du-lieu" / "tasks.xlsx").is_file()
        waiting -= set(choices.values())
        rounds += 1
