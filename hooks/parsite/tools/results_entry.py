"""`scripts/add-result YEAR`: record a year's PAR result, checked like any data file.

The new file is written into a copy of data/ first and the whole data set is validated
there; only if it passes is the file written into data/. The editor never saw that file, so
a problem in it is told by the option that gave the value (--total, --field 6), not by its line.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

from .. import fmt
from ..problems import DataError, Problem
from ..site import load_site
from .yamlout import render, schema_line


class Refused(Exception):
    """The result is not written; the message says why."""


class ResultExists(Refused):
    pass


class FutureYear(Refused):
    pass


class ResultInvalid(Refused):
    """The data with this result added has problems: one line each, the result's own told by
    the command's option."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


# The result file's keys and the options of scripts/add-result that give them.
OPTIONS = {
    "year": "NĂM",
    "source": "--source",
    "total": "--total",
    "rank": "--rank",
    "ranked_count": "--ranked-count",
    "fields": "--field",
    "note": "--note",
}
_FIELD = re.compile(r"fields(?:\.|\[)(\d+)\]?")


def option_of(key_path: str) -> str:
    """The option an editor typed for a key of the result file: 'fields.6' → '--field 6'."""
    match = _FIELD.fullmatch(key_path)
    if match:
        return f"--field {match[1]}"
    return OPTIONS.get(key_path.split(".")[0].split("[")[0], key_path or "kết quả")


def _for_editor(problem: Problem, written: str) -> str:
    if problem.file != written:
        return str(problem)  # already in the data: its file and line are the editor's own
    return f"{option_of(problem.key_path)}: {problem.message} [{problem.code}]"


def result_text(
    target: Path,
    year: int,
    *,
    total: float | None,
    rank: int | None,
    ranked_count: int | None,
    fields: dict[int, float | None],
    source: str | None,
    note: str | None = None,
) -> str:
    return render(
        "result.yml.j2",
        schema_line=schema_line(target, "result"),
        year=year,
        total=total,
        rank=rank,
        ranked_count=ranked_count,
        fields=dict(sorted(fields.items())),
        source=source,
        note=note,
    )


def add_result(data_dir: Path, year: int, text: str, *, today: date, force: bool = False) -> Path:
    """Validate the data with this result added, then write it; raise Refused otherwise (a year
    after `today`'s has no result yet: 2099 is a typing slip, not a result)."""
    if year > today.year:
        raise FutureYear(
            f"năm {year} chưa đến (hôm nay là {fmt.day(today)}): chỉ ghi kết quả của năm {today.year} trở về trước"
        )
    target = data_dir / "results" / f"{year}.yml"
    if target.exists() and not force:
        raise ResultExists(f"{target}: đã có kết quả năm {year}; dùng --force để ghi đè")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data_dir, copy)
        (copy / "results" / f"{year}.yml").write_text(text, encoding="utf-8")
        try:
            load_site(copy, Path(tmp), today=today)
        except DataError as exc:
            written = f"data/results/{year}.yml"
            raise ResultInvalid([_for_editor(p, written) for p in exc.problems]) from None
    target.write_text(text, encoding="utf-8")
    return target


__all__ = ["FutureYear", "Refused", "ResultExists", "ResultInvalid", "add_result", "option_of", "result_text"]
