"""Every download of the site, each declared once: what it is, where its files go, how each is
made, which tasks each shows, and how the "Dữ liệu mở" page and the pages' <head> present it.

An `Output` is one kind of download (the tasks as CSV, the units' calendars, ...); its `files`
gives, for a site, each file with its maker and the tasks it reads, picked by the same function
the maker picks them with. Everything else is derived from these records: the files the build
writes (`downloads`), the build cache's key of each (outputs/reads.py), the open-data page
(templates/open-data.md.j2), the feeds a page announces (`announced`) and the standalone
project. tests/test_registry.py fails for a record whose files are not built, not described
or not on the open-data page, and for a built file no record declares.

Adding a download: write its maker in a module of its own (or beside its kind), add one
`Output` to OUTPUTS, and a test of what a reader gets from it; see
docs/maintainers/adding-an-output.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data_in.model import Site, Task, Unit
from ..data_in.schema import schema_files
from . import calendars, exports, feeds, finder, overdue, share
from .changes import SNAPSHOT, snapshot_bytes
from .paths import FINDER, field_path, html_link, report_path, unit_path
from .progress_workbook import workbook_bytes, workbook_path, workbook_tasks, workbook_units
from .reports import quarter_reports

# What a file reads besides the frame (outputs/reads.py): None = every task; () = none; a list:
# these tasks.
Reads = Sequence[Task] | None
EVERY_TASK: Reads = None
NO_TASK: Reads = ()
EVERY_PAGE = "*"  # `announce_on` of a feed every page announces


@dataclass(frozen=True)
class File:
    """One file of an output: its docs-relative path, its maker, the tasks it reads."""

    path: str
    make: Callable[[], bytes]
    reads: Reads
    label: str = ""  # its link text on the open-data page (a unit's name, "Tất cả nhiệm vụ")
    title: str = ""  # a feed's title, as readers show it
    announce_on: str | None = None  # the page that announces it in <head> (EVERY_PAGE: all)


@dataclass(frozen=True)
class Output:
    """One kind of download, declared once."""

    key: str  # stable code, e.g. "tasks-csv"
    media_type: str  # also the type of a <link rel="alternate"> that announces it
    description: str  # what it holds, for readers (Markdown, our own text: no data in it)
    files: Callable[[Context], list[File]]
    section: str | None = None  # its heading on the open-data page; None: linked from other pages
    hidden_reason: str = ""  # why an output is not on the open-data page (section None)


class Context:
    """What makers share in one build: the site, its address, and each computation made once."""

    def __init__(self, site: Site, site_url: str | None) -> None:
        self.site = site
        self.site_url = site_url

    @functools.cached_property
    def task_records(self) -> list[dict[str, Any]]:
        return [exports.task_record(t, self.site.today) for t in self.site.tasks]

    @functools.cached_property
    def score_records(self) -> list[dict[str, Any]]:
        return exports.score_records(self.site)

    @functools.cached_property
    def calendars(self) -> dict[str, bytes]:
        return calendars.calendar_files(self.site, self.site_url)

    @functools.cached_property
    def feeds(self) -> dict[str, bytes]:
        return feeds.feed_files(self.site, self.site_url)


DATA = exports.FOLDER
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _one(path: str, make: Callable[[Context], bytes], reads: Reads) -> Callable[[Context], list[File]]:
    return lambda c: [File(path, lambda: make(c), reads, label=path.rsplit("/", 1)[-1])]


def _everyone_and_each_unit(
    c: Context,
    path: Callable[[Unit | None], str],
    make: Callable[[str], bytes],
    reads: Callable[[Unit], Reads],
    title: Callable[[Unit | None], str] | None = None,
    everyone: bool = True,
) -> list[File]:
    """A file of all tasks (with `everyone`, announced on every page when it has a `title`),
    then one per unit (announced on the unit's page)."""
    site = c.site
    files = []
    if everyone:
        whole = path(None)
        announce = EVERY_PAGE if title else None
        files.append(
            File(whole, lambda: make(whole), EVERY_TASK, "Tất cả nhiệm vụ", title(None) if title else "", announce)
        )
    for unit in site.agency.units:
        mine = path(unit)
        files.append(
            File(
                mine,
                lambda mine=mine: make(mine),
                reads(unit),
                unit.name,
                title(unit) if title else "",
                unit_path(unit) if title else None,
            )
        )
    return files


def _calendar_files(c: Context) -> list[File]:
    return _everyone_and_each_unit(
        c, calendars.calendar_path, lambda p: c.calendars[p], lambda u: calendars.unit_tasks(c.site, u)
    )


def _feed_files(c: Context) -> list[File]:
    return _everyone_and_each_unit(
        c,
        feeds.feed_path,
        lambda p: c.feeds[p],
        lambda u: feeds.unit_tasks(c.site, u),
        lambda u: feeds.feed_title(c.site, u),
    )


def _overdue_files(c: Context) -> list[File]:
    by_path = {overdue.feed_path(u): u for u in c.site.agency.units}
    return _everyone_and_each_unit(
        c,
        overdue.feed_path,  # never asked for all tasks: `everyone` is False
        lambda p: overdue.feed_bytes(c.site, by_path[p], c.site_url),
        lambda u: overdue.unit_tasks(c.site, u),
        lambda u: overdue.feed_title(c.site, u),
        everyone=False,
    )


def _finder_links(site: Site) -> dict[str, str]:
    """Addresses of unit and field pages, relative to the finder page (for its data file)."""
    targets = [unit_path(u) for u in site.agency.units] + [field_path(f) for f in site.fields()]
    return {target: html_link(FINDER, target) for target in targets}


def _workbook_files(c: Context) -> list[File]:
    site = c.site
    return [
        File(workbook_path(u), lambda u=u: workbook_bytes(site, u), workbook_tasks(site, u), u.name)
        for u in workbook_units(site)
    ]


def _report_files(c: Context) -> list[File]:
    site = c.site
    return [
        File(report_path(r, "docx"), lambda r=r: exports.report_docx_bytes(site, r), r.plan.tasks, r.label)
        for r in quarter_reports(site)
    ]


def _schema_files(c: Context) -> list[File]:
    return [File(f"{DATA}/schemas/{p.name}", p.read_bytes, NO_TASK, p.name) for p in schema_files()]


def _share_files(c: Context) -> list[File]:
    # A card shows a page's title and the results: no task.
    return [File(path, make, NO_TASK) for path, make in share.image_files(c.site).items()]


OUTPUTS: tuple[Output, ...] = (
    Output(
        "tasks-xlsx",
        XLSX,
        'bảng Excel (trang tính "Nhiệm vụ"), mỗi dòng một nhiệm vụ, cột Năm kế hoạch để lọc theo kế hoạch.',
        _one(f"{DATA}/tasks.xlsx", lambda c: exports.tasks_xlsx(c.site, c.task_records), EVERY_TASK),
        section="tasks",
    ),
    Output(
        "tasks-csv",
        "text/csv",
        "cùng nội dung, dạng CSV cho máy đọc.",
        _one(f"{DATA}/tasks.csv", lambda c: exports.tasks_csv(c.task_records), EVERY_TASK),
        section="tasks",
    ),
    Output(
        "tasks-json",
        "application/json",
        'cùng nội dung, dạng JSON: `{"agency": ..., "tasks": [...]}`.',
        _one(f"{DATA}/tasks.json", lambda c: exports.tasks_json(c.site, c.task_records), EVERY_TASK),
        section="tasks",
    ),
    Output(
        "scores-json",
        "application/json",
        '`{"agency": ..., "years": [...]}`; mỗi năm có `year`, `methodology` (năm bắt đầu áp dụng bộ chỉ số'
        " của năm đó), `max_total` (điểm tối đa của bộ chỉ số đó), `total`, `rank`, `ranked_count`,"
        " `rank_derived` (thứ hạng được suy ra), `source` (số văn bản công bố), `derived_from_plan`, `note` và"
        " `fields` (mỗi lĩnh vực theo bộ chỉ số của năm đó: `field`, `name`, `max`, `points`, `lost`). Giá trị"
        " chưa có số liệu là `null`.",
        _one(f"{DATA}/scores.json", lambda c: exports.scores_json_bytes(c.site), NO_TASK),
        section="scores",
    ),
    Output(
        "scores-xlsx",
        XLSX,
        'bảng Excel, hai trang tính: "Điểm theo lĩnh vực" (mỗi dòng một năm × một lĩnh vực của bộ chỉ số áp'
        ' dụng năm đó) và "Tổng điểm" (mỗi dòng một năm); các cột ở bảng dưới.',
        _one(f"{DATA}/scores.xlsx", lambda c: exports.scores_xlsx(c.site, c.score_records), NO_TASK),
        section="scores",
    ),
    Output(
        "scores-csv",
        "text/csv",
        'cho máy đọc, cùng nội dung với trang tính "Điểm theo lĩnh vực".',
        _one(f"{DATA}/scores.csv", lambda c: exports.scores_csv(c.score_records), NO_TASK),
        section="scores",
    ),
    Output(
        "calendars",
        "text/calendar",
        "Lịch theo chuẩn iCalendar: mỗi nhiệm vụ có thời hạn là một sự kiện cả ngày vào ngày hết hạn (thời"
        " hạn theo quý là ngày cuối quý; nhiệm vụ thường xuyên không có trong lịch). Đăng ký lịch bằng đường"
        " dẫn để lịch tự cập nhật khi kế hoạch thay đổi.",
        _calendar_files,
        section="calendars",
    ),
    Output(
        "progress-feeds",
        "application/atom+xml",
        "Nguồn tin Atom: mỗi mục tiến độ có ngày là một tin, mới nhất trước, dẫn tới nhiệm vụ trên trang đơn vị"
        " chủ trì. Thêm đường dẫn vào trình đọc tin (RSS/Atom) để nhận tiến độ mới mà không phải vào trang mỗi"
        " ngày.",
        _feed_files,
        section="feeds",
    ),
    Output(
        "overdue-feeds",
        "application/atom+xml",
        "Nguồn tin Atom các nhiệm vụ quá hạn của từng đơn vị: mỗi nhiệm vụ quá hạn (chưa hoàn thành khi đã"
        " hết thời hạn) là một tin, quá hạn lâu nhất trước; tin mất đi khi nhiệm vụ hoàn thành.",
        _overdue_files,
        section="overdue",
    ),
    Output(
        "snapshot",
        "application/json",
        "Ảnh chụp dữ liệu của lần cập nhật này: mỗi nhiệm vụ với các mục tiến độ và trạng thái ngày cập nhật;"
        " kết quả từng năm. Lần cập nhật sau so sánh với tệp này để lập trang Thay đổi dữ liệu.",
        _one(SNAPSHOT, lambda c: snapshot_bytes(c.site), EVERY_TASK),
        section="snapshot",
    ),
    Output(
        "schemas",
        "application/schema+json",
        "Các tệp dữ liệu nguồn (YAML) được kiểm tra theo các lược đồ JSON Schema này.",
        _schema_files,
        section="schemas",
    ),
    Output(
        "finder-data",
        "application/json",
        "Mọi nhiệm vụ, dạng gọn cho trang Tra cứu nhiệm vụ.",
        _one(finder.DATA, lambda c: finder.finder_json(c.site, c.site.today, _finder_links(c.site)), EVERY_TASK),
        hidden_reason="dữ liệu của trang Tra cứu, đọc bởi mã của trang đó",
    ),
    Output(
        "progress-workbooks",
        XLSX,
        "Bảng tính báo cáo tiến độ của từng đơn vị chủ trì, để điền và gửi Văn phòng.",
        _workbook_files,
        hidden_reason="tải từ trang của đơn vị",
    ),
    Output(
        "report-docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Báo cáo quý dạng Word.",
        _report_files,
        hidden_reason="tải từ trang báo cáo quý",
    ),
    Output(
        "share-images",
        "image/png",
        "Ảnh hiện khi chia sẻ liên kết của một trang.",
        _share_files,
        hidden_reason="do trang mạng xã hội đọc, không phải dữ liệu",
    ),
)

# The open-data page's sections, in order: (key, heading).
SECTIONS = (
    ("tasks", "Nhiệm vụ"),
    ("scores", "Kết quả Chỉ số CCHC"),
    ("calendars", "Lịch hạn hoàn thành"),
    ("feeds", "Nhận tin tiến độ mới (nguồn tin cho ứng dụng đọc tin)"),
    ("overdue", "Nhận tin nhiệm vụ quá hạn (nguồn tin cho ứng dụng đọc tin)"),
    ("snapshot", "Ảnh chụp dữ liệu"),
    ("schemas", "Lược đồ dữ liệu"),
)


@dataclass
class Catalog:
    """The outputs' files for one site, in OUTPUTS' order."""

    files: list[tuple[Output, File]] = field(default_factory=list)

    def downloads(self) -> dict[str, Callable[[], bytes]]:
        """Every download: docs-relative path → the function that makes its bytes."""
        return {f.path: f.make for _, f in self.files}

    def reads(self) -> dict[str, Reads]:
        return {f.path: f.reads for _, f in self.files}

    def announced(self, page: str) -> list[dict[str, str]]:
        """The feeds `page` announces ({title, path, type}), its own first."""
        own = [(o, f) for o, f in self.files if f.announce_on == page]
        every = [(o, f) for o, f in self.files if f.announce_on == EVERY_PAGE]
        return [{"title": f.title, "path": f.path, "type": o.media_type} for o, f in own + every]

    def section(self, key: str) -> list[tuple[Output, list[File]]]:
        """The outputs of an open-data section with their files."""
        return [(o, [f for out, f in self.files if out is o]) for o in OUTPUTS if o.section == key]


def catalog(site: Site, site_url: str | None = None) -> Catalog:
    """The files of every output for `site` (makers not run: paths are known at once)."""
    context = Context(site, site_url)
    return Catalog([(output, made) for output in OUTPUTS for made in output.files(context)])


def downloads(site: Site, site_url: str | None = None) -> dict[str, Callable[[], bytes]]:
    """Every download of the site: docs-relative path → the function that makes its bytes."""
    return catalog(site, site_url).downloads()


def export_files(site: Site, site_url: str | None = None) -> dict[str, bytes]:
    """Every download of the site, keyed by docs-relative path."""
    return {path: make() for path, make in downloads(site, site_url).items()}


def write_downloads(made: dict[str, Callable[[], bytes]], folder: Path) -> None:
    """Make every download of `downloads()` and write it under `folder`."""
    for path, make in made.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(make())
