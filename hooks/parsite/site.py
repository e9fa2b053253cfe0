"""Entry point of the core: find the data files, load, validate and assemble them."""

from __future__ import annotations

import stat
from datetime import date, datetime
from pathlib import Path

from .data_in import schema, validate
from .data_in.assemble import assemble
from .data_in.contacts import NAME as CONTACTS
from .data_in.load import Source, load_file
from .data_in.model import Site
from .outputs.emblem import check_emblem
from .problems import DataError, Problem
from .settings import Settings

# Fixed files under data/, with the schema each one follows.
FIXED = {"agency.yml": "agency", "methodology.yml": "methodology", "documents.yml": "documents"}
OPTIONAL = {"province.yml": "province"}


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _not_a_data_file(path: Path, data_root: Path) -> str | None:
    """Why `path` must not be read, or None. A data file is a regular file inside data/: a link
    that leaves it could make the build read (and its messages quote) any file on the machine,
    and a device or a pipe never ends."""
    real = path.resolve()
    if not real.is_relative_to(data_root):
        return "là liên kết tới một tệp ngoài thư mục data/: không đọc; hãy chép tệp vào data/"
    if not stat.S_ISREG(real.stat().st_mode):
        return "không phải tệp thường (thư mục, thiết bị hay ống dẫn): không đọc"
    return None


def _read(path: Path, display: str, schema_name: str, data_root: Path) -> tuple[Source, list[Problem]]:
    """Load one file and check it against its schema; the problems found, in file order.

    A plan's files (plans/YEAR/) are checked with its year, the year of a message's examples."""
    if not path.exists():
        return Source(display, None), [Problem(display, 0, 0, "", "thiếu tệp dữ liệu này", code="missing-file")]
    refused = _not_a_data_file(path, data_root)
    if refused:
        return Source(display, None), [Problem(display, 0, 0, "", refused, code="not-a-data-file")]
    source, found = load_file(path, display)
    if not found:
        folder = path.parent.name
        year = int(folder) if schema_name in ("plan", "tasks") and folder.isdigit() else None
        found = schema.check(source, schema_name, year)
    return source, found


def load_site(
    data_dir: Path, root: Path | None = None, today: date | None = None, built: datetime | None = None
) -> Site:
    """Load everything under `data_dir`; raise DataError listing every problem found.

    `root` is the folder paths in messages are relative to (the project root); `today` and
    `built` (the build time) default to the environment's (parsite.settings).
    """
    root = root or data_dir.parent
    if today is None or built is None:
        settings = Settings.from_environment(root)
        today, built = today or settings.today, built or settings.built
    data_root = data_dir.resolve()
    problems: list[Problem] = []
    ok: set[str] = set()

    # Every file the site reads, with its schema; then each is read and checked once.
    wanted: list[tuple[Path, str]] = [(data_dir / name, schema_name) for name, schema_name in FIXED.items()]
    wanted += [(data_dir / name, schema_name) for name, schema_name in OPTIONAL.items() if (data_dir / name).exists()]
    result_paths = sorted((data_dir / "results").glob("*.yml"))
    wanted += [(path, "result") for path in result_paths]
    plan_folders = sorted(p for p in (data_dir / "plans").glob("*") if p.is_dir())
    for folder in plan_folders:
        wanted += [(folder / "plan.yml", "plan"), (folder / "tasks.yml", "tasks")]
    read = [_read(path, _display(path, root), schema_name, data_root) for path, schema_name in wanted]
    sources: dict[Path, Source] = {}
    for (path, _), (source, found) in zip(wanted, read, strict=True):
        sources[path] = source
        problems.extend(found)
        if not found:
            ok.add(source.path)

    fixed = {name: sources[data_dir / name] for name in FIXED}
    optional = {name: sources[data_dir / name] for name in OPTIONAL if data_dir / name in sources}
    results = [sources[path] for path in result_paths]
    if not results:
        problems.append(
            Problem(
                _display(data_dir / "results", root),
                0,
                0,
                "",
                "chưa có tệp kết quả nào (results/NĂM.yml)",
                code="missing-file",
            )
        )
    plans = [(sources[folder / "plan.yml"], sources[folder / "tasks.yml"]) for folder in plan_folders]
    # Nothing the editor wrote is silently ignored: a YAML file the site does not read is an error
    # (but the reminders' contacts, which scripts/check and scripts/remind read and no page does).
    for path in sorted(data_dir.rglob("*")):
        if path.is_symlink() and path not in sources and not path.resolve().is_relative_to(data_root):
            # Read by nothing yet, but the build's cache key hashes every file under data/.
            refused = _not_a_data_file(path, data_root) or ""
            problems.append(Problem(_display(path, root), 0, 0, "", refused, code="not-a-data-file"))
        elif path.suffix in (".yml", ".yaml") and path not in sources and path != data_dir / CONTACTS:
            problems.append(
                Problem(
                    _display(path, root),
                    0,
                    0,
                    "",
                    "tệp này không được trang sử dụng (tên hoặc vị trí không đúng quy ước)",
                    code="unused-file",
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
    problems += check_emblem(fixed["agency.yml"], data_dir)
    if problems:
        raise DataError(problems)
    return assemble(raw, today, built)
