"""One problem-row convention for every import: the row a person sees in a spreadsheet (1 = the column
names, 2 = the first data row, a blank line keeps its number), and one Problem type for paper notes,
survey answers and indicator sets."""

import io
import json

import pandas as pd
import pytest

from groups import paper
from groups import service as groups_service
from indicators import service as indicators_service
from indicators import transfer
from surveys import imports
from surveys import service as surveys_service
from workshop import uploads

LEVELS = ["Rue", "Squat", "Foyer", "Location", "Chez soi"]


def as_file(rows: list[list[str]], kind: str) -> tuple[bytes, str]:
    """The rows as a person saves them: CSV, or a workbook whose blank row stays a blank row."""
    if kind == "csv":
        return "\n".join(",".join(r) for r in rows).encode(), "f.csv"
    buffer = io.BytesIO()
    header, *body = rows
    pd.DataFrame([r or [None] * len(header) for r in body], columns=header).to_excel(buffer, index=False)
    return buffer.getvalue(), "f.xlsx"


def test_every_import_reports_with_one_problem_type() -> None:
    assert paper.Problem is imports.Problem is transfer.Problem is uploads.Problem


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_paper_notes_name_the_spreadsheet_row(session, project, kind) -> None:
    groups_service.create_group(session=session, project_id=project.id, profile="Jeunes")
    rows = [["groupe", "question", "texte"], ["Jeunes", "bien-être", "Un toit"], [], ["Jeunes", "bonheur", "Un ami"]]
    data, name = as_file(rows, kind)
    checked = paper.check_file(session=session, project_id=project.id, name=name, data=data)
    assert [(p.row, p.key) for p in checked.problems] == [(4, "error.import_question")]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_survey_answers_name_the_spreadsheet_row(session, project, kind) -> None:
    indicator = indicators_service.create_indicator(
        session=session, project_id=project.id, name_fr="Logement", levels=dict(enumerate(LEVELS, start=1))
    )
    wave = surveys_service.create_wave(session=session, project_id=project.id, name="Vague 1")
    column = f"ind{indicator.id}"
    data, name = as_file([["code", column], ["r1", "3"], [], ["r2", "6"], ["r3", "Z"]], kind)
    frame = imports.read_table(data, name)
    target = imports.target(session=session, project_id=project.id)
    checked = imports.check(session=session, project_id=project.id, wave_id=wave.id, frame=frame,
                            mapping=imports.guess_mapping(list(frame.columns), target))  # fmt: skip
    assert [(p.row, p.column, p.value, p.key) for p in checked.problems] == [
        (4, column, "6", "error.import_level"),
        (5, column, "Z", "error.import_level"),
    ]
    unknown = pd.DataFrame({"code": ["r1"], "ind99999": ["3"]})
    checked = imports.check(session=session, project_id=project.id, wave_id=wave.id, frame=unknown,
                            mapping=imports.guess_mapping(list(unknown.columns), target))  # fmt: skip
    assert [(p.row, p.column, p.key) for p in checked.problems] == [  # the column names' own row
        (uploads.HEADER_ROW, "ind99999", "error.import_indicator_unknown"),
        (uploads.HEADER_ROW, "", "error.import_no_indicator"),
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_indicator_sets_name_the_spreadsheet_row(session, project, kind) -> None:
    header = ["name_fr", *transfer.LEVEL_COLUMNS]
    good, no_level3 = ["Se loger", *LEVELS], ["Travailler", "Aucun", "Petits boulots", "", "CDI", "Choisi"]
    if kind == "json":  # the same set as a list: the second indicator is row 3, as in its CSV export
        items = [{"name_fr": r[0], "levels": {str(n): t for n, t in enumerate(r[1:], start=1)}} for r in (good,
                 no_level3)]  # fmt: skip
        data, name = json.dumps({"format": transfer.FORMAT, "version": 1, "indicators": items}).encode(), "set.json"
        expected = 3
    else:
        data, name = as_file([header, good, [], no_level3], kind)
        expected = 4
    report = transfer.check_import(session=session, project_id=project.id, data=data, filename=name)
    assert [(p.row, p.key, p.params) for p in report.problems] == [(expected, "import.problem.levels", {"levels": "3"})]
