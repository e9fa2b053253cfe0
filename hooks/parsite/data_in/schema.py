"""JSON Schema validation of each data file, with Vietnamese messages and positions.

The schemas under `schemas/` are the declarative description of the data; editors'
YAML tooling uses the same files. A subschema may carry `x-message`: the message shown
when a value fails it, in words an editor understands.

Two validators read the same schemas: a compiled one (fastjsonschema) answers "valid or
not" quickly, which is all a correct file needs; only a file it rejects goes through
jsonschema, which lists every problem with its path for the messages. The code fastjsonschema
generates from a schema is kept like a `.pyc` (`parsite.compiled`, in `schemas/__pycache__`):
generating and compiling it again took about 0,2 s of every build on a slow machine.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema
from fastjsonschema.ref_resolver import RefResolver

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

from .. import compiled
from ..dates import deadline_forms
from ..problems import Problem, shorten
from .load import Source

# The patterns of the schemas' texts: ONE_LINE for names and titles (something besides
# spaces, no line break: Python's `$` alone would allow a final one), NOT_BLANK for prose.
ONE_LINE = "^[^\\n]*\\S[^\\n]*(?!\\n)$"
NOT_BLANK = "\\S"

_TYPE_NAMES = {
    "string": "chữ",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "true hoặc false",
    "array": "danh sách",
    "object": "nhóm khóa",
    "null": "null (chưa có số liệu)",
}


FORMAT = b"parsite-compiled-schema 1"
SCHEMAS = Path(str(resources.files("parsite").joinpath("schemas")))
SUFFIX = ".schema.json"


def schema_files() -> list[Path]:
    """The schemas' files, by name (the folder also holds their compiled validators)."""
    return sorted(SCHEMAS.glob(f"*{SUFFIX}"))


def _text(name: str) -> str:
    return (SCHEMAS / f"{name}{SUFFIX}").read_text("utf-8")


@cache
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema named `name` (e.g. 'tasks')."""
    return json.loads(_text(name))


@cache
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # only needed when a file has problems to list

    return Draft202012Validator(schema(name))


@cache
def _quick_validator(name: str) -> Any:
    """The compiled validator of a schema: its code kept from an earlier build, or generated."""
    store = compiled.CodeStore(compiled.folder_beside(SCHEMAS), "fastjsonschema", FORMAT)
    fields = (fastjsonschema.VERSION, hashlib.sha256(_text(name).encode("utf-8")).hexdigest())
    kept = store.load(name, fields)
    if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], str):
        function, code = kept
    else:  # as fastjsonschema.compile(schema, use_default=False) makes it, keeping its code
        function = RefResolver.from_schema(schema(name), handlers={}, store={}).get_scope_name()
        code = compile(fastjsonschema.compile_to_code(schema(name), use_default=False), f"<{name}>", "exec")
        store.save(name, fields, (function, code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # the code fastjsonschema generated from our own schema
    return namespace[function]


def compile_validators() -> None:
    """Compile every schema's validator, kept for the builds after (as `compileall` does)."""
    for path in schema_files():
        _quick_validator(path.name.removesuffix(SUFFIX))


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    for json_type, label in (("string", str), ("integer", int), ("number", float), ("array", list), ("object", dict)):
        if isinstance(value, label):
            return _TYPE_NAMES[json_type]
    return type(value).__name__


def _expected(error: ValidationError) -> list[str]:
    expected = error.validator_value
    return expected if isinstance(expected, list) else [expected]


def _problems(error: ValidationError, source: Source, year: int | None) -> list[Problem]:
    path = tuple(error.absolute_path)
    custom = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    if custom:  # examples in the plan's own year, not a year fixed in the schema
        custom = custom.replace("{deadline_forms}", deadline_forms(year))
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        properties = error.schema.get("properties", {})
        # A key kept only to refuse it with its own message (deprecated) is not suggested.
        allowed = sorted(k for k, v in properties.items() if not (isinstance(v, dict) and v.get("deprecated")))
        out = []
        for key in sorted(k for k in error.instance if k not in properties):
            guess = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (có phải '{guess[0]}'?)" if guess else ""
            out.append(
                source.problem(
                    (*path, key),
                    f"khóa '{shorten(key)}' không được hỗ trợ{hint}; các khóa hợp lệ: {', '.join(allowed)}",
                    code="unknown-key",
                    key=True,
                )
            )
        return out
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        # Each missing key is its own problem (path ends with the key; position is the mapping's);
        # a key with a fixed list of values says which.
        properties = error.schema.get("properties", {})
        return [
            source.problem((*path, k), f"thiếu khóa bắt buộc '{k}'{_choices(properties.get(k))}", code="required")
            for k in missing
        ]
    if kind == "propertyNames":
        key = error.instance
        message = custom or f"tên khóa '{shorten(key)}' không hợp lệ"
        return [source.problem((*path, key), message, code="unknown-key", key=True)]
    if kind == "maxLength":
        length, limit = (f"{n:,}".replace(",", ".") for n in (len(error.instance), error.validator_value))
        message = f"dài {length} ký tự, quá giới hạn {limit} ký tự"
    elif kind == "pattern" and error.validator_value in (ONE_LINE, NOT_BLANK) and error.instance.strip():
        message = "phải viết trên một dòng, không xuống dòng (khối | hoặc > cũng thêm dấu xuống dòng)"
    elif kind == "pattern" and error.validator_value in (ONE_LINE, NOT_BLANK):
        message = "không được để trống hoặc chỉ có dấu cách"
    elif kind == "type" and "string" in _expected(error) and isinstance(error.instance, (bool, int, float)):
        # Text typed without quotes that YAML reads as a number or true/false (0123 → 83, 12:30 → 750, yes → true).
        typed = source.typed.get(path, _describe(error.instance))
        read_as = "true/false" if isinstance(error.instance, bool) else "số"
        message = (
            f'phải là chữ, nhưng YAML đọc {typed} thành {read_as}: hãy đặt trong dấu nháy để giữ như đã viết: "{typed}"'
        )
    elif custom:
        message = custom
    elif kind == "type":
        names = " hoặc ".join(_TYPE_NAMES.get(t, t) for t in _expected(error))
        message = f"phải là {names}, không phải {_describe(error.instance)}"
    elif kind == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        message = f"giá trị '{shorten(str(error.instance))}' không hợp lệ; chọn một trong: {allowed}"
    elif kind == "minLength":
        message = "không được để trống"
    elif kind == "minItems":
        message = f"cần ít nhất {error.validator_value} mục"
    elif kind == "uniqueItems":
        message = "danh sách có mục bị lặp"
    elif kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        sign = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}[kind]
        message = f"giá trị {error.instance} không hợp lệ: phải {sign} {error.validator_value}"
    else:
        message = shorten(error.message, 200)
    return [source.problem(path, message, code="invalid-value")]


def _choices(schema: object) -> str:
    """'; chọn một trong: …' for a key whose schema lists its values, else nothing."""
    values = schema.get("enum") if isinstance(schema, dict) else None
    return f"; chọn một trong: {', '.join(map(str, values))}" if values else ""


def check(source: Source, schema_name: str, year: int | None = None) -> list[Problem]:
    """All schema problems of one loaded file; `year` (a plan's) is the year of the examples
    a message gives."""
    try:
        _quick_validator(schema_name)(source.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # list every problem, with positions, below
    problems: list[Problem] = []
    for error in _validator(schema_name).iter_errors(source.data):
        problems.extend(_problems(error, source, year))
    return problems
