"""Problems found in the data, kept as values so all of them can be reported at once.

Each problem carries a stable code beside its Vietnamese message (as frictionless's errors do):
the message may be reworded, the code stays, so the editors' guide lists the codes (CODES) and
the tests and scripts refer to them, not to the wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# code → what it means, for the editors' guide (docs/huong-dan.md lists them from here).
CODES = {
    # reading a file
    "missing-file": "thiếu một tệp dữ liệu bắt buộc",
    "not-a-data-file": "tệp là liên kết ra ngoài thư mục data/, hoặc không phải tệp thường",
    "unused-file": "tệp YAML không được trang sử dụng (tên hoặc vị trí không đúng quy ước)",
    "file-too-large": "tệp quá lớn",
    "encoding": "tệp không phải mã UTF-8",
    "empty-file": "tệp rỗng",
    "yaml-syntax": "lỗi cú pháp YAML (thụt lề, dấu hai chấm, dấu nháy)",
    "yaml-feature": "dùng tính năng YAML không được phép (neo, bí danh, khóa gộp, thẻ, lồng quá sâu)",
    "control-character": "có ký tự không in được",
    "not-a-number": "giá trị phải là số",
    # the schema
    "required": "thiếu khóa bắt buộc",
    "unknown-key": "tên khóa không hợp lệ hoặc không được dùng",
    "invalid-value": "giá trị không đúng kiểu, dạng hoặc giới hạn của lược đồ",
    # meaning
    "duplicate": "mã hoặc năm bị lặp",
    "unknown-reference": "nhắc tới văn bản, đơn vị, lĩnh vực hoặc kết quả không có trong dữ liệu",
    "date": "ngày hoặc thời hạn không đúng dạng hay không hợp lý",
    "order": "các mục phải xếp theo thứ tự",
    "mismatch": "hai giá trị phải khớp nhau mà không khớp (năm và tên tệp, tổng điểm, ngày hoàn thành)",
    "out-of-range": "điểm, thứ hạng hay thời hạn vượt giới hạn",
    "unit-history": "lịch sử đơn vị chưa đủ (đổi tên, sáp nhập, đơn vị tiếp nhận)",
    "unit-inactive": "đơn vị đã không còn vào ngày được nhắc tới",
    "draft-mark": "còn chỗ đánh dấu [[ ?]] chép từ kế hoạch cũ",
    "emblem": "tệp biểu trưng thiếu, quá lớn, sai định dạng hoặc chứa mã chạy được",
    "email-address": "địa chỉ thư điện tử trong danh bạ nhận thư nhắc không đúng dạng",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one data file, with its position where known, and its code (CODES)."""

    file: str
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0  # 1-based; 0 when unknown
    key_path: str = ""
    message: str = ""
    code: str = field(default="", kw_only=True)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"problem code {self.code!r} is not in parsite.problems.CODES")

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}" if self.column else f":{self.line}"
        key = f" {self.key_path}:" if self.key_path else ""
        return f"{where}:{key} {self.message} [{self.code}]"


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
