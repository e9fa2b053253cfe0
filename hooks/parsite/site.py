"""Entry point of the core: find the data files, load, validate and assemble them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from . import clock, schema, validate
from .assemble import assemble
from .load import Source, load_file
from .model import Site
from .problems import DataError, Problem

# Fixed files under data/, with the schema each one follows.
FIXED = {"agency.yml": "agency", "methodology.yml": "methodology", "documents.yml": "documents"}
OPTIONAL = {"province.yml": "province"}


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def load_site(data_dir: Path, root: Path | None = None, today: date | None = None) -> Site:
    """Load everything under `data_dir`; raise DataError listing every problem found.

    `root` is the folder paths in messages are relative to (the project root); `today`
    defaults to today in Vietnam (SITE_TODAY pins it).
    """
    root = root or data_dir.parent
    problems: list[Problem] = []
    ok: set[str] = set()

    def read(path: Path, schema_name: str) -> Source:
        display = _display(path, root)
        if not path.is_file():
            problems.append(Problem(display, 0, 0, "", "thiếu tệp dữ liệu này"))
            return Source(display, None)
        source, found = load_file(path, display)
        if not found:
            found = schema.check(source, schema_name)
            if not found:
                ok.add(display)
        problems.extend(found)
        return source

    used: set[Path] = set()
    fixed = {}
    for name, schema_name in FIXED.items():
        fixed[name] = read(data_dir / name, schema_name)
        used.add(data_dir / name)
    optional = {}
    for name, schema_name in OPTIONAL.items():
        if (data_dir / name).exists():
            optional[name] = read(data_dir / name, schema_name)
            used.add(data_dir / name)
    results = []
    for path in sorted((data_dir / "results").glob("*.yml")):
        results.append(read(path, "result"))
        used.add(path)
    if not results:
        problems.append(
            Problem(_display(data_dir / "results", root), 0, 0, "", "chưa có tệp kết quả nào (results/NĂM.yml)")
        )
    plans = []
    for folder in sorted(p for p in (data_dir / "plans").glob("*") if p.is_dir()):
        plans.append((read(folder / "plan.yml", "plan"), read(folder / "tasks.yml", "tasks")))
        used.update({folder / "plan.yml", folder / "tasks.yml"})
    # Nothing the editor wrote is silently ignored: a YAML file the site does not read is an error.
    for path in sorted(data_dir.rglob("*")):
        if path.suffix in (".yml", ".yaml") and path not in used:
            problems.append(
                Problem(
                    _display(path, root),
                    0,
                    0,
                    "",
                    "tệp này không được trang sử dụng (tên hoặc vị trí không đúng quy ước)",
                )
            )

    raw = validate.RawData(
        fixed["agency.yml"],
        fixed["methodology.yml"],
        fixed["documents.yml"],
        results,
        plans,
        optional.get("province.yml"),
        ok,
    )
    problems += validate.check_all(raw)
    if problems:
        raise DataError(problems)
    return assemble(raw, today or clock.today())
