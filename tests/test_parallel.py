"""Work spread over processes (parsite.parallel): same results, clear failures, in either mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, copy_project, mkdocs_build
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


# Run in a fresh interpreter: this test process may have threads of its own (the browser tests'
# web server), and then nothing forks. PARSITE_WORKERS=2; no warning may be printed.
FORK_CHECK = """
import json, os, sys, threading, time
sys.path.insert(0, sys.argv[1])
from parsite import parallel

def settle():
    # A joined thread's lock is released just before the OS thread ends: until the kernel has
    # reaped it, /proc still counts it and can_fork() rightly says no. Wait for that moment.
    deadline = time.monotonic() + 5
    while parallel._threads() > 1 and time.monotonic() < deadline:
        time.sleep(0.005)

def balanced():
    values = parallel.balanced_map(lambda n: (n * n, os.getpid()), [1, 2, 3, 4], weight=float)
    assert [v for v, _ in values] == [1, 4, 9, 16]
    return sorted({pid for _, pid in values} - {os.getpid()})

def stream():
    made = parallel.Stream(lambda: iter([("a.md", os.getpid())]), then=os.getpid)
    page_pid, last_pid = made.get("a.md"), made.finish()
    assert page_pid == last_pid
    settle()
    return page_pid != os.getpid()

seen = {"alone": [len(balanced()), stream(), len(balanced())]}
stop = threading.Event()
server = threading.Thread(target=stop.wait)  # as mkdocs serve's server and file watcher
server.start()
seen["beside_a_thread"] = [len(balanced()), stream(), parallel.can_fork()]
stop.set()
server.join()
settle()
seen["after"] = [len(balanced()), parallel.can_fork()]
print(json.dumps(seen))
"""


def _interpreters() -> list[Any]:
    """This test's Python, and the newer ones found here (3.12+ warn about fork beside threads)."""
    found: list[Any] = [pytest.param(sys.executable, id="this-python")]
    for version in ("3.12", "3.13"):
        candidates = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python"))
        found.append(
            pytest.param(
                str(candidates[-1]) if candidates else "",
                id=f"python{version}",
                marks=pytest.mark.skipif(not candidates, reason=f"no Python {version} under ~/.pyenv/versions"),
            )
        )
    return found


@pytest.mark.parametrize("python", _interpreters())
def test_forks_only_while_single_threaded_and_never_warns(python: str) -> None:
    result = subprocess.run(
        # Printed, not raised: CPython drops the fork warning when it is made an error
        # (-W error::DeprecationWarning hides it), so the test reads stderr instead.
        [python, "-W", "error", "-W", "always::DeprecationWarning", "-c", FORK_CHECK, str(ROOT / "hooks")],
        capture_output=True,
        text=True,
        env={**os.environ, "PARSITE_WORKERS": "2"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    seen = json.loads(result.stdout)
    # Alone: the second share and the stream run in another process; once the stream has
    # finished its reader thread is gone, so the next map forks again.
    assert seen["alone"] == [1, True, 1]
    # Beside another thread: everything runs here, same results, no fork and no warning.
    assert seen["beside_a_thread"] == [0, False, False]
    assert seen["after"] == [1, True]


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
    expected = "PARSITE_WORKERS phải là số nguyên dương hoặc 'auto', không phải 'hai'"
    with pytest.raises(parallel.WorkerError, match=expected):
        parallel.workers()


def test_a_docs_file_in_the_place_of_a_download_stops_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "docs" / "du-lieu").mkdir()
    (project / "docs" / "du-lieu" / "tasks.csv").write_text("cũ\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert "docs/du-lieu/tasks.csv trùng với tệp được tạo từ dữ liệu; hãy xóa tệp này khỏi docs/" in result.stderr


@pytest.mark.parametrize(
    ("cores", "load", "expected"),
    [(2, 0.0, 2), (2, 0.4, 2), (2, 0.6, 1), (2, 1.0, 1), (2, 9.5, 1), (1, 0.0, 1), (8, 3.0, 5), (8, 0.0, 8)],
)
def test_a_second_process_only_on_an_idle_core(cores: int, load: float, expected: int) -> None:
    assert parallel.idle_cores(cores, load) == expected


def test_one_process_unless_the_setting_asks_for_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARSITE_WORKERS", raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert parallel.workers() == 1  # even on an idle machine: a second process costs CPU time
    monkeypatch.setenv("PARSITE_WORKERS", "auto")
    assert parallel.workers() == len(os.sched_getaffinity(0))  # one per idle core
    monkeypatch.setattr(os, "getloadavg", lambda: (50.0, 50.0, 50.0))
    assert parallel.workers() == 1
    monkeypatch.setenv("PARSITE_WORKERS", "2")
    assert parallel.workers() == 2  # a number wins over the load
