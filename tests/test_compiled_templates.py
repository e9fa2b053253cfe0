"""The templates' compiled code kept like Python's bytecode (render.CompiledTemplates, Jinja's
FileSystemBytecodeCache): a second build reads it instead of compiling and gets the same pages; a
changed template, a damaged entry or other settings are compiled again; nothing is written where
Python writes no bytecode, and a folder that cannot be written changes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import pytest
from helpers import ROOT
from jinja2.bccache import bc_magic
from parsite.data_in.model import Site
from parsite.outputs import render
from parsite.site import load_site

_ENVIRONMENT = render.environment  # the site's, before a test replaces it


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(ROOT / "data", ROOT)


@pytest.fixture(autouse=True)
def writes_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # this machine may set it


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source from now on."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counted(env, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        names.append(name)
        return original(env, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def _pages(site: Site, folder: Path | None, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every generated page, with the compiled templates kept in `folder` (None: not kept)."""

    def environment() -> jinja2.Environment:
        env = _ENVIRONMENT()
        if folder is None:
            env.bytecode_cache = None
        else:
            env.bytecode_cache.directory = str(folder)
        return env

    with monkeypatch.context() as patch:
        patch.setattr(render, "environment", environment)
        return render.render_pages(site)


def _template(tmp_path: Path, text: str, **options: bool) -> jinja2.Environment:
    """An environment for one template `t.j2` holding `text`, its compiled code kept in tmp_path/c."""
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "t.j2").write_text(text, encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), keep_trailing_newline=True, **options)
    env.filters["f"] = lambda value: f"<{value}>"
    env.bytecode_cache = render.CompiledTemplates(env)
    env.bytecode_cache.directory = str(tmp_path / "c")
    return env


def test_a_second_build_reads_the_compiled_templates(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiles = _compiles(monkeypatch)
    plain = _pages(site, None, monkeypatch)
    templates = len(compiles)
    assert _pages(site, tmp_path / "c", monkeypatch) == plain
    assert len(list((tmp_path / "c").iterdir())) == templates  # one file per template
    assert _pages(site, tmp_path / "c", monkeypatch) == plain
    assert len(compiles) == 2 * templates  # the third build compiled nothing


def test_a_changed_template_is_compiled_again(tmp_path: Path) -> None:
    assert _template(tmp_path, "một {{ x|f }}\n").get_template("t.j2").render(x=1) == "một <1>\n"
    assert _template(tmp_path, "hai {{ x|f }}\n").get_template("t.j2").render(x=1) == "hai <1>\n"
    assert len(list((tmp_path / "c").iterdir())) == 1  # the entry was replaced


def test_other_settings_are_compiled_again(tmp_path: Path) -> None:
    """The same template under another whitespace option, or with a filter now passed the
    context, compiles to other code: it never gets the code compiled for the first."""
    text = "{% if x %}\n  a {{ x|f }}\n{% endif %}\n"
    assert _template(tmp_path, text, trim_blocks=True).get_template("t.j2").render(x=1) == "  a <1>\n"
    assert _template(tmp_path, text).get_template("t.j2").render(x=1) == "\n  a <1>\n\n"
    env = _template(tmp_path, text, trim_blocks=True)
    env.filters["f"] = jinja2.pass_context(lambda context, value: f"[{context['x']}{value}]")
    env.bytecode_cache = render.CompiledTemplates(env)
    env.bytecode_cache.directory = str(tmp_path / "c")
    assert env.get_template("t.j2").render(x=1) == "  a [11]\n"


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[:2],  # inside Jinja's header
        lambda data: data[: len(bc_magic) + 3],  # inside the template's checksum
        lambda data: data[: len(data) // 2],  # inside the code
        lambda data: bc_magic + bytes(range(256)),
    ],
    ids=["empty", "header", "checksum", "code", "garbage"],
)
def test_a_damaged_entry_is_compiled_again(damage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _template(tmp_path, "một {{ x }}\n").get_template("t.j2")
    (entry,) = (tmp_path / "c").iterdir()
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert _template(tmp_path, "một {{ x }}\n").get_template("t.j2").render(x=1) == "một 1\n"
    assert entry.read_bytes() == good  # and written again


def test_nothing_is_written_where_python_writes_no_bytecode(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert _pages(site, tmp_path / "c", monkeypatch) == _pages(site, None, monkeypatch)
    assert not (tmp_path / "c").exists()


def test_a_folder_that_cannot_be_written_changes_nothing(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert _pages(site, blocked / "c", monkeypatch) == _pages(site, None, monkeypatch)
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_the_site_keeps_them_where_python_keeps_its_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    templates = ROOT / "hooks" / "parsite" / "templates"
    assert Path(render.environment().bytecode_cache.directory) == templates / "__pycache__"
    monkeypatch.setattr(sys, "pycache_prefix", "/tmp/prefix")
    assert Path(render.environment().bytecode_cache.directory) == Path("/tmp/prefix", *templates.parts[1:])
