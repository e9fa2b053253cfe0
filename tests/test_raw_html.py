"""The generated pages' task tables reach the HTML without being parsed again (hooks/raw_html.py),
and the HTML is what Python-Markdown makes when it parses them: every generated page is converted
both ways, with the site's Markdown settings and MkDocs's own id collector, on the real data,
generated data and hostile text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import markdown
import pytest
import raw_html
import yaml
from helpers import GOLDEN, ROOT, generate_data
from mkdocs.structure.pages import _RawHTMLPreprocessor
from parsite.outputs import render
from parsite.site import load_site
from test_hardening import _poison


def _settings() -> tuple[list[str], dict]:
    """The markdown_extensions of mkdocs.yml, as MkDocs passes them to Python-Markdown."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names, configs = [], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        if options:
            configs[name] = options
    return names, configs


def _convert(text: str, active: bool) -> tuple[str, int]:
    names, configs = _settings()
    tables = raw_html.RawTables()
    tables.active = active
    md = markdown.Markdown(extensions=[*names, tables], extension_configs=configs)
    _RawHTMLPreprocessor()._register(md)  # as Page.render does
    return md.convert(text), tables.stored


def _hostile_data(folder: Path) -> Path:
    source = GOLDEN / "other-agency" / "data"
    for path in source.rglob("*.yml"):
        target = folder / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name != "methodology.yml":
            data = _poison(data, "")
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for path in source.rglob("*"):
        if path.is_file() and path.suffix != ".yml":
            target = folder / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return folder


@pytest.mark.parametrize("data", ["seed", "generated", "hostile"])
def test_task_tables_come_out_as_python_markdown_writes_them(data: str, tmp_path: Path) -> None:
    folder = {
        "seed": lambda: ROOT / "data",
        "generated": lambda: generate_data(tmp_path / "data", tasks=300),
        "hostile": lambda: _hostile_data(tmp_path / "data"),
    }[data]()
    site = load_site(folder, folder.parent, today=date(2025, 6, 30))
    tables = stored = 0
    for path, text in render.rendered_pages(site):
        parsed, none = _convert(text, active=False)
        passed, count = _convert(text, active=True)
        assert none == 0
        assert passed == parsed, path
        tables += text.split("\n").count(render.TASK_TABLE[0])
        stored += count
    assert tables > 0
    assert stored == tables  # every task table was passed on, none parsed


ROWS = '<tr><td class="tasks__id" data-label="Mã">NV01</td></tr>'


@pytest.mark.parametrize(
    "table",
    [
        f"{render.TASK_TABLE[0]}\n{ROWS}\n",  # never closed
        f"{render.TASK_TABLE[0]}\n{ROWS}\n</table>\nText right after.",
        f'{render.TASK_TABLE[0]}\n<tr><td id="x">NV01</td></tr>\n</table>\n',
        f'{render.TASK_TABLE[0]}\n<tr><td><a name="x">NV01</a></td></tr>\n</table>\n',
        f"{render.TASK_TABLE[0]}\n<tr><td>\n<table><tr><td>in</td></tr>\n</table>\n</td></tr>\n</table>\n",
        f"Text right before.\n{render.TASK_TABLE[0]}\n{ROWS}\n</table>\n",
    ],
    ids=["unclosed", "text-after", "id", "anchor-name", "nested", "text-before"],
)
def test_a_table_unlike_the_templates_is_parsed(table: str) -> None:
    text = f"# Trang\n\n{table}\nĐoạn sau.\n"
    parsed, _ = _convert(text, active=False)
    passed, stored = _convert(text, active=True)
    assert stored == 0
    assert passed == parsed


def test_a_page_written_by_hand_is_parsed() -> None:
    """The adapter passes tables on only while MkDocs converts a generated page."""
    text = f"# Trang\n\n{render.TASK_TABLE[0]}\n{ROWS}\n</table>\n"
    assert _convert(text, active=False)[1] == 0
    assert _convert(text, active=True)[1] == 1
    assert _convert(text, active=True)[0] == _convert(text, active=False)[0]
