"""Generate a synthetic data folder for benchmarks: N years × M units × K tasks.

    python scripts/gen_data.py OUT_DIR --tasks 1000 --years 3 --units 12

Vietnamese text of realistic length, every unit leading and supporting tasks, a progress log
on most tasks, results for each year before a plan. Deterministic for a given seed, and
valid: the real schemas and checks accept it.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

from _core import DATA
from parsite.tools.yamlout import quote, schema_line

WORDS = (  # noqa: SIM905  (a sentence of vocabulary reads better than a list of 100 strings)
    "cải cách hành chính thủ tục công khai minh bạch giải quyết hồ sơ trực tuyến toàn trình "
    "dịch vụ công chuyển đổi số chính quyền điện tử số hóa dữ liệu kết nối chia sẻ phần mềm "
    "một cửa liên thông kiểm tra giám sát báo cáo định kỳ đánh giá tự chủ tài chính giải ngân "
    "vốn đầu tư công dự toán quyết toán ngân sách công chức viên chức bồi dưỡng kỹ năng đạo "
    "đức công vụ kỷ luật kỷ cương người dân doanh nghiệp hài lòng phản ánh kiến nghị tuyên "
    "truyền phổ biến văn bản quy phạm pháp luật rà soát sửa đổi bổ sung quy chế quy trình nội "
    "bộ lao động việc làm người có công bảo trợ xã hội trẻ em bình đẳng giới phòng chống tệ "
    "nạn "
).split()
KINDS = ["phong-chuyen-mon", "chi-cuc", "don-vi-su-nghiep"]
STATUSES = ["chua-trien-khai", "dang-thuc-hien", "hoan-thanh", "hoan-thanh", "tam-dung"]


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return (" ".join(words).capitalize() + ".").replace("  ", " ")


def write(path: Path, schema: str, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_line(path, schema) + "\n" + body, encoding="utf-8")


def generate(out: Path, *, tasks: int, years: int, units: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    first = 2024 - years + 1
    shutil.copy(DATA / "documents.yml", out / "documents.yml")
    methodology = (DATA / "methodology.yml").read_text(encoding="utf-8")
    (out / "methodology.yml").write_text(re.sub(r"from_year: \d+", f"from_year: {first - 1}", methodology), "utf-8")
    unit_ids = ["van-phong", "thanh-tra"] + [f"don-vi-{i:02d}" for i in range(1, units - 1)]
    lines = (DATA / "agency.yml").read_text(encoding="utf-8").split("units:")[0].splitlines()[1:]
    body = "\n".join(lines) + "\nunits:\n"
    for i, unit in enumerate(unit_ids):
        kind = {0: "van-phong", 1: "thanh-tra"}.get(i, KINDS[i % 3])
        body += f"  - id: {unit}\n    name: {quote(f'Đơn vị {i + 1} – ' + sentence(rng, 2, 5)[:-1])}\n"
        body += f"    short: {quote(f'ĐV{i + 1}')}\n    kind: {kind}\n"
    write(out / "agency.yml", "agency", body)
    maxima = {1: 15.5, 2: 14, 3: 17.5, 4: 10, 5: 12, 6: 11, 7: 20}
    for year in range(first - 1, 2024):
        points = {f: round(m - rng.choice([0, 0, 0.5, 1, 1.5, 2.25]), 2) for f, m in maxima.items()}
        fields = "".join(f"  {f}: {p}\n" for f, p in points.items())
        total = round(sum(points.values()), 2)
        rank = rng.randint(1, 22)
        write(
            out / "results" / f"{year}.yml",
            "result",
            f"year: {year}\nsource: qd-151-2024\ntotal: {total}\nrank: {rank}\nranked_count: 22\nfields:\n{fields}",
        )
    plan_text = (DATA / "plans" / "2024" / "plan.yml").read_text(encoding="utf-8").split("\n", 1)[1]
    per_plan = [tasks // years + (1 if i < tasks % years else 0) for i in range(years)]
    for year, count in zip(range(first, 2025), per_plan, strict=True):
        text = re.sub(r"(?m)^year: \d+", f"year: {year}", plan_text)
        text = re.sub(r"(?m)^  year: \d+", f"  year: {year}", text)
        text = re.sub(r"(?m)^(base_year|    overview): \d+", rf"\1: {year - 1}", text)
        text = re.sub(r"(?m)^short_title: .*", f"short_title: Kế hoạch cải thiện chỉ số CCHC năm {year}", text)
        write(out / "plans" / str(year) / "plan.yml", "plan", text)
        body = "tasks:\n"
        for n in range(1, count + 1):
            lead = rng.choice(unit_ids)
            support = rng.sample([u for u in unit_ids if u != lead], k=rng.randint(0, 3))
            month = rng.randint(1, 12)
            deadline = rng.choice(
                [
                    f"{rng.randint(1, 28):02d}/{month:02d}/{year}",
                    f"Quý {rng.choice(['I', 'II', 'III', 'IV'])}/{year}",
                    "Thường xuyên",
                ]
            )
            status = rng.choice(STATUSES)
            body += (
                f"  - id: NV{n:05d}\n    field: {rng.randint(1, 7)}\n"
                f"    problem: {quote(sentence(rng, 10, 25))}\n    task: {quote(sentence(rng, 12, 30))}\n"
                f"    lead: {lead}\n    support: [{', '.join(support)}]\n    deadline: {quote(deadline)}\n"
                f"    output: {quote(sentence(rng, 3, 8))}\n"
            )
            if status != "chua-trien-khai" and rng.random() < 0.8:
                # A state is a dated change: the first entry begins the task, the last one
                # finishes or pauses it (the form editors and the progress import write).
                days = sorted(
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(rng.randint(1, 3))
                )
                body += "    progress:\n"
                for index, day in enumerate(days):
                    body += f"      - date: {day}\n"
                    body += f"        text: {quote(sentence(rng, 8, 20))}\n"
                    if rng.random() < 0.3:
                        body += f"        note: {quote(sentence(rng, 6, 15))}\n"
                    last = index == len(days) - 1
                    if last and status != "dang-thuc-hien":
                        body += f"        status: {status}\n"
                    elif index == 0:
                        body += "        status: dang-thuc-hien\n"
        write(out / "plans" / str(year) / "tasks.yml", "tasks", "sample: true\n" + body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--units", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.out, tasks=args.tasks, years=args.years, units=args.units, seed=args.seed)
    print(f"Đã tạo dữ liệu: {args.tasks} nhiệm vụ, {args.years} năm, {args.units} đơn vị trong {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
