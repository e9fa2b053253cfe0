"""Bad data corpus: each small change to good data gives exactly the expected errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from helpers import GOLDEN
from parsite.problems import DataError
from parsite.site import load_site

HERE = Path(__file__).resolve().parent / "bad_data"
BASE = GOLDEN / "other-agency" / "data"
CASES = yaml.safe_load((HERE / "cases.yml").read_text(encoding="utf-8"))


def apply_case(case: dict, root: Path) -> Path:
    data = root / "data"
    shutil.copytree(BASE, data)
    target = data / case["file"]
    if case.get("remove"):
        target.unlink()
    elif "content" in case:
        target.parent.mkdir(parents=True, exist_ok=True)
        repeated = case.get("repeat", {"text": "", "times": 0})
        text = case["content"] + repeated["text"] * repeated["times"]
        target.write_text(text, encoding=case.get("encoding", "utf-8"))
    else:
        pairs = case["replace"] if isinstance(case["replace"][0], list) else [case["replace"]]
        text = target.read_text(encoding="utf-8")
        for old, new in pairs:
            assert text.count(old) == 1, f"case {case['name']}: {old!r} must occur once in {case['file']}"
            text = text.replace(old, new)
        target.write_text(text, encoding="utf-8")
    return data


def test_corpus_names_are_unique() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_data_gives_expected_errors(case: dict, tmp_path: Path, regen: bool) -> None:
    data = apply_case(case, tmp_path)
    with pytest.raises(DataError) as caught:
        load_site(data, tmp_path)
    message = str(caught.value) + "\n"
    expected = HERE / "expected" / f"{case['name']}.txt"
    if regen:
        expected.write_text(message, encoding="utf-8")
    assert message == expected.read_text(encoding="utf-8")
    assert len(message.splitlines()) <= 42  # one screen, however many problems
    # Every problem names the file it is in, so an editor knows where to look.
    for problem in caught.value.problems:
        assert problem.file.startswith("data/")
