"""Write ``examples/cases.jsonl``: a year (2024) of the office's commissions, one case per line.

The cases are engine.testing's generated cases commissioned in 2024: those whose agency may be
commissioned, and one in eight of the others (the generator fails a check far more often than an office
sees), renumbered QB-2024-001 … in commission order and spread over the town's projects and budget
units. Run from the repository: ``.venv/bin/python scripts/make_examples.py``; the
same file comes out every time (tests/test_examples.py checks that the shipped one is it).
"""

# ruff: noqa: INP001 - scripts/ is a folder of scripts, not a package
from __future__ import annotations

import json
from pathlib import Path

from engine import evaluate
from engine.testing import cases

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "cases.jsonl"
YEAR = "2024"
POOL = 2000  # generated cases to choose from: about one in six is commissioned in the year
KEEP_INELIGIBLE = 8  # one in this many of the year's cases whose agency may not be commissioned
PROJECTS = [
    ("2024年七宝镇社区公共设施运维项目", "七宝镇社区管理办公室"),
    ("2024年七宝镇老旧小区综合改造项目", "七宝镇城市建设管理办公室"),
    ("2024年七宝镇河道综合整治养护项目", "七宝镇水务管理站"),
    ("2024年七宝镇为老服务综合体运营补贴", "七宝镇社区服务中心"),
    ("2024年七宝镇垃圾分类宣传与督导项目", "七宝镇城市运行管理中心"),
    ("2024年七宝古镇文旅活动专项经费", "七宝镇文化体育服务中心"),
    ("2024年七宝镇公共绿地养护项目", "七宝镇城市建设管理办公室"),
    ("2024年七宝镇就业援助与技能培训项目", "七宝镇社区事务受理服务中心"),
]


def examples() -> list[dict[str, object]]:
    """The year's cases, renumbered and spread over the projects."""
    year = [c for c in cases(POOL) if c["commission"]["commissioned_on"].startswith(YEAR)]
    ineligible = [c for c in year if evaluate(c)["eligibility"]["status"] == "ineligible"]
    dropped = {id(c) for i, c in enumerate(ineligible) if i % KEEP_INELIGIBLE}
    chosen = [c for c in year if id(c) not in dropped]
    chosen.sort(key=lambda c: (c["commission"]["commissioned_on"], c["case_id"]))
    for number, case in enumerate(chosen, start=1):
        case["case_id"] = f"QB-{YEAR}-{number:03d}"
        name, unit = PROJECTS[number % len(PROJECTS)]
        case["commission"]["project_name"], case["commission"]["project_unit"] = name, unit
    return chosen


def text() -> str:
    """The file's text: one JSON object per line."""
    return "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in examples())


if __name__ == "__main__":
    OUT.write_text(text(), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(examples())} cases")  # noqa: T201
