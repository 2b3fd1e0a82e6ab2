"""`kaoping db export` / `kaoping db import`: a round trip gives the same decisions and the same memo bytes."""

from __future__ import annotations

import argparse
import hashlib
import json

import pytest
from sqlalchemy import inspect, text

from api.cli import db as db_command
from api.http.app import create_app
from api.settings import Settings
from api.store import backup, db
from tests.api.conftest import (
    V1,
    TestClient,
    create_case,
    document_number,
    example,
    fresh_database,
    make_token,
    unique,
)
from tests.api.test_registries import new_credit_code, register
from tests.api.test_templates import docx_with, upload
from tests.support.chinese import english_words

KINDS = ("eligibility", "review-plan", "review-draft", "fee")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def populated(client, tokens):
    """A store with registries, live and archived cases, decisions before and after a template upload."""
    return populate(client, tokens)


def populate(client, tokens):
    """Fill the store behind ``client`` as :func:`populated` describes; the case ids."""
    office = tokens["office"]
    code = new_credit_code()
    register(client, office, code)
    expert = {"id": unique("X"), "name": "周明", "pool": "municipal", "domain_expert": True, "ties": []}
    assert client.post(f"{V1}/experts", json=expert, headers=office).status_code == 201
    cases = []
    for _ in range(3):
        case = example(unique("BK"))
        case["agency"] = {"credit_code": code}
        create_case(client, office, case)
        cases.append(case["case_id"])
    patched = client.patch(
        f"{V1}/cases/{cases[0]}", json={"prohibited_conduct": []}, headers={**office, "If-Match": '"1"'}
    )
    assert patched.status_code == 200
    for case_id in cases:
        body = {"document_number": document_number(), "document_date": "2024-07-01"}
        assert client.post(f"{V1}/cases/{case_id}/decisions", json=body, headers=office).status_code == 201
    assert (
        upload(client, office, "fee", docx_with("fee", "一、基本情况", "一、基本情况（新版）")).status_code
        == 200
    )
    for case_id in cases[:2]:
        assert client.post(f"{V1}/cases/{case_id}/decisions", headers=office).status_code == 201
    archived = client.put(f"{V1}/cases/{cases[2]}/archived", json={"archived": True}, headers=office)
    assert archived.status_code == 200
    return cases


def snapshot(client, headers, cases):
    """Everything the API shows of the store, with the sha256 of every memo of every decision."""
    out = {"cases": {}, "decisions": {}, "memos": {}}
    for case_id in cases:
        out["cases"][case_id] = client.get(f"{V1}/cases/{case_id}", headers=headers).json()
        listed = client.get(f"{V1}/cases/{case_id}/decisions", headers=headers).json()["items"]
        for item in listed:
            number = item["number"]
            out["decisions"][case_id, number] = client.get(
                f"{V1}/cases/{case_id}/decisions/{number}", headers=headers
            ).json()
            for kind in KINDS:
                memo = client.get(
                    f"{V1}/cases/{case_id}/decisions/{number}/memos/{kind}.docx", headers=headers
                )
                assert memo.status_code == 200, memo.text
                out["memos"][case_id, number, kind] = sha(memo.content)
    out["agencies"] = client.get(f"{V1}/agencies", params={"limit": 500}, headers=headers).json()
    out["experts"] = client.get(f"{V1}/experts", params={"limit": 500}, headers=headers).json()
    out["templates"] = client.get(f"{V1}/templates", headers=headers).json()
    audit = client.get(f"{V1}/audit", params={"limit": 500}, headers=headers).json()["items"]
    out["audit"] = [a for a in audit if a["action"] not in {"db.import", "token.create"}]
    return out


@pytest.fixture
def target(request, tmp_path):
    """A fresh, empty database of the kind the test asks for."""
    with fresh_database(request, request.param, tmp_path) as url:
        yield url


TARGETS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def export_to(url, path):
    engine = db.make_engine(url)
    try:
        assert db_command.export(engine, str(path)) == 0
    finally:
        engine.dispose()
    return path.read_text("utf-8")


def import_from(url, path):
    engine = db.make_engine(url)
    try:
        return db_command.import_(engine, str(path))
    finally:
        engine.dispose()


@pytest.mark.parametrize("target", TARGETS, indirect=True)
def test_a_round_trip_gives_the_same_decisions_and_memo_hashes(
    client, tokens, populated, migrated, target, tmp_path, capsys
):
    """Export, import into an empty database, serve it: cases, decisions, memos (sha256), audit all equal."""
    before = snapshot(client, tokens["office"], populated)
    exported = export_to(migrated, tmp_path / "store.jsonl")
    assert export_to(migrated, tmp_path / "again.jsonl") == exported  # stable: the same lines each time
    lines = [json.loads(line) for line in exported.splitlines()]
    assert lines[0]["tokens"] == "not exported"
    assert lines[-1]["end"] is True
    assert not any(line.get("table") == "tokens" for line in lines)
    tables = [line["table"] for line in lines[1:-1]]
    assert tables == sorted(tables, key=backup.TABLES.index)
    assert any(line.get("table") == "templates" for line in lines)

    assert import_from(target, tmp_path / "store.jsonl") == 0
    assert "导出文件中没有访问令牌" in capsys.readouterr().err
    # what was imported exports as the same lines, plus one audit entry for the import itself
    again = export_to(target, tmp_path / "restored.jsonl").splitlines()
    assert again[:-2] == exported.splitlines()[:-1]
    assert json.loads(again[-2])["row"]["action"] == "db.import"
    office = {"Authorization": f"Bearer {make_token(target, 'finance_office')}"}
    settings = Settings(database_url=target, data_dir=tmp_path)
    with TestClient(create_app(settings)) as restored:
        after = snapshot(restored, office, populated)
        assert after == before
        # ids continue after the imported ones: a new decision is the next number, the audit goes on
        case_id = populated[0]
        new = restored.post(f"{V1}/cases/{case_id}/decisions", headers=office)
        assert new.status_code == 201, new.text
        assert new.json()["number"] == 3
        created = restored.post(f"{V1}/cases", json=example(unique("BK")), headers=office)
        assert created.status_code == 201


def test_import_refuses_a_database_that_holds_data(migrated, populated, tmp_path, capsys):
    """Exit 2, a message naming what is there, and nothing written."""
    path = tmp_path / "store.jsonl"
    export_to(migrated, path)
    before = export_to(migrated, tmp_path / "before.jsonl")
    assert import_from(migrated, path) == 2
    err = capsys.readouterr().err
    assert "导入被拒绝：数据库不是空的（agencies: 1" in err
    assert "只能导入到新建的空数据库" in err
    assert export_to(migrated, tmp_path / "after.jsonl") == before


def test_a_truncated_or_foreign_file_imports_nothing(migrated, populated, tmp_path, capsys):
    """No end line, a wrong count, a bad line or another schema: exit 2, and nothing is written to the new
    database (the file is checked before it is even migrated)."""
    good = export_to(migrated, tmp_path / "store.jsonl").splitlines(keepends=True)
    header = json.loads(good[0])
    variants = {
        "truncated": good[:-3],
        "bad count": [*good[:-1], json.dumps({"end": True, "counts": {}}) + "\n"],
        "not json": [good[0], "{oops\n", *good[1:]],
        "other schema": [json.dumps({**header, "schema": "0001"}) + "\n", *good[1:]],
        "not an export": ['{"hello": 1}\n'],
    }
    for name, lines in variants.items():
        url = f"sqlite:///{tmp_path / name.replace(' ', '_')}.sqlite3"
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(lines), "utf-8")
        assert import_from(url, path) == 2, name
        err = capsys.readouterr().err
        assert "导入被拒绝" in err
        assert english_words(err.removeprefix("kaoping: ")) == [], err
        assert_nothing_written(url, name)


def assert_nothing_written(url, name=""):
    """The database at ``url`` has no exported table, or only empty ones."""
    engine = db.make_engine(url)
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            for table in backup.TABLES:
                if table in present:
                    assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0, (name, table)
    finally:
        engine.dispose()


def test_the_command_line(migrated, tmp_path, monkeypatch, capsys):
    """`kaoping db export -o FILE` / `kaoping db import FILE`; the help says tokens are not exported."""
    from api.cli import build_parser  # noqa: PLC0415

    with pytest.raises(SystemExit):
        build_parser().parse_args(["db", "--help"])
    assert "访问令牌不导出" in capsys.readouterr().out.replace("\n", " ")
    monkeypatch.setattr(db_command, "run", db_command.run)
    settings = Settings(database_url=migrated, data_dir=tmp_path)
    monkeypatch.setattr("api.settings.get_settings", lambda: settings)
    out = tmp_path / "cli.jsonl"
    assert db_command.run(argparse.Namespace(action="export", file=None, output=str(out))) == 0
    assert out.read_text("utf-8").startswith('{"kaoping_export":1')
    assert db_command.run(argparse.Namespace(action="import", file=None, output=None)) == 2
    assert db_command.run(argparse.Namespace(action="import", file=str(out), output=None)) == 2  # not empty
    empty = Settings(database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}", data_dir=tmp_path)
    monkeypatch.setattr("api.settings.get_settings", lambda: empty)
    assert db_command.run(argparse.Namespace(action="import", file=str(out), output=None)) == 0
