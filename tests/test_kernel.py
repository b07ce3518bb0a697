"""Kernel: text checks, projects, the reference grid, the database's clear failures."""

import pandas as pd
import pytest

from workshop import database, grid, projects, settings
from workshop.errors import SpiraleError
from workshop.text import NAME_MAX, NOTE_MAX, clean_name, clean_note, clean_optional


@pytest.mark.parametrize("value", ["", "   ", "\n\t ", None, "\x00\x01"])
def test_empty_text_is_refused(value):
    with pytest.raises(SpiraleError) as info:
        clean_note(value)
    assert info.value.key == "error.text_empty"


def test_text_kept_as_written_but_trimmed():
    assert clean_note("  Un  toit,\nà moi <b>!</b>  ") == "Un  toit,\nà moi <b>!</b>"
    assert clean_note("nul\x00 byte") == "nul byte"
    assert clean_optional("   ") == ""


def test_control_characters_go_tabs_line_breaks_and_other_characters_stay():
    """Stated without the product's regex: the ASCII controls (C0 and DEL) but tab, LF and CR."""
    controls = [chr(c) for c in (*range(0x20), 0x7F) if chr(c) not in "\t\n\r"]
    assert len(controls) == 30
    for control in controls:
        assert clean_note(f"un{control} toit") == "un toit", repr(control)
    assert clean_note("un\ttoit\r\nsûr") == "un\ttoit\r\nsûr"
    assert clean_note("un\x85toit\u200b\u202e😀") == "un\x85toit\u200b\u202e😀"  # C1, format marks, emoji kept


def test_long_text_refused_with_its_length():
    with pytest.raises(SpiraleError) as info:
        clean_note("x" * 10_000)
    assert info.value.key == "error.text_too_long"
    assert info.value.params == {"limit": NOTE_MAX, "length": 10_000}
    with pytest.raises(SpiraleError) as info:
        clean_name("n" * (NAME_MAX + 1))
    assert (info.value.key, info.value.params) == ("error.text_too_long", {"limit": NAME_MAX, "length": NAME_MAX + 1})


def test_project_gets_its_own_copy_of_the_grid(session, project):
    entries = grid.list_grid(session=session, project_id=project.id)
    shipped = grid.read_grid_file()
    assert len(entries) == len(shipped)
    assert [f.code for f in grid.families(session=session, project_id=project.id)] == list("ABCDEFGH")
    codes = {e.code for e in entries}
    assert {"A00", "A01", "A02", "A03", "A06", "A11", "B00", "B01", "B02"} <= codes
    assert all(e.label_fr and e.label_en for e in entries)


def test_shipped_grid_is_well_formed():
    shipped = grid.read_grid_file()
    assert shipped["code"].is_unique
    assert (shipped.apply(lambda r: r["code"].startswith(r["family"]), axis=1)).all()
    assert set(shipped["family"]) == set("ABCDEFGH")
    assert not (shipped[["label_fr", "label_en", "description_fr", "description_en"]] == "").any().any()


def test_territory_adds_a_component(session, project):
    added = grid.add_component(
        session=session,
        project_id=project.id,
        family="B",
        code="b09",
        label_fr="Jardins partagés",
        label_en="Shared gardens",
    )
    assert added.code == "B09" and added.added_by_project
    assert "B09" in {e.code for e in grid.list_grid(session=session, project_id=project.id)}
    other = projects.create_project(session=session, name="Autre territoire")
    assert "B09" not in {e.code for e in grid.list_grid(session=session, project_id=other.id)}


@pytest.mark.parametrize(
    ("family", "code", "key"),
    [
        ("Z", "Z01", "error.grid_unknown_family"),
        ("A", "A01", "error.grid_code_exists"),
        ("A", "B77", "error.grid_code_family"),
    ],
)
def test_bad_components_refused(session, project, family, code, key):
    with pytest.raises(SpiraleError) as info:
        grid.add_component(session=session, project_id=project.id, family=family, code=code, label_fr="x")
    assert info.value.key == key


def test_projects_listed_and_names_unique(session, project):
    assert [p.name for p in projects.list_projects(session=session)] == ["Quartier test"]
    with pytest.raises(SpiraleError) as info:
        projects.create_project(session=session, name="  Quartier test ")
    assert info.value.key == "error.project_exists"
    with pytest.raises(SpiraleError) as info:
        projects.create_project(session=session, name="x", language="de")
    assert (info.value.key, info.value.params) == ("error.language", {"language": "de"})
    with pytest.raises(SpiraleError) as info:
        projects.get_project(session=session, project_id=999)
    assert info.value.key == "error.project_missing"


def test_unreachable_database_gives_a_clear_error():
    with pytest.raises(SpiraleError) as info:
        database.check_connection("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert info.value.key == "error.database_unreachable"
    assert info.value.params["detail"]


def test_malformed_database_url_gives_a_clear_error():
    with pytest.raises(SpiraleError) as info:
        database.get_engine("this is not a url")
    assert info.value.key == "error.database_url"


def test_default_database_is_sqlite_in_var(monkeypatch):
    monkeypatch.delenv(settings.DATABASE_URL_VARIABLE, raising=False)
    assert settings.database_url() == f"sqlite:///{settings.VAR_DIR / 'spirale.db'}"
    monkeypatch.setenv(settings.DATABASE_URL_VARIABLE, "postgresql+psycopg://u@h/db")
    assert settings.database_url() == "postgresql+psycopg://u@h/db"


def test_rollback_on_error_keeps_nothing(db_url):
    with pytest.raises(SpiraleError) as info, database.session_scope(db_url) as session:
        projects.create_project(session=session, name="Half")
        raise SpiraleError("error.text_empty")
    assert info.value.key == "error.text_empty"  # the refusal itself passes through, after the rollback
    with database.session_scope(db_url) as session:
        assert projects.list_projects(session=session) == []


def test_grid_file_is_plain_data():
    frame = pd.read_csv(grid.GRID_FILE, dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(grid.GRID_COLUMNS)


def test_markdown_escaping_keeps_every_character():
    from ui.shell import md_escape

    text = "**a** _b_ [c](d) #e <f> $g$ :h[i] `j` 1. k"
    escaped = md_escape(text)
    assert escaped.replace("\\", "") == text
    assert "**" not in escaped and "](" not in escaped


def test_streamlit_control_flow_inside_a_session_rolls_back(db_url):
    """st.rerun() raises a BaseException: session_scope rolls back (documented), so pages rerun after the block."""
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

    for leaving in (RerunException(None), StopException(), KeyboardInterrupt()):
        name = f"Quartier {type(leaving).__name__}"
        with pytest.raises(type(leaving)), database.session_scope(db_url) as session:
            projects.create_project(session=session, name=name, place="", language="fr")
            raise leaving
        with database.session_scope(db_url) as session:
            assert name not in {p.name for p in projects.list_projects(session=session)}
    with database.session_scope(db_url) as session:
        projects.create_project(session=session, name="Quartier gardé", place="", language="fr")
    with database.session_scope(db_url) as session:
        assert "Quartier gardé" in {p.name for p in projects.list_projects(session=session)}
