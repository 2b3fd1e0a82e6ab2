"""Tamper-evident records: the hash chain over decisions and audit entries, `kaoping db verify`, imports
checked before anything is written (and exports from before the chain), the migration that seals what is
stored; document numbers unique per office and year, document dates in range."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from alembic import command
from sqlalchemy import text

from api.cli import db as db_command
from api.store import chain, db
from api.store.decisions import office_today
from rules.messages import message
from tests.api.conftest import V1, create_case, document_number, example, fresh_database, unique
from tests.api.test_backup import assert_nothing_written, export_to, import_from, populate


def verify(url):
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return chain.verify(conn)
    finally:
        engine.dispose()


def tamper(url, *statements):
    """Run SQL on a database with its append-only triggers off (what someone with the file could do)."""
    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            for table in ("decisions", "audit"):
                if postgres:
                    conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
                else:
                    conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
                    conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def populated_store(client, tokens):
    """The store of the backup tests: registries, cases, decisions before and after a template upload."""
    return populate(client, tokens)


@pytest.fixture
def empty(request, migrated, tmp_path):
    """A fresh, empty database of the module's kind."""
    kind = "postgresql" if migrated.startswith("postgresql") else "sqlite"
    with fresh_database(request, kind, tmp_path / "empty") as url:
        yield url


@pytest.fixture
def copy(empty, migrated, populated_store, tmp_path):
    """A fresh database of the module's kind holding an import of the populated store."""
    export_to(migrated, tmp_path / "store.jsonl")
    assert import_from(empty, tmp_path / "store.jsonl") == 0
    return empty


def test_a_working_store_is_one_intact_chain(migrated, populated_store, capsys):
    """Every decision and audit entry is a link, numbered 1..n in commit order; db verify says intact."""
    report = verify(migrated)
    assert report.broken is None
    assert report.decisions == 5
    engine = db.make_engine(migrated)
    try:
        with engine.connect() as conn:
            seqs = sorted(
                [s for (s,) in conn.execute(text("SELECT chain_seq FROM decisions"))]
                + [s for (s,) in conn.execute(text("SELECT chain_seq FROM audit"))]
            )
            assert seqs == list(range(1, len(seqs) + 1))
        assert db_command.verify(engine) == 0
    finally:
        engine.dispose()
    assert "哈希链完整" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (
            "UPDATE decisions SET grade = '优' WHERE id = (SELECT MIN(id) FROM decisions)",
            "records.record_changed",
        ),
        (
            "UPDATE decisions SET document_date = '1900-01-01' WHERE id = (SELECT MIN(id) FROM decisions)",
            "records.record_changed",
        ),
        (
            "UPDATE decisions SET output_hash = input_hash WHERE id = (SELECT MIN(id) FROM decisions)",
            "records.content_changed",
        ),
        ("UPDATE audit SET actor = 'someone' WHERE id = 3", "records.record_changed"),
        ("DELETE FROM audit WHERE id = 3", "records.link_missing"),
        ("DELETE FROM audit WHERE id = (SELECT MAX(id) FROM audit)", "records.tail_missing"),
    ],
)
def test_verify_names_the_first_broken_link(copy, change, key, capsys):
    """Changed, deleted or truncated records break the chain there; db verify names it and exits 1."""
    assert verify(copy).broken is None
    tamper(copy, change)
    broken = verify(copy).broken
    assert broken is not None
    assert broken.key == key
    engine = db.make_engine(copy)
    try:
        assert db_command.verify(engine) == 1
    finally:
        engine.dispose()
    assert message("records.chain_broken", "zh", problem=broken.text()) in capsys.readouterr().err


def test_an_edited_decision_document_is_named(copy):
    """The decision's JSON changed (its grade), its hash not: the decision is named."""
    engine = db.make_engine(copy)
    try:
        with engine.connect() as conn:
            case_id, number, body = conn.execute(
                text("SELECT case_id, number, decision FROM decisions ORDER BY id LIMIT 1")
            ).one()
    finally:
        engine.dispose()
    decision = body if isinstance(body, dict) else json.loads(body)
    decision["assessment"]["grade"] = "优"
    literal = json.dumps(decision, ensure_ascii=False).replace("'", "''")
    tamper(
        copy, f"UPDATE decisions SET decision = '{literal}' WHERE case_id = '{case_id}' AND number = {number}"
    )
    broken = verify(copy).broken
    assert broken is not None
    assert broken.key == "records.content_changed"
    assert broken.values["record"] == f"{case_id}#{number}"


# ---------------------------------------------------------------- importing an export


def edited(lines, table, change):
    """The export's lines with the first row of ``table`` changed by ``change(row)``."""
    out, done = [], False
    for line in lines:
        item = json.loads(line)
        if not done and item.get("table") == table:
            change(item["row"])
            out.append(json.dumps(item, ensure_ascii=False) + "\n")
            done = True
        else:
            out.append(line)
    return out


def regrade(row):
    row["grade"] = "优"
    row["decision"]["assessment"]["grade"] = "优"


def without_audit(lines, count):
    """The export without ``count`` audit lines from the middle, its end line's counts fixed."""
    audit = [i for i, line in enumerate(lines) if json.loads(line).get("table") == "audit"]
    drop = set(audit[len(audit) // 2 : len(audit) // 2 + count])
    kept = [line for i, line in enumerate(lines) if i not in drop]
    trailer = json.loads(kept[-1])
    trailer["counts"]["audit"] -= count
    return [*kept[:-1], json.dumps(trailer) + "\n"]


@pytest.mark.parametrize("variant", ["regraded", "audit deleted"])
def test_import_refuses_a_tampered_export_before_writing(
    migrated, populated_store, empty, tmp_path, capsys, variant
):
    """A regraded decision, deleted audit lines: exit 2 naming the record (and its line), nothing written."""
    lines = export_to(migrated, tmp_path / "store.jsonl").splitlines(keepends=True)
    changed = edited(lines, "decisions", regrade) if variant == "regraded" else without_audit(lines, 2)
    path = tmp_path / "tampered.jsonl"
    path.write_text("".join(changed), "utf-8")
    assert import_from(empty, path) == 2
    err = capsys.readouterr().err
    assert "导出文件未通过校验，未导入任何内容" in err
    assert "行）" in err  # the line of the record named
    assert_nothing_written(empty, variant)


def legacy(lines):
    """The export as kaoping wrote it before the chain: schema 0004, no chain or document-index columns."""
    new = {"chain_seq", "chain_prev", "chain_hash", "document_office", "document_year"}
    out = []
    for line in lines:
        item = json.loads(line)
        if "kaoping_export" in item:
            item["schema"] = "0004"
        elif "row" in item:
            item["row"] = {k: v for k, v in item["row"].items() if k not in new}
        out.append(json.dumps(item, ensure_ascii=False) + "\n")
    return out


def test_an_export_from_before_the_chain_is_checked_and_chained(migrated, populated_store, empty, tmp_path):
    """Its decisions' hashes are checked; its records are chained at the import, in the order written."""
    lines = legacy(export_to(migrated, tmp_path / "store.jsonl").splitlines(keepends=True))
    (tmp_path / "old.jsonl").write_text("".join(lines), "utf-8")
    assert import_from(empty, tmp_path / "old.jsonl") == 0
    report = verify(empty)
    assert report.broken is None
    assert report.decisions == 5


def test_an_old_export_s_labels_become_codes_and_free_text_codes_are_named(
    migrated, populated_store, empty, tmp_path, capsys
):
    """Cases written before closed code lists: a label is stored as its code, an unknown code as it was."""
    lines = legacy(export_to(migrated, tmp_path / "store.jsonl").splitlines(keepends=True))
    cases = [i for i, line in enumerate(lines) if json.loads(line).get("table") == "cases"]
    ids = []
    for at, word in zip(cases, ("工作质量与服务费挂钩", "自拟条款"), strict=False):
        item = json.loads(lines[at])
        item["row"]["body"]["commission"]["contract_clauses"][-1] = word
        ids.append(item["row"]["case_id"])
        lines[at] = json.dumps(item, ensure_ascii=False) + "\n"
    (tmp_path / "old.jsonl").write_text("".join(lines), "utf-8")
    assert import_from(empty, tmp_path / "old.jsonl") == 0
    err = capsys.readouterr().err
    assert f"个案件已按现行代码表改写（标签或同义词改为代码，全角数字改为半角）：{ids[0]}" in err
    assert f"案件 {ids[1]} 不符合现行代码表，已原样导入，请用 PATCH 修改：" in err
    assert "合同条款" in err  # the field named by its label
    engine = db.make_engine(empty)
    try:
        with engine.connect() as conn:
            bodies = dict(conn.execute(text("SELECT case_id, body FROM cases")).all())
    finally:
        engine.dispose()
    clauses = {
        case_id: (body if isinstance(body, dict) else json.loads(body))["commission"]["contract_clauses"][-1]
        for case_id, body in bodies.items()
    }
    assert (clauses[ids[0]], clauses[ids[1]]) == ("quality_fee_linkage", "自拟条款")
    assert verify(empty).broken is None


def test_an_edited_export_from_before_the_chain_is_refused(
    migrated, populated_store, empty, tmp_path, capsys
):
    lines = legacy(export_to(migrated, tmp_path / "store.jsonl").splitlines(keepends=True))
    (tmp_path / "bad.jsonl").write_text("".join(edited(lines, "decisions", regrade)), "utf-8")
    assert import_from(empty, tmp_path / "bad.jsonl") == 2
    assert "与其记录的哈希不符" in capsys.readouterr().err
    assert_nothing_written(empty)


def test_the_migration_seals_what_was_stored_before_it(copy):
    """Down to the schema before the chain, a decision issued twice under one number added, then up
    again: every record is chained, the first holder keeps the number, the second is left unindexed."""
    engine = db.make_engine(copy)
    try:
        config = db.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
        assert db.current_revision(engine) == "0004"
        columns = (
            "case_id, rule_version, rule_hash, input_hash, output_hash, input, decision, office, "
            "document_number, document_date, complete, composite, grade, actor, created_at, templates"
        )
        with engine.begin() as conn:
            conn.execute(
                text(
                    f"INSERT INTO decisions (number, {columns}) SELECT 99, {columns} FROM decisions "
                    "WHERE id = (SELECT MIN(id) FROM decisions)"
                )
            )
        assert db.upgrade(engine) == db.head_revision()
        with engine.connect() as conn:
            first, copied = conn.execute(
                text(
                    "SELECT document_office FROM decisions WHERE document_number = "
                    "(SELECT document_number FROM decisions WHERE number = 99) ORDER BY id"
                )
            ).all()
    finally:
        engine.dispose()
    assert first[0] is not None
    assert copied[0] is None
    report = verify(copy)
    assert report.broken is None
    assert report.decisions == 6


# ---------------------------------------------------------------- document numbers and dates


def test_a_document_number_is_issued_once_per_office_and_year(client, office):
    """Another case, the same number and year: 409 naming the holder; another year: fine."""
    number = document_number()
    first, second = unique("DN"), unique("DN")
    for case_id in (first, second):
        create_case(client, office, example(case_id))
    body = {"document_number": number, "document_date": "2024-07-01"}
    assert client.post(f"{V1}/cases/{first}/decisions", json=body, headers=office).status_code == 201
    taken = client.post(f"{V1}/cases/{second}/decisions", json=body, headers=office)
    assert taken.status_code == 409
    assert f"七财评〔2024〕{number}号" in taken.json()["detail"]
    assert f"{first}#1" in taken.json()["detail"]
    again = client.post(f"{V1}/cases/{first}/decisions", json=body, headers=office)
    assert again.status_code == 409  # the same case's next decision gets its own number
    next_year = {"document_number": number, "document_date": "2025-01-02"}
    assert client.post(f"{V1}/cases/{second}/decisions", json=next_year, headers=office).status_code == 201


def test_a_document_date_before_the_commission_or_a_year_ahead_is_bad_input(client, office):
    case_id = unique("DD")
    create_case(client, office, example(case_id))
    commissioned = date.fromisoformat(example(case_id)["commission"]["commissioned_on"])
    ahead = office_today() + timedelta(days=367)
    for bad, kind in (
        (date(1900, 1, 1), "document_date_before_commission"),
        (commissioned - timedelta(days=1), "document_date_before_commission"),
        (ahead, "document_date_too_late"),
    ):
        response = client.post(
            f"{V1}/cases/{case_id}/decisions", json={"document_date": bad.isoformat()}, headers=office
        )
        assert response.status_code == 422, bad
        (error,) = response.json()["detail"]
        assert (error["loc"], error["type"]) == (["document_date"], kind)
        assert error["ctx"]["date"] == bad.isoformat()
        assert bad.isoformat() in error["msg"]
    for good in (commissioned, office_today() + timedelta(days=360)):
        response = client.post(
            f"{V1}/cases/{case_id}/decisions", json={"document_date": good.isoformat()}, headers=office
        )
        assert response.status_code == 201, response.text
