"""Archives obey the screens' rules (issue 15, point 5): a level of 42, a weight of 0, a wave that ends before it
starts, a situation at level 7 are refused whole, naming the file, the row and the problem in French and
English; the schema's CHECK constraints refuse them too; members are read with a cap on what they inflate to."""

import io
import json
import re
import sqlite3
import tracemalloc
import zipfile

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

import demo
import schema
from surveys import service
from tests.robustness.files import forge_sizes
from workshop import archive, database, i18n
from workshop.errors import SpiraleError


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory) -> bytes:
    url = f"sqlite:///{tmp_path_factory.mktemp('source') / 'demo.db'}"
    database.prepare(url)
    with database.session_scope(url) as session:
        project = demo.load_demo(session=session)
        return archive.export_project(session=session, metadata=schema.metadata, project_id=project.id)


def _members(data: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        return {name: json.loads(opened.read(name)) for name in opened.namelist()}


def _zip(members: dict[str, object]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, value in members.items():
            out.writestr(name, json.dumps(value, ensure_ascii=False))
    return buffer.getvalue()


def _changed(data: bytes, table: str, position: int, **values: object) -> bytes:
    members = _members(data)
    members[f"tables/{table}.json"][position].update(values)
    return _zip(members)


def _counts(url: str) -> dict[str, int]:
    with database.session_scope(url) as session:
        return {
            name: len(session.execute(select(schema.metadata.tables[name])).all()) for name in ("project", "answer")
        }


def _refusal(url: str, data: bytes, key: str = "error.archive_row") -> SpiraleError:
    before = _counts(url)
    with pytest.raises(SpiraleError) as info, database.session_scope(url) as session:
        archive.import_project(session=session, metadata=schema.metadata, data=data)
    assert info.value.key == key
    assert _counts(url) == before  # nothing written
    return info.value


def _said(error: SpiraleError, lang: str) -> str:
    return i18n.translate(error.key, lang, **error.params)


BAD_ROWS = {  # table, row in the file (0-based), values, the column named, the problem's key, words said in French
    "level 42": ("answer", 5, {"level": 42}, "level", "error.level_range", "42"),
    "level 0": ("answer", 0, {"level": 0}, "level", "error.level_range", "hors de l'échelle"),
    "level 3.5": ("answer", 1, {"level": 3.5}, "level", "error.archive_value_type", "nombre entier"),
    "level as text": ("answer", 2, {"level": "4"}, "level", "error.archive_value_type", "nombre entier"),
    "weight 0": ("respondent", 3, {"weight": 0}, "weight", "error.weight", "positif"),
    "weight -2": ("respondent", 3, {"weight": -2.0}, "weight", "error.weight", "positif"),
    "weight NaN": ("respondent", 4, {"weight": float("nan")}, "weight", "error.archive_value_type", "un nombre"),
    "wave ends first": (
        "wave",
        0,
        {"opened_on": "2026-05-01", "closed_on": "2026-04-01"},
        "closed_on",
        "error.wave_dates",
        "précède",
    ),
    "unknown wave kind": ("wave", 0, {"kind": "ex-nihilo"}, "kind", "error.wave_kind", "ex-nihilo"),
    "situation level 7": ("indicator_level", 2, {"level": 7}, "level", "error.level_range", "7"),
    "date not a date": ("wave", 0, {"opened_on": "mardi"}, "opened_on", "error.archive_value_type", "AAAA-MM-JJ"),
    "text too long": ("respondent", 0, {"place": "x" * 500}, "place", "error.archive_value_long", "500"),
    "NUL in a text": ("respondent", 0, {"profile": "a\x00b"}, "profile", "error.archive_value_control", "nul"),
    "required value": (
        "answer",
        0,
        {"indicator_id": None},
        "indicator_id",
        "error.archive_value_missing",
        "obligatoire",
    ),
    "link to nothing": ("answer", 0, {"respondent_id": 999}, "respondent_id", "error.archive_link", "999"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_refuses_the_whole_archive_naming_file_row_and_problem(db_url, demo_archive, case):
    table, position, values, column, problem, words = BAD_ROWS[case]
    error = _refusal(db_url, _changed(demo_archive, table, position, **values))
    assert error.key == "error.archive_row"
    assert error.params["file"] == f"tables/{table}.json" and error.params["row"] == position + 1
    assert error.params["column"] == column and error.params["problem"].key == problem
    french, english = _said(error, "fr"), _said(error, "en")
    assert words in french and f"tables/{table}.json" in french and f"ligne {position + 1}," in french
    assert f"row {position + 1}," in english and "nothing was imported" in english
    for said in (french, english):  # no exception class, no raw key, no placeholder left
        assert not re.search(r"Error|Exception|\b(error|archive|upload)\.[a-z]|\{", said), said


def test_duplicate_answers_in_the_file_are_refused_by_name(db_url, demo_archive):
    members = _members(demo_archive)
    answers = members["tables/answer.json"]
    answers.append({**answers[0], "id": 10**9, "level": 1})  # the same respondent and indicator twice
    error = _refusal(db_url, _zip(members))
    assert error.params["problem"].key == "error.archive_duplicate" and error.params["row"] == len(answers)
    assert "respondent_id, indicator_id" in _said(error, "fr") and "ligne 1," in _said(error, "fr")


def test_a_demo_mean_cannot_be_moved_by_an_archive(db_url, demo_archive):
    """The issue's case: a level of 42 moved a demo mean from 2.805 to 2.965. Refused; the good one imports."""
    members = _members(demo_archive)
    first = members["tables/answer.json"][0]
    bad = [dict(row, level=42) if row["indicator_id"] == first["indicator_id"] else row
           for row in members["tables/answer.json"][:40]]  # fmt: skip
    members["tables/answer.json"][:40] = bad
    assert _refusal(db_url, _zip(members)).params["problem"].key == "error.level_range"
    with database.session_scope(db_url) as session:
        new_id = archive.import_project(session=session, metadata=schema.metadata, data=demo_archive)
        waves = service.list_waves(session=session, project_id=new_id)
        answers = pd.concat(
            [service.answers_frame(session=session, project_id=new_id, wave_id=w.id) for w in waves], ignore_index=True
        )
    means = service.indicator_means(answers).set_index("indicator_id")["mean"]
    stored = pd.DataFrame(_members(demo_archive)["tables/answer.json"])
    assert means.between(1, 5).all() and stored["level"].dropna().between(1, 5).all()
    assert len(answers) == len(stored) and answers["level"].isna().sum() == stored["level"].isna().sum()


def test_the_database_refuses_what_the_rules_refuse(db_url, demo_archive):
    """The last guard, for a write that skips the services: the CHECK constraints of migration 0018."""
    with database.session_scope(db_url) as session:
        new_id = archive.import_project(session=session, metadata=schema.metadata, data=demo_archive)
    statements = [
        "UPDATE answer SET level = 42 WHERE id = (SELECT MIN(id) FROM answer)",
        "UPDATE answer SET level = 0 WHERE id = (SELECT MIN(id) FROM answer)",
        "UPDATE respondent SET weight = 0 WHERE id = (SELECT MIN(id) FROM respondent)",
        "UPDATE respondent SET weight = -1 WHERE id = (SELECT MIN(id) FROM respondent)",
        "UPDATE indicator_level SET level = 6 WHERE id = (SELECT MIN(id) FROM indicator_level)",
        f"UPDATE wave SET opened_on = '2026-05-02', closed_on = '2026-05-01' WHERE project_id = {new_id}",
    ]
    for statement in statements:
        with pytest.raises(IntegrityError, match=r"(?i)check"), database.session_scope(db_url) as session:
            session.execute(text(statement))
    with database.session_scope(db_url) as session:  # don't know stays allowed
        session.execute(text("UPDATE answer SET level = NULL WHERE id = (SELECT MIN(id) FROM answer)"))


def test_postgres_has_the_same_checks(pg_url, demo_archive):
    database.prepare(pg_url)
    with database.session_scope(pg_url) as session:
        archive.import_project(session=session, metadata=schema.metadata, data=demo_archive)
    for statement in (
        "UPDATE answer SET level = 42 WHERE id = (SELECT MIN(id) FROM answer)",
        "UPDATE respondent SET weight = 'NaN' WHERE id = (SELECT MIN(id) FROM respondent)",
        "UPDATE respondent SET weight = 'Infinity' WHERE id = (SELECT MIN(id) FROM respondent)",
    ):
        with pytest.raises(IntegrityError, match=r"(?i)check"), database.session_scope(pg_url) as session:
            session.execute(text(statement))
    error = _refusal(pg_url, _changed(demo_archive, "answer", 0, level=42))
    assert error.params["problem"].key == "error.level_range"


def test_migration_repairs_rows_that_break_the_new_checks(tmp_path):
    """A database that took a bad archive before 0018: repaired (counted in the log), then constrained."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    database.migrate(url)
    with database.session_scope(url) as session:
        demo.load_demo(session=session)
    command.downgrade(database.alembic_config(url), "0017")  # the schema before the checks, with the demo in it
    raw = sqlite3.connect(tmp_path / "old.db")
    total = raw.execute("SELECT COUNT(*) FROM answer").fetchone()[0]
    raw.execute("UPDATE answer SET level = 42 WHERE id IN (SELECT id FROM answer LIMIT 3)")
    raw.execute("UPDATE respondent SET weight = 0 WHERE id IN (SELECT id FROM respondent LIMIT 2)")
    raw.commit()
    raw.close()
    database.migrate(url)
    raw = sqlite3.connect(tmp_path / "old.db")
    assert raw.execute("SELECT COUNT(*) FROM answer").fetchone()[0] == total - 3
    assert raw.execute("SELECT COUNT(*) FROM respondent WHERE weight = 1").fetchone()[0] >= 2
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError, match="ck_answer_level"):
        raw.execute("UPDATE answer SET level = 9 WHERE id = (SELECT MIN(id) FROM answer)")
    raw.close()
    with database.get_engine(url).connect() as connection:  # the app's connections still check foreign keys
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_member_is_stopped_at_the_cap_while_it_inflates(monkeypatch):
    """Read by streaming: the cap counts what is really inflated, whatever the zip announces."""
    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    data = _zip({"manifest.json": {"format": archive.FORMAT, "version": 1, "tables": {"project": 1}},
                 "tables/project.json": ["x" * 3 * 1024 * 1024]})  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(data)) as opened, pytest.raises(SpiraleError) as info:
        budget = archive._Budget(archive.MAX_UNPACKED_BYTES)
        budget.read(opened, "manifest.json")
        budget.read(opened, "tables/project.json")
    assert info.value.key == "error.archive_inflates_too_big" and info.value.params["file"] == "tables/project.json"
    assert "2 Mo" in _said(info.value, "fr")


@pytest.mark.parametrize("announced", [1000, 0xF0000000])
def test_a_forged_size_costs_little_memory(db_url, announced):
    """A 300 MB member (spaces, 300 kB zipped) announced as 1 kB or as 4 GB: refused having read little."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("manifest.json", json.dumps({"format": archive.FORMAT, "version": 1, "tables": {"project": 1}}))
        with out.open("tables/project.json", "w") as member:
            for _ in range(300):
                member.write(b" " * 1_048_576)
    forged = forge_sizes(buffer.getvalue(), announced)
    tracemalloc.start()
    with pytest.raises(SpiraleError) as info, database.session_scope(db_url) as session:
        archive.import_project(session=session, metadata=schema.metadata, data=forged)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert info.value.key in {"error.archive_corrupt", "error.archive_unpacked_too_big"}
    assert peak < 40 * 1024 * 1024, peak
