"""The schemas' compiled validators kept like a .pyc (parsite.data_in.schema, parsite.compiled):
a kept validator accepts and rejects what a freshly generated one does; a damaged, stale or
foreign entry is never used; nothing is written where Python writes no bytecode."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import fastjsonschema
import pytest
from helpers import ROOT
from parsite import compiled
from parsite.data_in import schema
from parsite.data_in.load import load_file


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The validators kept in a folder of this test's, none compiled yet in this process."""
    monkeypatch.setattr(compiled, "folder_beside", lambda _: tmp_path)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    schema._quick_validator.cache_clear()
    yield tmp_path
    schema._quick_validator.cache_clear()


def _verdict(name: str, data: object) -> str:
    try:
        schema._quick_validator(name)(data)
        return "valid"
    except fastjsonschema.JsonSchemaException as error:
        return f"invalid: {error.message}"


def _cases() -> list[object]:
    tasks = load_file(ROOT / "data" / "plans" / "2024" / "tasks.yml", "data/plans/2024/tasks.yml")[0].data
    broken = json.loads(json.dumps(tasks))
    broken["tasks"][0]["deadline"] = 12
    missing = json.loads(json.dumps(tasks))
    del missing["tasks"][1]["lead"]
    return [tasks, broken, missing, {}, [], "text"]


def test_a_kept_validator_judges_as_a_generated_one(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = _cases()
    generated = [_verdict("tasks", case) for case in cases]
    assert generated[0] == "valid" and all(v.startswith("invalid") for v in generated[1:])
    assert (store / "tasks.fastjsonschema").is_file()
    schema._quick_validator.cache_clear()
    generate = fastjsonschema.compile_to_code
    calls: list[object] = []
    monkeypatch.setattr(fastjsonschema, "compile_to_code", lambda *a, **k: calls.append(a) or generate(*a, **k))
    assert [_verdict("tasks", case) for case in cases] == generated
    assert calls == []  # read back, not generated again


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign"])
def test_a_damaged_entry_is_generated_again_and_rewritten(store: Path, damage: str) -> None:
    expected = [_verdict("tasks", case) for case in _cases()]
    entry = store / "tasks.fastjsonschema"
    good = entry.read_bytes()
    bad = {
        "truncated": good[: len(good) // 2],
        "flipped": good[:-10] + bytes([good[-10] ^ 0xFF]) + good[-9:],
        "foreign": b"parsite-compiled-schema 1 0.0 cpython-00 " + good.split(b" ", 4)[-1],
    }[damage]
    entry.write_bytes(bad)
    schema._quick_validator.cache_clear()
    assert [_verdict("tasks", case) for case in _cases()] == expected
    assert entry.read_bytes() == good


def test_a_changed_schema_is_not_judged_by_its_old_code(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _verdict("tasks", {}).startswith("invalid")
    schema._quick_validator.cache_clear()
    original = schema._text
    monkeypatch.setattr(schema, "_text", lambda name: '{"type": "object"}' if name == "tasks" else original(name))
    monkeypatch.setattr(schema, "schema", lambda name: json.loads(schema._text(name)))
    assert _verdict("tasks", {}) == "valid"


def test_nothing_is_written_where_python_writes_no_bytecode(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert _verdict("tasks", _cases()[0]) == "valid"
    assert list(store.iterdir()) == []
