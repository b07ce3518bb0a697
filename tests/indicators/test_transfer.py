"""Indicator sets out (CSV, XLSX, JSON) and back in, all or nothing with a row-numbered report."""

import io
import json

import pandas as pd
import pytest

from indicators import service, transfer
from workshop import projects
from workshop.errors import SpiraleError

FIVE = {level: f"Situation {level} « é »" for level in range(1, 6)}


@pytest.fixture
def source(session, project):
    service.create_indicator(
        session=session,
        project_id=project.id,
        name_fr="Un logement digne",
        name_en="Decent housing",
        component_code="A03",
        definition='Un toit; sûr, "sain"',
        levels=FIVE,
    )
    service.create_indicator(session=session, project_id=project.id, name_fr="Des amis", family_code="D", levels=FIVE)
    service.create_indicator(session=session, project_id=project.id, name_fr="Brouillon", levels={1: "x"})
    return project.id


@pytest.fixture
def other(session):
    return projects.create_project(session=session, name="Autre territoire", place="Ailleurs").id


@pytest.mark.parametrize("fmt", transfer.FORMATS)
def test_round_trip_into_another_territory(session, source, other, fmt):
    data = transfer.export_indicators(session=session, project_id=source, fmt=fmt)
    report = transfer.check_import(session=session, project_id=other, data=data, filename=f"set.{fmt}")
    assert report.ok and len(report.rows) == 2  # the draft is not part of the usable set
    assert transfer.import_indicators(session=session, project_id=other, data=data, filename=f"set.{fmt}") == 2
    original = transfer.indicator_set(session=session, project_id=source)
    copied = transfer.indicator_set(session=session, project_id=other)
    pd.testing.assert_frame_equal(original.reset_index(drop=True), copied.reset_index(drop=True))
    assert copied.iloc[0]["family"] == "A" and copied.iloc[0]["definition"] == 'Un toit; sûr, "sain"'
    assert all(i.status == "active" for i in service.list_indicators(session=session, project_id=other))


def test_missing_levels_and_unknown_families_give_a_report_and_write_nothing(session, other):
    csv = (
        b"name_fr,family,component,level1,level2,level3,level4,level5\n"
        b"Bon,A,A03,a,b,c,d,e\n"
        b"Sans niveau 3,A,,a,b,,d,e\n"
        b"Famille inconnue,Z,,a,b,c,d,e\n"
        b"Composante ailleurs,B,A03,a,b,c,d,e\n"
        b",,,a,b,c,d,e\n"
        b"Bon,,,a,b,c,d,e\n"
    )
    report = transfer.check_import(session=session, project_id=other, data=csv, filename="set.csv")
    found = [(p.row, p.key) for p in report.problems]
    assert found == [  # spreadsheet rows: the column names are row 1, "Bon" row 2
        (3, "import.problem.levels"),
        (4, "import.problem.family"),
        (5, "import.problem.component_family"),
        (6, "import.problem.name"),
        (7, "import.problem.duplicate"),
    ]
    assert report.problems[0].params == {"levels": "3"}
    with pytest.raises(SpiraleError) as error:
        transfer.import_indicators(session=session, project_id=other, data=csv, filename="set.csv")
    assert error.value.key == "error.indicator_import" and error.value.params == {"count": 5}
    assert service.list_indicators(session=session, project_id=other, include_retired=True) == []


def test_an_indicator_already_in_the_project_is_reported(session, source):
    data = transfer.export_indicators(session=session, project_id=source, fmt="json")
    report = transfer.check_import(session=session, project_id=source, data=data, filename="x.json")
    assert {p.key for p in report.problems} == {"import.problem.duplicate"}


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"", "a.csv", "error.file_empty"),
        (b"x", "a.pdf", "error.indicator_file_type"),
        (b"\xff\xfe\x00bad", "a.csv", "error.file_encoding"),
        (b"not a zip", "a.xlsx", "error.file_unreadable"),
        (b'{"format": "other"}', "a.json", "error.indicator_file_foreign"),
        (b"[1, 2]", "a.json", "error.indicator_file_foreign"),
        (b"nom,niveau\nx,y\n", "a.csv", "error.indicator_file_columns"),
        (b"name_fr,level1\n", "a.csv", "error.indicator_file_no_rows"),
        (b"x" * (transfer.MAX_BYTES + 1), "a.csv", "error.file_too_big"),
    ],
)
def test_wrong_files_are_refused_clearly(session, other, data, name, key):
    with pytest.raises(SpiraleError) as error:
        transfer.check_import(session=session, project_id=other, data=data, filename=name)
    assert error.value.key == key


def test_json_document_and_hostile_text_kept_literally(session, other):
    hostile = "<script>alert(1)</script> **x**"
    document = {
        "format": transfer.FORMAT,
        "version": 1,
        "indicators": [{"name_fr": hostile, "levels": {str(i): hostile for i in range(1, 6)}}],
    }
    data = json.dumps(document).encode()
    assert transfer.import_indicators(session=session, project_id=other, data=data, filename="a.json") == 1
    assert service.list_indicators(session=session, project_id=other)[0].name_fr == hostile


def test_xlsx_export_has_the_columns(session, source):
    frame = pd.read_excel(io.BytesIO(transfer.export_indicators(session=session, project_id=source, fmt="xlsx")))
    assert list(frame.columns) == transfer.COLUMNS and len(frame) == 2
