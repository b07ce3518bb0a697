"""Paper workshops: CSV/XLSX import checked line by line, all or nothing; export in the same columns."""

import io

import pandas as pd
import pytest

from groups import paper, service
from groups.models import ACTION, ILLBEING, WELLBEING
from workshop.errors import SpiraleError


@pytest.fixture
def groups(session, project):
    made = [service.create_group(session=session, project_id=project.id, profile=p) for p in ("Jeunes", "Aînés")]
    session.commit()
    return made


def xlsx(rows: list[dict]) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False)
    return buffer.getvalue()


def test_xlsx_with_french_headers_and_labels(session, project, groups):
    data = xlsx(
        [
            {"Groupe": "jeunes", "Question": "Bien-être", "Texte": "Un stade", "Auteur": "Noé"},
            {"Groupe": "Aînés ", "Question": "mal-être", "Texte": "La solitude", "Auteur": None},
            {"Groupe": "Aînés", "Question": "ACTION", "Texte": "Un café", "Auteur": ""},
            {"Groupe": "Aînés", "Question": "action", "Texte": "Un café", "Auteur": ""},  # two people, same idea
        ]
    )
    assert paper.import_file(session=session, project_id=project.id, name="Atelier.XLSX", data=data) == 4
    stored = [
        (c.group_id, c.question, c.text, c.author)
        for c in service.list_criteria(session=session, project_id=project.id)
    ]
    young, old = groups[0].id, groups[1].id
    assert stored == [
        (young, WELLBEING, "Un stade", "Noé"),
        (old, ILLBEING, "La solitude", ""),
        (old, ACTION, "Un café", ""),
        (old, ACTION, "Un café", ""),
    ]


def test_invalid_file_writes_nothing_and_reports_every_line(session, project, groups):
    data = (
        "group,question,text,author\n"
        "Jeunes,wellbeing,Un stade,\n"
        "\n"
        "Parents,wellbeing,Une idée,\n"
        "Jeunes,bonheur,Une autre,\n"
        f"Jeunes,action,{'x' * 281},\n"
        "Jeunes,action,   ,\n"
    ).encode()
    checked = paper.check_file(session=session, project_id=project.id, name="a.csv", data=data)
    assert not checked.valid and len(checked.notes) == 1
    assert [(p.row, p.key) for p in checked.problems] == [
        (4, "error.import_group"),
        (5, "error.import_question"),
        (6, "error.text_too_long"),
        (7, "error.text_empty"),
    ]
    assert checked.problems[0].params == {"group": "Parents", "known": ["Aînés", "Jeunes"]}
    with pytest.raises(SpiraleError) as caught:
        paper.import_file(session=session, project_id=project.id, name="a.csv", data=data)
    assert caught.value.key == "error.import_group"
    assert service.list_criteria(session=session, project_id=project.id) == []


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("a.csv", b"", "error.file_empty"),
        ("a.csv", b"  \n ", "error.file_empty"),
        ("a.txt", b"group,question,text\n", "error.file_type"),
        ("a.csv", b"\x00\xff\xfe" * 50, "error.file_encoding"),  # Windows-1252 is read: see test_paper_in_cp1252
        ("a.csv", b"group,text\nJeunes,Un stade\n", "error.file_columns"),
        ("a.csv", b"group,question,text\n", "error.file_no_rows"),
        ("a.xlsx", b"PK\x03\x04 broken", "error.file_unreadable"),
        ("a.csv", b"x" * (paper.MAX_BYTES + 1), "error.file_too_big"),
    ],
)
def test_wrong_files_are_refused_clearly(session, project, groups, name, data, key):
    with pytest.raises(SpiraleError) as caught:
        paper.check_file(session=session, project_id=project.id, name=name, data=data)
    assert caught.value.key == key


def test_paper_in_cp1252(session, project, groups):
    """Excel's plain "CSV (point-virgule)" on Windows is Windows-1252: read, accents kept."""
    data = "Groupe;Question;Texte\nAînés;mal-être;Être seul à Noël\n".encode("cp1252")
    assert paper.import_file(session=session, project_id=project.id, name="notes.csv", data=data) == 1
    assert [c.text for c in service.list_criteria(session=session, project_id=project.id)] == ["Être seul à Noël"]


def test_export_matches_the_import(session, project, groups):
    service.add_criterion(
        session=session, project_id=project.id, group_id=groups[0].id, question=ILLBEING, text="Été ; « x »"
    )
    frame = paper.notes_frame(session=session, project_id=project.id, group_id=groups[0].id)
    csv_bytes = paper.to_csv(frame)
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    assert paper.check_file(session=session, project_id=project.id, name="back.csv", data=csv_bytes).valid
    assert paper.import_file(session=session, project_id=project.id, name="back.xlsx", data=paper.to_xlsx(frame)) == 1
    texts = [c.text for c in service.list_criteria(session=session, project_id=project.id, group_id=groups[0].id)]
    assert texts == ["Été ; « x »", "Été ; « x »"]
