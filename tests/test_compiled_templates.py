"""Compiled templates kept beside the templates (parsite.outputs.compiled_templates): the pages
are the same bytes with none kept, with them just written and with them read back; a damaged,
stale or foreign entry is never used; a folder that cannot be written changes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import pytest
from helpers import ROOT
from parsite import compiled
from parsite.data_in.model import Site
from parsite.outputs import compiled_templates, render
from parsite.site import load_site

_ENVIRONMENT = render.environment  # the site's, before a test replaces it


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(ROOT / "data", ROOT)


class Compiles:
    """Counts the templates Jinja compiles from source."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []
        original = jinja2.Environment.compile

        def counted(env, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
            self.names.append(name)
            return original(env, source, name, filename, raw, defer_init)

        monkeypatch.setattr(jinja2.Environment, "compile", counted)


def _pages(site: Site, folder: Path | None, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every generated page, with the compiled templates in `folder` (None: none kept)."""

    def environment() -> jinja2.Environment:
        env = _ENVIRONMENT()
        env.bytecode_cache = (
            None if folder is None else compiled_templates.CompiledTemplates(folder, compiled_templates.settings(env))
        )
        return env

    with monkeypatch.context() as patch:
        patch.setattr(render, "environment", environment)
        return render.render_pages(site)


def test_pages_are_the_same_without_written_and_read_back(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    compiles = Compiles(monkeypatch)
    plain = _pages(site, None, monkeypatch)
    compiled_each_time = len(compiles.names)
    written = _pages(site, tmp_path, monkeypatch)
    assert len(compiles.names) == 2 * compiled_each_time
    entries = sorted(tmp_path.glob("*.jinja"))
    assert len(entries) == compiled_each_time  # one per template: pages, macros, charts
    read_back = _pages(site, tmp_path, monkeypatch)
    assert len(compiles.names) == 2 * compiled_each_time  # nothing compiled: all read back
    assert plain == written == read_back
    assert sorted(tmp_path.iterdir()) == entries  # no temporary file left


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit of the code flipped
        lambda data: data.replace(b"parsite-compiled-template 1", b"parsite-compiled-template 0"),
        lambda data: b"j2\x00\x01" + data,  # Jinja's own format, or anything else
    ],
    ids=["empty", "truncated", "flipped", "other-format", "foreign"],
)
def test_a_damaged_entry_is_compiled_again_and_rewritten(
    damage, site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    expected = _pages(site, tmp_path, monkeypatch)
    good = {entry: entry.read_bytes() for entry in tmp_path.glob("*.jinja")}
    for entry, data in good.items():
        entry.write_bytes(damage(data))
    compiles = Compiles(monkeypatch)
    assert _pages(site, tmp_path, monkeypatch) == expected
    assert len(compiles.names) == len(good)
    assert {entry: entry.read_bytes() for entry in tmp_path.glob("*.jinja")} == good


def test_a_changed_template_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.j2").write_text("một {{ x }}\n", encoding="utf-8")

    def rendered() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), keep_trailing_newline=True)
        env.bytecode_cache = compiled_templates.CompiledTemplates(tmp_path / "c", compiled_templates.settings(env))
        return env.get_template("t.j2").render(x=1)

    assert rendered() == rendered() == "một 1\n"
    (templates / "t.j2").write_text("hai {{ x }}\n", encoding="utf-8")
    assert rendered() == "hai 1\n"
    assert len(list((tmp_path / "c").glob("*.jinja"))) == 1  # the entry was replaced, not added


def test_environments_that_compile_differently_keep_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same template under another whitespace option, or with a filter now passed the
    context, is compiled to other code: it never gets the first environment's."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.j2").write_text("{% if x %}\n  a {{ x|f }}\n{% endif %}\n", encoding="utf-8")

    def rendered(trim: bool, filter) -> str:  # type: ignore[no-untyped-def]
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), trim_blocks=trim, lstrip_blocks=trim)
        env.filters["f"] = filter
        env.bytecode_cache = compiled_templates.CompiledTemplates(tmp_path / "c", compiled_templates.settings(env))
        return env.get_template("t.j2").render(x=1)

    plain = lambda value: f"<{value}>"  # noqa: E731
    with_context = jinja2.pass_context(lambda context, value: f"[{context['x']}{value}]")
    assert rendered(True, plain) == "  a <1>\n"
    assert rendered(False, plain) == "\n  a <1>\n"
    assert rendered(True, with_context) == "  a [11]\n"
    assert rendered(True, plain) == "  a <1>\n"
    assert len(list((tmp_path / "c").glob("*.jinja"))) == 3


def test_nothing_is_written_where_python_writes_no_bytecode(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert _pages(site, tmp_path / "c", monkeypatch) == _pages(site, None, monkeypatch)
    assert not (tmp_path / "c").exists()


def test_a_folder_that_cannot_be_written_changes_nothing(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert _pages(site, blocked / "c", monkeypatch) == _pages(site, None, monkeypatch)
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_the_site_keeps_them_where_python_keeps_its_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    templates = ROOT / "hooks" / "parsite" / "templates"
    env = render.environment()
    cache = env.bytecode_cache
    assert isinstance(cache, compiled_templates.CompiledTemplates)
    assert cache.folder == templates / "__pycache__"
    assert ROOT / "docs" not in cache.folder.parents
    monkeypatch.setattr(sys, "pycache_prefix", "/tmp/prefix")
    assert compiled.folder_beside(templates) == Path("/tmp/prefix", *templates.parts[1:])
