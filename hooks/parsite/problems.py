"""Problems found in the data, kept as values so all of them can be reported at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one data file, with its position where known."""

    file: str
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0  # 1-based; 0 when unknown
    key_path: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}" if self.column else f":{self.line}"
        key = f" {self.key_path}:" if self.key_path else ""
        return f"{where}:{key} {self.message}"


# An error report fits on one screen; the rest are counted (fixing the first often fixes many).
SHOWN = 40


class DataError(Exception):
    """Raised when the data has problems; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        # One message per place: when two checks trip on the same value (the schema's
        # pattern and the date parser, say), the first one found is kept.
        first: dict[tuple[str, int, int, str], Problem] = {}
        for problem in problems:
            first.setdefault((problem.file, problem.line, problem.column, problem.key_path), problem)
        self.problems = sorted(first.values())
        count = len(self.problems)
        lines = [f"Dữ liệu có {count} lỗi, không xây dựng trang:", *(str(p) for p in self.problems[:SHOWN])]
        if count > SHOWN:
            lines.append(f"... và {count - SHOWN} lỗi khác (sửa các lỗi trên rồi chạy lại scripts/check để xem tiếp)")
        super().__init__("\n".join(lines))


def shorten(text: str, limit: int = 40) -> str:
    """Data text quoted in a message, cut short: a message fits on a line whatever was typed."""
    return text if len(text) <= limit else text[:limit] + "…"


def format_key_path(path: tuple[str | int, ...]) -> str:
    """Render ('tasks', 3, 'lead') as 'tasks[3].lead'; long keys and deep paths are cut short."""
    shown = path if len(path) <= 8 else (*path[:4], "…", *path[-3:])
    out = ""
    for part in shown:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{shorten(part)}" if out else shorten(part)
    return out
