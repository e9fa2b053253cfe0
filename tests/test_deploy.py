"""The deploy script against a local folder and over SSH (ssh and rsync faked by small scripts that
run on this machine), three deploys at once, a killed deploy, and the publish script's refusal to
deploy a broken build."""

from __future__ import annotations

import fcntl
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, copy_project

DEPLOY = ROOT / "scripts" / "deploy.py"
HOST = "trienkhai@cong-thong-tin.example"

FAKE_SSH = r"""#!/usr/bin/env bash
# Stands in for ssh: skips the options, logs the host, runs the command here as the server's shell would.
while [ $# -gt 0 ]; do
  case "$1" in
    -o|-p|-i|-l|-F|-J) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
printf '%s\n' "$1" >> "$FAKE_REMOTE_LOG"
if [ -n "${FAKE_SSH_FAIL:-}" ]; then
  echo "ssh: connect to host ${1#*@} port 22: Connection refused" >&2
  exit 255
fi
shift
exec bash -c "$*"
"""

FAKE_RSYNC = """#!{python}
# Stands in for rsync -a SRC/ HOST:DEST/: copies here, logs the host.
import os, shutil, sys
args, positional = sys.argv[1:], []
while args:
    arg = args.pop(0)
    if arg == "-e":
        args.pop(0)
    elif not arg.startswith("-"):
        positional.append(arg)
source, destination = positional
host, _, folder = destination.partition(":")
with open(os.environ["FAKE_REMOTE_LOG"], "a") as log:
    log.write(host + "\\n")
shutil.copytree(source, folder, symlinks=True, dirs_exist_ok=True)
"""


def load_deploy_module():
    spec = importlib.util.spec_from_file_location("deploy", DEPLOY)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def fake_site(folder: Path, text: str, files: int = 0) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    if files:
        (folder / "assets").mkdir()
        for n in range(files):
            (folder / ("assets" if n % 2 else ".") / f"trang-{n}.html").write_text(f"{text} {n}", encoding="utf-8")
    return folder


def count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


class Portal:
    """A deploy target: a folder here, reached directly or through the fake ssh and rsync."""

    def __init__(self, tmp_path: Path, mode: str) -> None:
        self.root = tmp_path / "portal"
        self.mode = mode
        self.log = tmp_path / "remote.log"
        self.log.touch()
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "ssh").write_text(FAKE_SSH, encoding="utf-8")
        (bin_dir / "rsync").write_text(FAKE_RSYNC.format(python=sys.executable), encoding="utf-8")
        for tool in ("ssh", "rsync"):
            (bin_dir / tool).chmod(0o755)
        self.env = {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "FAKE_REMOTE_LOG": str(self.log),
            "DEPLOY_TARGET": f"{HOST}:{self.root}" if mode == "remote" else str(self.root),
            "DEPLOY_KEEP": "2",
            "DEPLOY_SSH": "-p 2222",
        }

    def command(self, *args: str) -> list[str]:
        return [sys.executable, str(DEPLOY), *args]

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.command(*args), capture_output=True, text=True, env={**self.env, **env}, check=False
        )
        self.assert_no_secret(result.stdout + result.stderr)
        return result

    def assert_no_secret(self, output: str) -> None:
        """Nothing printed names the target's host or path, not even in pieces."""
        for piece in (HOST, HOST.split("@")[1], str(self.root), self.root.name + "/"):
            assert piece not in output, output

    def live(self) -> str:
        return (self.root / "current" / "index.html").read_text(encoding="utf-8")

    def releases(self) -> list[str]:
        return sorted(p.name for p in (self.root / "releases").iterdir())

    def remote_calls(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").split()


@pytest.fixture(params=["local", "remote"])
def portal(request: pytest.FixtureRequest, tmp_path: Path) -> Portal:
    return Portal(tmp_path, request.param)


@contextmanager
def lock_held(portal: Portal, owner: str) -> Iterator[None]:
    """Hold the target's deploy lock the way another deploy would."""
    (portal.root / "releases").mkdir(parents=True, exist_ok=True)
    with open(portal.root / ".deploy.lock", "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.truncate(0)
        handle.write(owner + "\n")
        handle.flush()
        yield


def wait_for(condition, what: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


# ---------------------------------------------------------------- one deploy at a time


def test_deploy_switches_atomically_keeps_the_previous_release_and_rolls_back(portal: Portal, tmp_path: Path) -> None:
    first_run = portal.run(str(fake_site(tmp_path / "a", "bản A")))
    assert first_run.returncode == 0, first_run.stderr
    assert "Đích: DEPLOY_TARGET" in first_run.stdout and "Đã triển khai bản releases/" in first_run.stdout
    assert portal.live() == "bản A"
    first = (portal.root / "current").resolve()
    assert (portal.root / "current").is_symlink()
    assert portal.run(str(fake_site(tmp_path / "b", "bản B"))).returncode == 0
    assert portal.live() == "bản B"
    assert (first / "index.html").read_text(encoding="utf-8") == "bản A"  # kept for rollback
    back = portal.run("--rollback")
    assert back.returncode == 0, back.stderr
    assert portal.live() == "bản A" and f"Đã quay lại bản releases/{first.name}" in back.stdout
    again = portal.run("--rollback")
    assert again.returncode == 1 and "không có bản nào trước bản đang chạy" in again.stderr
    assert portal.live() == "bản A"
    assert portal.run(str(fake_site(tmp_path / "c", "bản C"))).returncode == 0
    assert len(portal.releases()) == 2  # DEPLOY_KEEP
    assert portal.live() == "bản C"
    assert not list(portal.root.glob(".current-*"))
    if portal.mode == "remote":
        assert set(portal.remote_calls()) == {HOST}  # everything went through ssh/rsync
    else:
        assert portal.remote_calls() == []


def test_deploy_refuses_a_folder_that_is_not_a_site(portal: Portal, tmp_path: Path) -> None:
    assert portal.run(str(fake_site(tmp_path / "a", "bản A"))).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    result = portal.run(str(empty))
    assert result.returncode == 1 and "không có index.html" in result.stderr
    assert portal.live() == "bản A"


@pytest.mark.parametrize("keep", ["0", "-1", "abc", "1.5", "2x"])
def test_deploy_keep_must_be_a_whole_number_of_at_least_one(portal: Portal, tmp_path: Path, keep: str) -> None:
    assert portal.run(str(fake_site(tmp_path / "a", "bản A"))).returncode == 0
    before, calls = portal.releases(), len(portal.remote_calls())
    result = portal.run(str(fake_site(tmp_path / "b", "bản B")), DEPLOY_KEEP=keep)
    assert result.returncode == 2
    assert f"DEPLOY_KEEP='{keep}' không hợp lệ: phải là một số nguyên ≥ 1" in result.stderr
    assert portal.releases() == before and portal.live() == "bản A"
    assert len(portal.remote_calls()) == calls  # refused before reaching the server


def test_deploy_keep_one_keeps_only_the_live_release(portal: Portal, tmp_path: Path) -> None:
    for name in "ABC":
        result = portal.run(str(fake_site(tmp_path / name, f"bản {name}")), DEPLOY_KEEP="1")
        assert result.returncode == 0, result.stderr
        assert portal.live() == f"bản {name}"
        assert portal.releases() == [(portal.root / "current").resolve().name]


def test_pruning_never_deletes_the_live_release() -> None:
    deploy = load_deploy_module()
    names = [f"2026112{d}T020000000000Z-0000000{d}" for d in range(1, 6)]
    assert deploy.releases_to_remove(names, names[0], 1) == names[1:4]  # live is the oldest: kept
    assert deploy.releases_to_remove(names, names[4], 2) == names[:3]
    assert deploy.releases_to_remove([*names, "ghi-chu", names[0] + ".partial"], None, 4) == names[:1]
    with pytest.raises(deploy.ConfigError):
        deploy.releases_to_remove(names, names[4], 0)


def test_a_second_deploy_waits_for_the_lock_then_deploys(portal: Portal, tmp_path: Path) -> None:
    assert portal.run(str(fake_site(tmp_path / "a", "bản A"))).returncode == 0
    output = tmp_path / "second.out"
    with lock_held(portal, "pid 4242 trên máy may-cron từ 2026-11-28 17:30:00 UTC"), open(output, "w") as out:
        second = subprocess.Popen(
            portal.command(str(fake_site(tmp_path / "b", "bản B"))),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**portal.env, "DEPLOY_LOCK_WAIT": "60"},
        )
        wait_for(lambda: "Đang chờ" in output.read_text(encoding="utf-8"), "the waiting message")
        time.sleep(0.3)
        assert second.poll() is None and portal.live() == "bản A"  # still waiting, nothing touched
    assert second.wait(timeout=60) == 0
    text = output.read_text(encoding="utf-8")
    portal.assert_no_secret(text)
    assert "Đang chờ lần triển khai khác kết thúc (pid 4242 trên máy may-cron từ 2026-11-28 17:30:00 UTC)" in text
    assert portal.live() == "bản B"


def test_a_second_deploy_stops_with_a_message_when_the_wait_runs_out(portal: Portal, tmp_path: Path) -> None:
    assert portal.run(str(fake_site(tmp_path / "a", "bản A"))).returncode == 0
    before = portal.releases()
    with lock_held(portal, "pid 4242 trên máy may-cron từ 2026-11-28 17:30:00 UTC"):
        result = portal.run(str(fake_site(tmp_path / "b", "bản B")), DEPLOY_LOCK_WAIT="1")
        rollback = portal.run("--rollback", DEPLOY_LOCK_WAIT="0")  # a rollback takes the lock too
    assert result.returncode == 75
    assert "một lần triển khai khác đang giữ khóa của đích (pid 4242 trên máy may-cron" in result.stderr
    assert "đã chờ 1 giây. Không triển khai gì" in result.stderr
    assert rollback.returncode == 75 and "đã chờ 0 giây" in rollback.stderr
    assert portal.releases() == before and portal.live() == "bản A"


def test_a_failed_copy_removes_its_own_partial_and_no_one_elses(tmp_path: Path) -> None:
    portal = Portal(tmp_path, "local")
    assert portal.run(str(fake_site(tmp_path / "a", "bản A"))).returncode == 0
    other = portal.root / "releases" / "20261129T020000000000Z-0badc0de.partial"
    fake_site(other, "bản của lần triển khai khác, đang chép")
    broken = fake_site(tmp_path / "b", "bản B", files=20)
    (broken / "hong.html").symlink_to(tmp_path / "khong-co")  # copying it fails after the rest is copied
    result = portal.run(str(broken))
    assert result.returncode == 1 and "Lỗi triển khai" in result.stderr and "bản đang chạy giữ nguyên" in result.stderr
    assert portal.live() == "bản A"
    assert [p.name for p in (portal.root / "releases").glob("*.partial")] == [other.name]  # ours gone, theirs kept
    assert (other / "index.html").is_file()


# ---------------------------------------------------------------- killed and concurrent deploys


def test_a_killed_deploy_leaves_the_live_site_and_its_partial_is_cleaned_once_stale(
    portal: Portal, tmp_path: Path
) -> None:
    assert portal.run(str(fake_site(tmp_path / "a", "bản A"))).returncode == 0
    big = fake_site(tmp_path / "big", "bản lớn", files=6000)
    deploying = subprocess.Popen(
        portal.command(str(big)),
        env=portal.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # killed as a job is: the deploy with its ssh and rsync
    )

    def copying() -> bool:
        partials = list((portal.root / "releases").glob("*.partial"))
        return bool(partials) and len(os.listdir(partials[0])) > 200

    wait_for(copying, "the copy to start")
    os.killpg(deploying.pid, signal.SIGKILL)
    deploying.wait()
    (partial,) = (portal.root / "releases").glob("*.partial")
    assert count_files(partial) < count_files(big)  # killed mid-copy
    assert portal.live() == "bản A"

    # the lock died with the deploy; a partial that changed within the hour is not touched
    after = portal.run(str(fake_site(tmp_path / "c", "bản C")), DEPLOY_LOCK_WAIT="0")
    assert after.returncode == 0, after.stderr
    assert portal.live() == "bản C" and partial.is_dir()
    cleaned = portal.run(str(fake_site(tmp_path / "d", "bản D")), DEPLOY_STALE_MINUTES="0")
    assert cleaned.returncode == 0, cleaned.stderr
    assert f"Đã xoá bản dở dang do một lần triển khai bị dừng để lại: releases/{partial.name}" in cleaned.stdout
    assert not list((portal.root / "releases").glob("*.partial")) and portal.live() == "bản D"


def test_three_deploys_at_once_never_leave_the_live_link_on_an_incomplete_release(
    portal: Portal, tmp_path: Path
) -> None:
    sources = {f"bản {n}": fake_site(tmp_path / str(n), f"bản {n}", files=300 + 7 * n) for n in range(4)}
    sizes = {text: count_files(folder) for text, folder in sources.items()}
    assert portal.run(str(sources["bản 0"])).returncode == 0
    env = {**portal.env, "DEPLOY_KEEP": "5", "DEPLOY_LOCK_WAIT": "120"}
    outputs = [tmp_path / f"deploy-{n}.out" for n in (1, 2, 3)]
    polls, seen = 0, set()

    def check_live() -> None:
        nonlocal polls
        release = portal.root / "releases" / Path(os.readlink(portal.root / "current")).name
        text = (release / "index.html").read_text(encoding="utf-8")  # never missing
        assert count_files(release) == sizes[text], f"{release.name}: incomplete release is live"
        polls += 1
        seen.add(text)

    # All three start while the lock is taken, so they really overlap once it is free.
    with lock_held(portal, "pid 1 trên máy kiem-thu từ 2026-11-28 17:30:00 UTC"):
        deploys = []
        for n, output in zip((1, 2, 3), outputs, strict=True):
            with open(output, "w") as out:
                command = portal.command(str(sources[f"bản {n}"]))
                deploys.append(subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env))
        for output in outputs:
            wait_for(lambda o=output: "Đang chờ" in o.read_text(encoding="utf-8"), "all three to wait")
            check_live()
    while any(d.poll() is None for d in deploys):
        check_live()
    check_live()
    for deploy, output in zip(deploys, outputs, strict=True):
        text = output.read_text(encoding="utf-8")
        assert deploy.returncode == 0, text
        portal.assert_no_secret(text)
    assert polls > 20 and len(seen) >= 2
    releases = portal.releases()
    assert len(releases) == 4 and not [r for r in releases if r.endswith(".partial")]
    contents = set()
    for name in releases:
        text = (portal.root / "releases" / name / "index.html").read_text(encoding="utf-8")
        assert count_files(portal.root / "releases" / name) == sizes[text]
        contents.add(text)
    assert contents == set(sizes)
    assert (portal.root / "current").resolve().name == releases[-1]  # the last one to finish is live
    assert not list(portal.root.glob(".current-*"))


# ---------------------------------------------------------------- secrets


def test_messages_from_ssh_are_printed_without_the_targets_host_or_path(tmp_path: Path) -> None:
    portal = Portal(tmp_path, "remote")
    result = portal.run(str(fake_site(tmp_path / "a", "bản A")), FAKE_SSH_FAIL="1")
    assert result.returncode == 1
    assert "ssh: connect to host <máy đích> port 22: Connection refused" in result.stderr


def test_local_errors_are_printed_without_the_targets_path(tmp_path: Path) -> None:
    portal = Portal(tmp_path, "local")
    portal.root.write_text("không phải thư mục", encoding="utf-8")
    result = portal.run(str(fake_site(tmp_path / "a", "bản A")))
    assert result.returncode == 1 and "<DEPLOY_TARGET>" in result.stderr


@pytest.mark.parametrize(
    "target",
    [
        "-oProxyCommand=touch${IFS}/tmp/pwned@cong-thong-tin.example:/srv/cchc",
        "trienkhai@-oProxyCommand=x:/srv/cchc",
        "-rf",
        "  -rf",
        "/srv/cchc\nrm -rf /",
        "trienkhai@cong-thong-tin.example:/srv/cchc\x1b[2J",
    ],
)
def test_a_target_that_could_be_read_as_an_option_or_holds_control_characters_is_refused(
    tmp_path: Path, target: str
) -> None:
    portal = Portal(tmp_path, "remote")
    site = fake_site(tmp_path / "a", "bản A")
    for args in ([str(site)], ["--check"], ["--rollback"]):
        result = subprocess.run(
            portal.command(*args),
            capture_output=True,
            text=True,
            env={**portal.env, "DEPLOY_TARGET": target},
            cwd=tmp_path,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert "không triển khai gì" in result.stderr
        assert "DEPLOY_TARGET không được bắt đầu bằng dấu '-'" in result.stderr or "ký tự điều khiển" in result.stderr
    assert portal.remote_calls() == []  # neither ssh nor rsync was started
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "bin", "remote.log"]  # no folder "-rf"


def test_ssh_and_rsync_get_the_host_and_paths_after_a_double_dash(tmp_path: Path) -> None:
    portal = Portal(tmp_path, "remote")
    argv_log = tmp_path / "argv.log"
    for tool in ("ssh", "rsync"):  # record each call's arguments, then do what the fake does
        fake = tmp_path / "bin" / tool
        fake.rename(fake.with_name(f"{tool}-fake"))
        record = f'printf "%s\\037" {tool} "$@" >> {argv_log}\nprintf "\\036" >> {argv_log}'
        fake.write_text(f'#!/usr/bin/env bash\n{record}\nexec "$0-fake" "$@"\n')
        fake.chmod(0o755)
    assert portal.run(str(fake_site(tmp_path / "a", "bản A"))).returncode == 0
    records = argv_log.read_text(encoding="utf-8").split("\x1e")[:-1]
    calls = [record.split("\x1f")[:-1] for record in records]
    assert {call[0] for call in calls} == {"ssh", "rsync"}
    for call in calls:
        host_at = next(i for i, word in enumerate(call) if HOST in word)
        positional = call[call.index("--") + 1 :]
        assert host_at > call.index("--") and not any(word.startswith("-") for word in positional), call


# ---------------------------------------------------------------- publish


def publish(project: Path, portal: Portal, **env: str) -> subprocess.CompletedProcess[str]:
    """scripts/publish of `project` to `portal`, its test step skipped (this suite is that step)."""
    command = ["bash", str(project / "scripts" / "publish")]
    environ = {**portal.env, "PUBLISH_SKIP_TESTS": "1", **env}
    return subprocess.run(command, capture_output=True, text=True, env=environ, check=False)


def test_publish_deploys_nothing_when_the_data_is_broken(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    portal = Portal(tmp_path, "local")
    assert portal.run(str(fake_site(tmp_path / "a", "bản đang chạy"))).returncode == 0
    before = portal.releases()
    tasks = project / "data" / "plans" / "2024" / "tasks.yml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("field: 6", "field: 9", 1), encoding="utf-8")
    result = publish(project, portal)
    assert result.returncode != 0
    assert "tasks[13].field: lĩnh vực 9 không có trong bộ chỉ số năm 2024" in result.stdout + result.stderr
    assert portal.releases() == before
    assert portal.live() == "bản đang chạy"


def test_publish_deploys_a_good_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    portal = Portal(tmp_path, "local")
    result = publish(project, portal, NO_MKDOCS_2_WARNING="1")
    assert result.returncode == 0, result.stderr
    portal.assert_no_secret(result.stdout + result.stderr)
    plan = portal.root / "current" / "ke-hoach" / "2024" / "index.html"
    assert "Kế hoạch cải thiện" in plan.read_text(encoding="utf-8")


def test_publish_stops_on_a_bad_setting_before_building(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    portal = Portal(tmp_path, "remote")
    result = publish(project, portal, DEPLOY_KEEP="0")
    assert result.returncode == 2 and "DEPLOY_KEEP='0' không hợp lệ" in result.stderr
    assert "== build" not in result.stdout and portal.remote_calls() == []
    portal.assert_no_secret(result.stdout + result.stderr)


# ---------------------------------------------------------------- the workflow


def test_the_workflow_reads_only_and_pins_every_action_to_a_commit() -> None:
    workflow_text = (ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(workflow_text)
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert set(job.get("permissions", {}).values()) <= {"read", "none"}
    uses = re.findall(r"^\s*-?\s*uses:\s*(\S+)(.*)$", workflow_text, re.MULTILINE)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), f"{action}: not pinned to a commit"
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+\s*", comment), f"{action}: the release tag belongs in a comment"
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(s.get("with", {}).get("persist-credentials") is False for s in steps if "uses" in s)
