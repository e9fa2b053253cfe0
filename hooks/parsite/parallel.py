"""Work spread over the machine's cores with fork: the model is loaded once and shared.

MkDocs builds on one core. The core uses the others for what it adds: a forked process
starts with the loaded model already in memory (nothing is read or validated twice, nothing
is copied up front) and sends back only its results, pickled through a pipe.

- `balanced_map`: a list of jobs shared out by weight (reading the data files);
- `Stream`: named results sent one by one as they are made, then a last job (the pages,
  each available as soon as it is rendered, then the downloads), so MkDocs can convert the
  first pages while the next ones are still being rendered.

By default everything runs in this process, in the same order, with the same result; so it
does where fork is not available (Windows). `PARSITE_WORKERS` sets the number of processes
(`2`, …), or `auto`: one per idle core (`idle_cores`), for a machine where the build's wall
time matters more than its CPU time. A second process costs more CPU time than it saves wall
time: at 1 000 tasks on an idle 2-core machine (interleaved, median of 4), one process took
6,71 s (CPU 6,71 s), two took 5,69 s but 7,87 CPU s, against 5,79 s for MkDocs alone; the
child copies the memory it touches and warms its own caches, the results come back pickled.
On a busy machine it finished no sooner and cost about 10 % more (stop 28).

Fork is used only while this process has a single thread. A forked child holds only the
thread that forked; a lock another thread held at that moment (the server and file watcher
of `mkdocs serve`, which rebuilds from its own thread) stays locked in the child forever,
and Python 3.12+ warns about it. With other threads alive the work runs here instead (same
result, one core): `mkdocs build` and CI fork as before, a serve rebuild does not.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, NoReturn, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class WorkerError(RuntimeError):
    """A forked process failed; the message holds its traceback."""


def workers() -> int:
    """How many processes to use: PARSITE_WORKERS (a number, or `auto`: the cores this process
    may run on that are idle, `idle_cores`), else one."""
    if not hasattr(os, "fork"):
        return 1
    configured = os.environ.get("PARSITE_WORKERS", "").strip()
    if not configured:
        return 1
    if configured.lower() != "auto":
        if not configured.isdigit() or int(configured) < 1:
            raise WorkerError(f"PARSITE_WORKERS phải là số nguyên dương hoặc 'auto', không phải '{configured}'")
        return int(configured)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # not known here: as on an idle machine
        load = 0.0
    return idle_cores(cores, load)


def idle_cores(cores: int, load: float) -> int:
    """The processes worth starting on `cores` cores with this 1-minute load average: one per core
    that is idle (rounded), at least one.

    A second process only helps when a core is free to run it. On a busy machine it finished no
    sooner and cost about 10 % more CPU time (the forked process copies the memory it touches,
    warms its own caches, sends its results back): at 1 000 tasks with a load of 8 to 11 on two
    cores, 18,4 s CPU in one process against 20,7 s in two, and 33 s and 47 s wall against 36 s
    and 53 s (interleaved). On an idle machine the second core saves about a fifth of the wall time.
    """
    return max(1, min(cores, int(cores - load + 0.5)))


def _threads() -> int:
    """Threads of this process, counted as Python's own fork warning counts them."""
    try:  # Linux: the 20th field of /proc/self/stat (after the command name in parentheses)
        with open("/proc/self/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[17])
    except (OSError, IndexError, ValueError):
        return threading.active_count()


def can_fork() -> bool:
    """Whether a forked process is safe now: fork exists and this process has one thread."""
    return hasattr(os, "fork") and _threads() == 1


class Pending(Generic[T]):
    """A result computed by a forked process, or already computed here."""

    def __init__(self, pid: int | None = None, fd: int | None = None, value: Any = None) -> None:
        self._pid = pid
        self._fd = fd
        self._value = value

    def result(self) -> T:
        """Wait for the process and return its result; raise WorkerError if it failed."""
        if self._pid is not None:
            assert self._fd is not None
            with os.fdopen(self._fd, "rb") as pipe:
                data = pipe.read()
            os.waitpid(self._pid, 0)
            self._pid = self._fd = None
            status, self._value = pickle.loads(data) if data else ("error", "tiến trình con dừng bất thường")
            if status == "error":
                self._value = WorkerError(self._value)
        if isinstance(self._value, WorkerError):
            raise self._value
        return self._value

    def cancel(self) -> None:
        """Stop the process if it is still running (the build stopped for another reason)."""
        if self._pid is not None:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            assert self._fd is not None
            os.close(self._fd)
            self._pid = self._fd = None


def _child(run: Callable[[], Any], fd: int) -> NoReturn:
    code = 0
    try:
        payload = pickle.dumps(("ok", run()), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        payload = pickle.dumps(("error", traceback.format_exc()))
        code = 1
    try:
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(code)  # no atexit handlers, no cleanup of the parent's state


def _fork(child: Callable[[int], NoReturn]) -> tuple[int, int]:
    """Fork a process that runs `child(write_fd)` and never returns; give its pid and the read end."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        child(write_fd)
    os.close(write_fd)
    return pid, read_fd


def start(run: Callable[[], T]) -> Pending[T]:
    """Run `run()` in a forked process; `.result()` waits for it. Runs it here with one worker
    or when fork is not safe (see can_fork)."""
    if workers() < 2 or not can_fork():
        try:
            return Pending(value=run())
        except Exception:
            return Pending(value=WorkerError(traceback.format_exc()))
    return Pending(*_fork(lambda fd: _child(run, fd)))


def balanced_map(func: Callable[[T], R], items: Sequence[T], weight: Callable[[T], float]) -> list[R]:
    """[func(item) for item in items], spread over the workers by weight; results in order.

    Heaviest item first, to the least loaded process; this process takes the first share.
    """
    count = min(workers(), len(items))
    if count < 2 or not can_fork():
        return [func(item) for item in items]
    shares: list[list[int]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for index in sorted(range(len(items)), key=lambda i: -weight(items[i])):
        lightest = loads.index(min(loads))
        shares[lightest].append(index)
        loads[lightest] += weight(items[index])
    pending = [start(lambda share=share: [func(items[i]) for i in share]) for share in shares[1:]]
    results: list[Any] = [None] * len(items)
    try:
        for index in shares[0]:
            results[index] = func(items[index])
        for share, job in zip(shares[1:], pending, strict=True):
            for index, value in zip(share, job.result(), strict=True):
                results[index] = value
    finally:
        for job in pending:
            job.cancel()
    return results


_HEADER = struct.Struct("!Q")


def _send(pipe: Any, record: tuple[str, Any, Any]) -> None:
    payload = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(_HEADER.pack(len(payload)) + payload)
    pipe.flush()


class Stream:
    """Named results made one by one in a forked process, then one last job.

    `produce()` yields (name, value) pairs; `then()` runs after them (its result is what
    `finish()` returns). `get(name)` waits only for that value. A thread here drains the
    pipe as records arrive, so the process never waits for its reader.
    """

    def __init__(self, produce: Callable[[], Iterable[tuple[str, Any]]], then: Callable[[], Any]) -> None:
        self._values: dict[str, Any] = {}
        self._end: tuple[str, Any] | None = None
        self._ready = threading.Condition()
        self._pid: int | None = None
        self._reader: threading.Thread | None = None
        if workers() < 2 or not can_fork():
            try:
                self._values.update(produce())
                self._end = ("ok", then())
            except Exception:  # reported by get() and finish(), as from a process
                self._end = ("error", traceback.format_exc())
            return
        self._pid, read_fd = _fork(lambda fd: self._child(produce, then, fd))
        self._reader = threading.Thread(target=self._drain, args=(read_fd,), daemon=True)
        self._reader.start()

    @staticmethod
    def _child(produce: Callable[[], Iterable[tuple[str, Any]]], then: Callable[[], Any], fd: int) -> NoReturn:
        code = 0
        with os.fdopen(fd, "wb") as pipe:
            try:
                for name, value in produce():
                    _send(pipe, ("value", name, value))
                _send(pipe, ("ok", None, then()))
            except BaseException:  # everything is reported to the parent
                code = 1
                with contextlib.suppress(OSError):  # the parent may have stopped listening
                    _send(pipe, ("error", None, traceback.format_exc()))
            finally:
                os._exit(code)

    def _drain(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            while True:
                header = pipe.read(_HEADER.size)
                if len(header) < _HEADER.size:
                    end = ("error", "tiến trình con dừng bất thường")
                    break
                kind, name, value = pickle.loads(pipe.read(_HEADER.unpack(header)[0]))
                if kind != "value":
                    end = (kind, value)
                    break
                with self._ready:
                    self._values[name] = value
                    self._ready.notify_all()
        with self._ready:
            if self._end is None:
                self._end = end
            self._ready.notify_all()

    def _failure(self) -> WorkerError | None:
        if self._end is not None and self._end[0] == "error":
            return WorkerError(self._end[1])
        return None

    def get(self, name: str) -> Any:
        """The value named `name`, as soon as it has been made."""
        with self._ready:
            while name not in self._values:
                if (failure := self._failure()) is not None:
                    raise failure
                if self._end is not None:
                    raise KeyError(name)
                self._ready.wait()
            return self._values.pop(name)

    def finish(self) -> Any:
        """Wait for the last job and return its result (raise WorkerError if anything failed)."""
        with self._ready:
            while self._end is None:
                self._ready.wait()
        self._reap()
        if (failure := self._failure()) is not None:
            raise failure
        return self._end[1]

    def cancel(self) -> None:
        """Stop the process if it is still running (the build stopped for another reason)."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> None:
        if self._pid is not None:
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._reader is not None:
            # The pipe is closed once the process has ended: the reader ends too, and the
            # next fork sees a single thread again.
            self._reader.join()
            self._reader = None
