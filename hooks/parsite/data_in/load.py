"""YAML → plain Python values, keeping the line and column of every key and value.

Safe loading only. Beyond what PyYAML checks, this rejects what would otherwise be
silently lost, silently changed or dangerous downstream:

- duplicate keys (PyYAML keeps the last one), anchors and aliases (the "billion laughs"
  expansion), files that are not UTF-8;
- explicit YAML tags (`!!binary`, `!!python/...`, `!vn/custom`, `!!int abc`): data is plain
  text, numbers, true/false and null, nothing else;
- control characters in text (`"\x01"`, `"\0"`, bidirectional overrides): they cannot be
  printed, break the Excel and Word downloads, and Markdown uses two of them internally;
- numbers YAML 1.1 reads differently from how they were typed: `0123` (octal, 83),
  `12:30` (base 60, 750), `1_000`, `0x1F`; and `.nan` / `.inf`;
- nesting deeper than MAX_DEPTH levels (no data file needs more).

The text of every number and true/false is kept (`Source.typed`), so a message can say
how to write it as text ("hãy đặt trong dấu nháy: \"0123\""). Every string is normalised to
NFC so that text typed with a decomposing input method is still found by search.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..problems import Problem, format_key_path, shorten

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]

# Scalars kept as the text the editor typed rather than converted by YAML:
# dates are parsed by the validator so "2024-02-31" gets a clear message instead of
# a PyYAML traceback, and the schema sees plain strings.
_KEEP_AS_TEXT = {"tag:yaml.org,2002:timestamp"}
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_TYPED_TAGS = {*_NUMBER_TAGS, "tag:yaml.org,2002:bool"}

# Characters that are not text: C0 controls but tab and line feed, DEL, C1 controls, line and
# paragraph separators, bidirectional embeddings, overrides and isolates, non-characters and
# lone surrogates (from "\ud800" escapes).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")
# A number as people write it: no leading zero (octal in YAML 1.1), no ':' (base 60), no '_'.
_ODD_NUMBER = re.compile(r"[:_]|^[-+]?0[0-9xXoObB]")

# An explicit tag where a node starts, after its anchor if it has one.
_TAG = re.compile(r"(?:&[^\s,\[\]{}]+\s+)?(![^\s,\[\]{}]*)")

# Deepest nesting of lists and groups of keys accepted (plan sections nested five deep need 12).
MAX_DEPTH = 32


@dataclass
class Source:
    """One loaded data file: its value and where each part of it was written."""

    path: str  # as shown in messages, relative to the project root
    data: Any
    positions: dict[KeyPath, Position] = field(default_factory=dict)
    key_positions: dict[KeyPath, Position] = field(default_factory=dict)
    typed: dict[KeyPath, str] = field(default_factory=dict)  # numbers and true/false, as written

    def position(self, path: KeyPath, *, key: bool = False) -> Position:
        """Line and column of the value at `path` (or of its key), nearest known parent."""
        table = self.key_positions if key else self.positions
        while path:
            if path in table:
                return table[path]
            if not key and path in self.key_positions:
                return self.key_positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, path: KeyPath, message: str, *, code: str, key: bool = False) -> Problem:
        """A problem located at `path` in this file; `code` is one of parsite.problems.CODES."""
        line, column = self.position(path, key=key)
        return Problem(self.path, line, column, format_key_path(path), message, code=code)


def _control_message(text: str, match: re.Match[str]) -> str:
    before = text[: match.start()][-20:]
    where = f"sau '{shorten(before)}'" if before else "ở đầu"
    return (
        f"có ký tự điều khiển U+{ord(match[0]):04X} ({where}): ký tự này không in được (thường do dán từ "
        "phần mềm khác hoặc viết mã \\x.. trong dấu nháy kép); hãy xóa nó"
    )


class _Builder:
    """Turns a composed node tree into Python values, recording positions."""

    def __init__(self, source: Source, text: str) -> None:
        self.source = source
        self.text = text
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()
        self.alias_reported = False
        self.depth_reported = False
        # Cheap whole-file tests first: a tag needs a '!', a control character needs an escape
        # ('\\x01' in double quotes) or the raw character. Most files have neither.
        self.may_tag = "!" in text
        self.may_control = "\\" in text or _CONTROL.search(text) is not None

    def _tag(self, node: yaml.Node) -> str | None:
        """The explicit tag the node was written with (`!!binary x`, `&a !t x`, `!x`), if any."""
        if not self.may_tag:
            return None
        match = _TAG.match(self.text, node.start_mark.index)
        return match[1] if match else None

    def _refuse_tag(self, node: yaml.Node, tag: str, path: KeyPath) -> None:
        mark = node.start_mark
        message = (
            f"không dùng thẻ kiểu YAML ('{shorten(tag)}'): dữ liệu chỉ gồm chữ, số, true/false và null; "
            "nếu đây là chữ, hãy đặt cả giá trị trong dấu nháy"
        )
        where = (self.source.path, mark.line + 1, mark.column + 1, format_key_path(path))
        self.problems.append(Problem(*where, message, code="yaml-feature"))

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        if id(node) in self.seen:
            # One message per file: an alias bomb would otherwise give thousands.
            if not self.alias_reported:
                self.alias_reported = True
                # The composed node keeps only the anchor's position: point at the enclosing value.
                self.problems.append(
                    self.source.problem(
                        path, "không dùng neo và bí danh YAML (& và *): hãy viết đầy đủ giá trị", code="yaml-feature"
                    )
                )
            return None
        mark = node.start_mark
        self.source.positions[path] = (mark.line + 1, mark.column + 1)
        self.seen.add(id(node))
        if len(path) > MAX_DEPTH:
            if not self.depth_reported:  # one message per file, at the first place too deep
                self.depth_reported = True
                self.problems.append(
                    self.source.problem(
                        path,
                        f"dữ liệu lồng nhau quá sâu (quá {MAX_DEPTH} cấp): kiểm tra lại thụt lề",
                        code="yaml-feature",
                    )
                )
            return None
        tag = self._tag(node)
        if tag is not None:
            self._refuse_tag(node, tag, path)
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag in _KEEP_AS_TEXT:
            return unicodedata.normalize("NFC", node.value)
        if node.tag in _TYPED_TAGS:
            return self._typed(node, path)
        value = self.constructor.construct_object(node)
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", value)
            control = _CONTROL.search(value) if self.may_control else None
            if control:
                self.problems.append(
                    self.source.problem(path, _control_message(value, control), code="control-character")
                )
        return value

    def _typed(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        """A number or true/false, checked against the text it was read from."""
        typed = node.value
        value = self.constructor.construct_object(node)
        self.source.typed[path] = typed
        if node.tag in _NUMBER_TAGS and not math.isfinite(value):
            self.problems.append(
                self.source.problem(
                    path, f"'{typed}' không phải là số: ghi số, hoặc null nếu chưa có số liệu", code="not-a-number"
                )
            )
        elif node.tag in _NUMBER_TAGS and _ODD_NUMBER.search(typed):
            self.problems.append(
                self.source.problem(
                    path,
                    f"YAML đọc {typed} thành số {value}, khác với chữ đã viết: nếu đây là chữ (số văn bản, mã, giờ), "
                    f'hãy đặt trong dấu nháy: "{typed}"; nếu là số, hãy viết không có số 0 ở đầu, dấu : hoặc _',
                    code="not-a-number",
                )
            )
        return value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                message = f"dòng {line}: khóa phải là một chữ hoặc số đơn giản"
                self.problems.append(self.source.problem(path, message, code="yaml-feature"))
                continue
            key = unicodedata.normalize("NFC", str(key_node.value))
            key_path = (*path, key)
            kmark = key_node.start_mark
            self.source.key_positions[key_path] = (kmark.line + 1, kmark.column + 1)
            tag = self._tag(key_node)
            if tag is not None:
                self._refuse_tag(key_node, tag, key_path)
                continue
            control = _CONTROL.search(key) if self.may_control else None
            if control:
                self.problems.append(
                    self.source.problem(
                        key_path, "tên khóa " + _control_message(key, control), code="control-character", key=True
                    )
                )
                continue
            if key == "<<":
                self.problems.append(
                    self.source.problem(
                        key_path,
                        "không dùng khóa gộp YAML (<<): hãy viết đầy đủ các khóa",
                        code="yaml-feature",
                        key=True,
                    )
                )
                continue
            if key in result:
                self.problems.append(
                    Problem(
                        self.source.path,
                        kmark.line + 1,
                        kmark.column + 1,
                        format_key_path(key_path),
                        f"khóa '{shorten(key)}' bị lặp (đã có ở dòng {first_line[key]}); "
                        "mỗi khóa chỉ được viết một lần",
                        code="duplicate",
                    )
                )
                continue
            first_line[key] = kmark.line + 1
            result[key] = self.build(value_node, key_path)
        return result


def _decode(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = "tệp không phải mã UTF-8; hãy lưu lại tệp với bảng mã UTF-8"
        return None, [Problem(display, line, column, "", message, code="encoding")]
    return text.removeprefix("\ufeff"), []


# The YAML parser's problems (libyaml's words, then the pure-Python parser's) as an editor would
# say them; one not listed here is shown as the parser wrote it.
_SYNTAX_PROBLEMS = [
    (r"found unexpected end of stream", "tệp kết thúc khi một phần còn chưa đóng"),
    (
        r"did not find expected key|expected <block end>, but found .*",
        "thụt lề không khớp với các dòng phía trên, hoặc một dấu nháy chưa đóng",
    ),
    (r"(?:did not find )?expected ',' or '([\]}])'.*", "thiếu dấu ',' hoặc '{0}'"),
    (
        r"mapping values are not allowed (?:here|in this context)",
        "có dấu ': ' ở chỗ không được phép; một giá trị chứa ': ' phải đặt trong dấu nháy kép",
    ),
    (r"found a tab character .*|found character '\\t' .*", "có ký tự Tab; YAML chỉ cho phép thụt lề bằng dấu cách"),
    (
        r"found character '(.)' that cannot start any token",
        "ký tự '{0}' không được đứng đầu giá trị; hãy đặt giá trị trong dấu nháy kép",
    ),
    (r"could not find expected ':'", "thiếu dấu ':' sau tên khóa"),
    (r"found undefined alias.*", "dấu '*' đứng đầu giá trị; hãy đặt giá trị trong dấu nháy kép"),
    (
        r"found unknown escape character.*",
        "ký tự sau dấu '\\' trong chuỗi nháy kép không hợp lệ; viết '\\\\' cho một dấu gạch ngược",
    ),
]
# Where the part the parser was reading began, when that is another line.
_SYNTAX_CONTEXTS = [
    (r"while (?:scanning|parsing) an? (?:double-)?quoted scalar", "chuỗi trong dấu nháy mở ở dòng {0}"),
    (r"while parsing a flow sequence", "dấu '[' mở ở dòng {0}"),
    (r"while parsing a flow mapping", "dấu '{{' mở ở dòng {0}"),
    (r"while parsing a block mapping", "khối bắt đầu ở dòng {0}"),
]


# A value that opens a quote: `key: "…`, `- "…` or `- key: '…` (what follows is checked for the
# closing quote by _unclosed_quote).
_VALUE_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s"'#][^:#]*:\s+)?(["'])(.*)$""")


def _unclosed_quote(text: str, first: int, last: int) -> int | None:
    """The first line from `first` to `last` (1-based) whose value opens a quote and does not
    close it there. YAML lets a quoted value run on over several lines, so a forgotten closing
    quote shows only lines later, where the parser stops: this names the line to look at."""
    rows = text.splitlines()
    for number in range(max(first, 1), min(last, len(rows)) + 1):
        found = _VALUE_QUOTE.match(rows[number - 1])
        if not found:
            continue
        quote, rest = found.groups()
        rest = re.sub(r"\\.", "", rest) if quote == '"' else rest.replace("''", "")
        if quote not in rest:
            return number
    return None


def _syntax_problem(exc: yaml.YAMLError, display: str, text: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    detail = getattr(exc, "problem", None) or str(exc)
    if detail == "found character that cannot start any token":  # libyaml does not say which
        rows = text.splitlines()
        row = rows[line - 1] if 0 < line <= len(rows) else ""
        char = row[column - 1] if 0 < column <= len(row) else "?"
        detail = f"found character {char!r} that cannot start any token"
    context = getattr(exc, "context", None) or ""
    start = getattr(exc, "context_mark", None)
    for pattern, words in _SYNTAX_PROBLEMS:
        found = re.fullmatch(pattern, detail)
        if found:
            message = f"lỗi cú pháp YAML: {words.format(*found.groups())}"
            break
    else:
        message = f"lỗi cú pháp YAML: {detail}" + (f" ({context})" if context else "")
    opened = None
    if re.fullmatch(_SYNTAX_PROBLEMS[1][0], detail):
        opened = _unclosed_quote(text, start.line + 1 if start is not None else 1, line)
    if opened is not None and opened != line:
        message += f" (dấu nháy mở ở dòng {opened} chưa được đóng trên dòng đó)"
    elif start is not None and start.line + 1 != line:
        for pattern, words in _SYNTAX_CONTEXTS:
            if re.fullmatch(pattern, context):
                message += f" ({words.format(start.line + 1)})"
                break
    return Problem(display, line, column, "", message, code="yaml-syntax")


def load_text(text: str, display: str) -> tuple[Source, list[Problem]]:
    """Parse YAML text; return the source and the problems found while reading it."""
    source = Source(display, None)
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return source, [Problem(display, 1, 1, "", "tệp rỗng: không có dữ liệu", code="empty-file")]
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:
        return source, [_syntax_problem(exc, display, text)]
    builder = _Builder(source, text)
    source.data = builder.build(node, ()) if node is not None else None
    return source, builder.problems


# Far above any real plan (10,000 tasks take about 5 MB); a larger file is a mistake or an attack.
MAX_BYTES = 20 * 1024 * 1024


def load_file(path: Path, display: str) -> tuple[Source, list[Problem]]:
    """Read and parse one YAML file."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        message = f"tệp quá lớn ({size / 1024 / 1024:.0f} MB, tối đa {MAX_BYTES // 1024 // 1024} MB): không đọc"
        return Source(display, None), [Problem(display, 0, 0, "", message, code="file-too-large")]
    text, problems = _decode(path.read_bytes(), display)
    if text is None:
        return Source(display, None), problems
    return load_text(text, display)
