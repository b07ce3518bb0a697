"""No formula reaches a spreadsheet (issue 15 point 6): every CSV and XLSX export keeps text that starts with
=, +, -, @, tab or carriage return as text (OWASP's CSV injection), readable, and an import reads it back."""

import csv
import io

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups import paper
from groups import service as groups_service
from indicators import service as indicators_service
from indicators import transfer
from surveys import exports, service
from workshop import cells, database, projects

STARTS = st.sampled_from(cells.FORMULA_STARTS)
FORMULA = st.builds(lambda start, rest: start + rest, STARTS, st.text(max_size=30))


@given(FORMULA)
def test_a_formula_is_quoted_and_read_back(text):
    quoted = cells.safe(text)
    assert quoted == "'" + text and not str(quoted).startswith(cells.FORMULA_STARTS)
    assert cells.unquote(quoted) == text


@given(st.text(max_size=30).filter(lambda t: not t.startswith(cells.FORMULA_STARTS)))
def test_other_text_is_unchanged(text):
    assert cells.safe(text) == text


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    separator = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return [cell for row in csv.reader(io.StringIO(text), delimiter=separator) for cell in row]


def _xlsx_formulas(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.data_type == "f"]


WORDS = st.text(alphabet=st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=20)
TYPED = st.builds(lambda start, rest: start + rest, st.sampled_from("=+-@"), WORDS)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=TYPED)
def test_every_export_keeps_a_typed_formula_as_text(tmp_path_factory, typed):
    """A note, an indicator's name and a respondent's place typed as a formula, through every export."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'spirale.db'}"
    database.prepare(url)
    with database.session_scope(url) as session:
        project = projects.create_project(session=session, name="Quartier", place="Ville")
        group = groups_service.create_group(session=session, project_id=project.id, profile="Jeunes")
        groups_service.add_criterion(
            session=session, project_id=project.id, group_id=group.id, question="wellbeing", text=typed
        )
        first = indicators_service.create_indicator(
            session=session,
            project_id=project.id,
            name_fr=typed,
            name_en=typed,
            definition=typed,
            levels={lvl: f"{typed} {lvl}" for lvl in range(1, 6)},
        )
        wave = service.create_wave(session=session, project_id=project.id, name=typed, kind="ex-ante")
        service.add_response(session=session, project_id=project.id, wave_id=wave.id, levels={first.id: 3}, place=typed)
        data = service.export_dataset(session=session, project_id=project.id, wave_id=wave.id)
        notes = paper.notes_frame(session=session, project_id=project.id, group_id=group.id)
        csv_files = {
            "long": exports.to_csv(exports.long_frame(data)),
            "wide": exports.to_csv(exports.wide_frame(data), separator=";"),
            "codebook": exports.to_csv(exports.codebook(data)[0]),
            "notes": paper.to_csv(notes),
            "indicators": transfer.export_indicators(session=session, project_id=project.id, fmt="csv"),
        }
        xlsx_files = {
            "survey": exports.to_xlsx(data),
            "notes": paper.to_xlsx(notes),
            "indicators": transfer.export_indicators(session=session, project_id=project.id, fmt="xlsx"),
        }
    for name, content in csv_files.items():
        live = [c for c in _csv_cells(content) if c.startswith(("=", "+", "-", "@"))]
        assert live == [], name
        assert any(cells.unquote(c) == typed for c in _csv_cells(content)), name  # still readable
    for name, content in xlsx_files.items():
        assert _xlsx_formulas(content) == [], name
    back = pd.read_csv(io.BytesIO(csv_files["notes"]), dtype=str, keep_default_na=False)
    assert typed in set(back.map(cells.unquote).to_numpy().ravel())
