"""Bad data corpus: each small change to good data gives exactly the expected errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import GOLDEN, ROOT
from parsite.outputs.guide import render_guide
from parsite.problems import CODES, DataError
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


def test_the_guide_names_each_error_by_the_code_the_check_gives() -> None:
    """Each row of the guide's table of common errors (code, words of the message) matches what
    the bad-data corpus's expected output says with those words."""
    guide = render_guide((ROOT / "docs" / "huong-dan.md").read_text(encoding="utf-8"), load_site(BASE))
    table = guide.split("## Các lỗi thường gặp", 1)[1]
    rows = re.findall(r"^\| `([a-z-]+)` \| `([^`]+)` \|", table, re.M)
    assert len(rows) > 20
    outputs = sorted((HERE / "expected").glob("*.txt"))
    expected = [line for path in outputs for line in path.read_text("utf-8").splitlines()]
    for code, words in rows:
        assert code in CODES, code
        said = [line for line in expected if words in line]
        if said:  # the corpus says these words somewhere: with this code
            assert all(line.endswith(f"[{code}]") for line in said), (code, words, said[:2])
    listed = re.findall(r"^\| `([a-z-]+)` \| [^`]", table, re.M)
    assert set(listed) == set(CODES)


def test_every_problem_the_core_makes_names_its_code() -> None:
    """A problem without a code fails when it is made (Problem.__post_init__); this finds the
    ones no case of the corpus makes."""
    import ast

    missing = []
    for path in sorted((ROOT / "hooks").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in ("Problem", "problem") and not any(k.arg in ("code", None) for k in node.keywords):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []
