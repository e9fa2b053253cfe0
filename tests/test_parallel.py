"""Work spread over processes (parsite.parallel): same results, clear failures, in either mode."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import copy_project, mkdocs_build
from parsite import parallel


@pytest.fixture(params=["1", "2"], ids=["one-process", "two-processes"])
def workers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PARSITE_WORKERS", request.param)
    return request.param


def test_balanced_map_keeps_the_order_of_the_items(workers: str) -> None:
    items = list(range(25))
    # The heaviest items go first, to different processes; results come back in item order.
    assert parallel.balanced_map(lambda n: (n * n, os.getpid()), items, weight=lambda n: n % 7)[7][0] == 49
    assert [value for value, _ in parallel.balanced_map(lambda n: (n * n, 0), items, weight=float)] == [
        n * n for n in items
    ]


def test_balanced_map_uses_another_process_when_allowed(workers: str) -> None:
    pids = {pid for pid in parallel.balanced_map(lambda _: os.getpid(), [1, 2, 3, 4], weight=lambda _: 1)}
    assert len(pids) == int(workers)


def test_a_failing_job_names_its_error(workers: str) -> None:
    def job(n: int) -> int:
        if n == 3:
            raise ValueError("mục 3 hỏng")
        return n

    with pytest.raises((parallel.WorkerError, ValueError), match="mục 3 hỏng"):
        parallel.balanced_map(job, [1, 2, 3, 4], weight=float)


def test_stream_gives_each_value_then_the_last_result(workers: str) -> None:
    made: list[str] = []

    def produce() -> Iterator[tuple[str, str]]:
        for name in ("a.md", "b.md", "c.md"):
            yield name, name.upper()

    stream = parallel.Stream(produce, then=lambda: made.append("then") or "xong")
    assert [stream.get(name) for name in ("a.md", "b.md", "c.md")] == ["A.MD", "B.MD", "C.MD"]
    assert stream.finish() == "xong"


def test_stream_reports_a_failure_while_producing(workers: str) -> None:
    def produce() -> Iterator[tuple[str, str]]:
        yield "a.md", "A"
        raise RuntimeError("mẫu trang lỗi")

    stream = parallel.Stream(produce, then=lambda: None)
    assert stream.get("a.md") == "A"
    with pytest.raises(parallel.WorkerError, match="mẫu trang lỗi"):
        stream.get("b.md")
    with pytest.raises(parallel.WorkerError, match="mẫu trang lỗi"):
        stream.finish()


def test_stream_reports_a_failure_of_the_last_job(workers: str) -> None:
    def fail() -> None:
        raise OSError("ổ đĩa đầy")

    stream = parallel.Stream(lambda: iter([("a.md", "A")]), then=fail)
    assert stream.get("a.md") == "A"
    with pytest.raises(parallel.WorkerError, match="ổ đĩa đầy"):
        stream.finish()


def test_stream_can_be_cancelled(workers: str) -> None:
    stream = parallel.Stream(lambda: iter([("a.md", "A")]), then=lambda: None)
    stream.cancel()  # the build stopped elsewhere: no process is left behind
    stream.cancel()


def test_an_invalid_worker_count_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARSITE_WORKERS", "hai")
    with pytest.raises(parallel.WorkerError, match="PARSITE_WORKERS phải là số nguyên dương, không phải 'hai'"):
        parallel.workers()


def test_a_docs_file_in_the_place_of_a_download_stops_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "docs" / "du-lieu").mkdir()
    (project / "docs" / "du-lieu" / "tasks.csv").write_text("cũ\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert "docs/du-lieu/tasks.csv trùng với tệp được tạo từ dữ liệu; hãy xóa tệp này khỏi docs/" in result.stderr
