"""Writing data files for editors: YAML text from templates, with comments and the schema line.

Strings are written as JSON strings, which are valid YAML double-quoted scalars, so no
editor text can break the file's structure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jinja2

from ..fmt import number

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def quote(value: object) -> str:
    """A YAML scalar for any value: strings quoted, None as null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


def schema_line(target: Path, schema: str) -> str:
    """The comment that lets VS Code (Red Hat YAML) complete and check the file."""
    relative = os.path.relpath(SCHEMAS / f"{schema}.schema.json", target.parent)
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}"


def render(template: str, **context: object) -> str:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("parsite", "templates/yaml"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # YAML output; values go through |q
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(q=quote, num=number)
    return env.get_template(template).render(**context)
