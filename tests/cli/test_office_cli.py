"""The office tools from the command line: sheet, export, what-if, replay, panel (in-process and as a process)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from api.cli import main
from api.settings import get_settings
from api.store import db
from api.store.access import CLI
from api.store.cases import create_case, patch_case
from api.store.registry import create_expert
from api.store.schemas import ExpertRecord
from rules import RULES_DIR
from tests.support.environment import fresh_environment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PATH = ROOT / "examples" / "QB-2024-007.case.json"
EXAMPLE = json.loads(EXAMPLE_PATH.read_text("utf-8"))


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A fresh SQLite store the commands use (KAOPING_DATA_DIR), migrated, holding the worked example."""
    monkeypatch.setenv("KAOPING_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    assert main(["db", "upgrade"]) == 0
    engine = db.make_engine(get_settings().effective_database_url)
    with db.new_session(engine) as session:
        create_case(session=session, data=copy.deepcopy(EXAMPLE), actor=CLI)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def test_sheet_template_then_import_writes_the_changed_scores(store, tmp_path, capsys):
    """Template → fill two cells → import: exit 0, the two changes listed."""
    sheet = tmp_path / "评分表.xlsx"
    assert main(["sheet", "template", "QB-2024-007", "-o", str(sheet)]) == 0
    assert "已生成评分表" in capsys.readouterr().err
    book = openpyxl.load_workbook(sheet)
    book["专家组"]["C13"] = "８９"
    book["财政所"]["D13"] = 91
    book.save(sheet)
    assert main(["sheet", "import", "QB-2024-007", str(sheet)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("已导入案件QB-2024-007的评分：2项有变化")
    assert out[1:] == ["  专家组!C13：88 → 89", "  财政所!D13：90 → 91"]


def test_sheet_import_of_bad_cells_or_a_hostile_file_exits_2_and_writes_nothing(store, tmp_path, capsys):
    """Each bad cell on stderr; garbage refused by the guard."""
    sheet = tmp_path / "s.xlsx"
    assert main(["sheet", "template", "QB-2024-007", "-o", str(sheet)]) == 0
    book = openpyxl.load_workbook(sheet)
    book["专家组"]["C13"] = 101
    book["专家组"]["D14"] = "九十"
    book.save(sheet)
    capsys.readouterr()
    assert main(["sheet", "import", "QB-2024-007", str(sheet)]) == 2
    err = capsys.readouterr().err
    assert "专家组!C13：101 超出0–100" in err
    assert "专家组!D14：“九十”不是分数" in err
    garbage = tmp_path / "g.xlsx"
    garbage.write_bytes(b"not a workbook")
    assert main(["sheet", "import", "QB-2024-007", str(garbage)]) == 2
    assert "不是有效的 Office 文档" in capsys.readouterr().err
    assert main(["sheet", "import", "NO-SUCH", str(sheet)]) == 2
    assert main(["sheet", "template", "QB-2024-007"]) == 2


def test_export_writes_the_register_without_formulas(store, tmp_path, capsys):
    """One case of 2024; the file's XML holds no <f>."""
    out = tmp_path / "2024年考评台账.xlsx"
    assert main(["export", "--year", "2024", "-o", str(out)]) == 0
    assert "（1件）" in capsys.readouterr().err
    archive = zipfile.ZipFile(out)
    assert not any(b"<f>" in archive.read(n) for n in archive.namelist())
    assert openpyxl.load_workbook(out)["考评台账"]["A2"].value == "QB-2024-007"


def test_what_if_prints_the_changes_and_the_next_grade(capsys):
    """No store needed; --json gives the data."""
    args = [
        "what-if",
        str(EXAMPLE_PATH),
        "--set",
        "draft.scores.project_unit=85",
        "--set",
        "plan.scores.expert_panel.E2=90",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "综合得分：88.76 → 88.36（-0.40）" in out
    assert "不可达" in out
    assert main([*args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["next_grade"]["next_grade"] == "优"


def test_what_if_bad_input_exits_2_with_the_error_object(capsys, tmp_path):
    """A bad value, a --set without '=', a file that is not JSON."""
    assert main(["what-if", str(EXAMPLE_PATH), "--set", "draft.scores.project_unit=101"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["errors"][0]["loc"] == ["set", "draft.scores.project_unit"]
    assert main(["what-if", str(EXAMPLE_PATH), "--set", "nothing"]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{", "utf-8")
    assert main(["what-if", str(bad)]) == 2
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["errors"][0]["type"] == "json_invalid"


def _candidate(tmp_path: Path, coefficient: str) -> Path:
    root = tmp_path / "candidate"
    shutil.copytree(RULES_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "rulesets"))
    path = root / "parameters/fees/grade_coefficients.yaml"
    path.write_text(path.read_text("utf-8").replace('良: "0.95"', f'良: "{coefficient}"'), "utf-8")
    return root


def test_replay_reports_per_case_and_in_total(store, tmp_path, capsys):
    """良 0.95 → 0.90: the example's fee drops by 4,000.00."""
    assert main(["replay", "--rules", str(_candidate(tmp_path, "0.90")), "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "共1件案件：1件结论有变化" in out
    assert "应付服务费合计：74400.00 → 70400.00（-4000.00）" in out
    assert "  服务费系数：0.95 → 0.90（-0.05）" in out
    assert main(["replay", "--rules", str(tmp_path / "candidate"), "--year", "2023", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["cases"] == 0


def test_replay_of_a_candidate_that_fails_the_checks_exits_2(store, tmp_path, capsys):
    """Every slip listed; nothing replayed; a folder that is no rules tree."""
    assert main(["replay", "--rules", str(_candidate(tmp_path, "0.9x"))]) == 2
    err = capsys.readouterr().err
    assert "候选规则数据未通过检查" in err
    assert "grade_coefficients.yaml" in err
    assert main(["replay", "--rules", str(tmp_path)]) == 2


def _register_experts(engine, *, domain: int, other: int) -> None:
    with db.new_session(engine) as session:
        for i in range(domain + other):
            record = ExpertRecord(
                id=f"R{i}", name=f"库内专家{i}", pool="municipal", domain_expert=i < domain, ties=[]
            )
            create_expert(session=session, record=record, actor=CLI)


def _drop_panel(engine) -> None:
    with db.new_session(engine) as session:
        patch = {
            "panel": None,
            "plan": {"scores": {"expert_panel": None}},
            "draft": {"scores": {"expert_panel": None}},
        }
        patch_case(session=session, case_id="QB-2024-007", patch=patch, if_match='"1"', actor=CLI)


def test_panel_draw_then_verify(store, capsys):
    """Draw from the registry, verify: exit 0; a panel changed afterwards does not verify (exit 1)."""
    _register_experts(store, domain=4, other=4)
    _drop_panel(store)
    assert main(["panel", "draw", "QB-2024-007", "--formed-on", "2024-04-10"]) == 0
    out = capsys.readouterr().out
    assert "个符合规则的5人专家组中等概率抽取" in out
    assert main(["panel", "verify", "QB-2024-007"]) == 0
    assert "复核一致" in capsys.readouterr().out
    with db.new_session(store) as session:
        patch_case(
            session=session,
            case_id="QB-2024-007",
            patch={"panel": {"members": [{"id": f"R{i}"} for i in range(5)]}},
            if_match="*",
            actor=CLI,
        )
    assert main(["panel", "verify", "QB-2024-007", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["differences"] == ["case_panel"]


def test_panel_draw_short_of_candidates_exits_2_naming_the_rule(store, capsys):
    """Two domain experts where three are needed."""
    _register_experts(store, domain=2, other=4)
    _drop_panel(store)
    assert main(["panel", "draw", "QB-2024-007"]) == 2
    assert "EXP-02要求至少3名领域专家，还差1名" in capsys.readouterr().err
    assert main(["panel", "verify", "QB-2024-007"]) == 2


def test_the_commands_run_as_real_processes(tmp_path):
    """`python -m api.cli what-if` and `sheet template` on an empty store (exit 2: no such case)."""
    env = fresh_environment("DATABASE_URL")
    env["KAOPING_DATA_DIR"] = str(tmp_path)

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    result = run("what-if", str(EXAMPLE_PATH), "--set", "draft.scores.finance_office=100")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("变化：")
    assert run("db", "upgrade").returncode == 0
    result = run("sheet", "template", "NOPE", "-o", str(tmp_path / "x.xlsx"))
    assert (result.returncode, result.stderr.strip()) == (2, "kaoping: 没有案件 NOPE")
    assert not (tmp_path / "x.xlsx").exists()
