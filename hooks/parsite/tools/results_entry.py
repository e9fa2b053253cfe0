"""`scripts/add-result YEAR`: record a year's PAR result, checked like any data file.

The new file is written into a copy of data/ first and the whole data set is validated
there; only if it passes is the file written into data/.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..problems import DataError
from ..site import load_site
from .yamlout import render, schema_line


class ResultExists(Exception):
    pass


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


def add_result(data_dir: Path, year: int, text: str, *, force: bool = False) -> Path:
    """Validate the data with this result added, then write it; raise DataError otherwise."""
    target = data_dir / "results" / f"{year}.yml"
    if target.exists() and not force:
        raise ResultExists(f"{target}: đã có kết quả năm {year}; dùng --force để ghi đè")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data_dir, copy)
        (copy / "results" / f"{year}.yml").write_text(text, encoding="utf-8")
        load_site(copy, Path(tmp))  # messages read "data/results/YEAR.yml:LINE: ..."
    target.write_text(text, encoding="utf-8")
    return target


__all__ = ["DataError", "ResultExists", "add_result", "result_text"]
