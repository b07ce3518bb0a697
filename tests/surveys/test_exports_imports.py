"""Exports (long, wide CSV/XLSX with codebook, SPSS) and imports (ours, LimeSurvey, KoboToolbox), all or nothing."""

import io

import pandas as pd
import pyreadstat
import pytest

from surveys import exports, imports, service
from workshop.errors import SpiraleError


def dataset(session, demo, **filters):
    pid, wid = demo
    return service.export_dataset(session=session, project_id=pid, wave_id=wid, **filters)


def answers_by_code(session, pid, wid) -> pd.DataFrame:
    frame = service.answers_frame(session=session, project_id=pid, wave_id=wid)
    return frame[["code", "indicator_id", "level", "weight", "profile", "place", "age_band"]].sort_values(
        ["code", "indicator_id"], ignore_index=True
    )


def reimport(session, demo, data: bytes, filename: str) -> int:
    pid, _ = demo
    wave = service.create_wave(session=session, project_id=pid, name="Retour", kind="ex-post")
    frame = imports.read_table(data, filename)
    mapping = imports.guess_mapping(list(frame.columns), imports.target(session=session, project_id=pid))
    imports.import_frame(session=session, project_id=pid, wave_id=wave.id, frame=frame, mapping=mapping)
    return wave.id


@pytest.mark.parametrize(
    ("kind", "labels", "lang"), [("csv", False, "fr"), ("csv", True, "en"), ("xlsx", True, "fr"), ("xlsx", False, "en")]
)
def test_round_trip_of_our_own_export(session, demo, kind, labels, lang):
    pid, wid = demo
    data = dataset(session, demo)
    if kind == "csv":
        content = exports.to_csv(exports.wide_frame(data, labels=labels, lang=lang), separator=";" if labels else ",")
    else:
        content = exports.to_xlsx(data, labels=labels, lang=lang)
    new_wave = reimport(session, demo, content, f"export.{kind}")
    before, after = answers_by_code(session, pid, wid), answers_by_code(session, pid, new_wave)
    pd.testing.assert_frame_equal(before, after)
    assert after["level"].isna().sum() > 0  # "don't know" came back as don't know


def test_long_export_one_row_per_answer(session, demo):
    pid, wid = demo
    data = dataset(session, demo)
    table = pd.read_csv(io.BytesIO(exports.to_csv(exports.long_frame(data))), encoding="utf-8-sig")
    answers = service.answers_frame(session=session, project_id=pid, wave_id=wid)
    assert len(table) == len(answers)
    assert list(table.columns[:3]) == ["wave_id", "wave", "code"]
    assert {"weight", "variable", "level", "dont_know"} <= set(table)
    assert (table["level"] == 9).sum() == table["dont_know"].sum() == answers["level"].isna().sum()
    english = exports.long_frame(data, labels=True, lang="en")
    assert set(english["level"]) <= set(exports.value_labels("en").values())


def test_codebook_speaks_both_languages(session, demo):
    variables, values = exports.codebook(dataset(session, demo))
    row = variables.set_index("variable").loc["weight"]
    assert (row["label_fr"], row["label_en"]) == ("Poids du répondant", "Respondent's weight")
    first = values.iloc[0]
    assert first["value"] == 1 and first["label_en"].startswith("1 ·") and first["situation"]
    book = pd.read_excel(io.BytesIO(exports.to_xlsx(dataset(session, demo))), sheet_name=None)
    assert list(book) == ["data", "wave", "codebook", "values", "choices"] and len(book["data"]) == 232


def test_spss_file_has_variable_and_value_labels(session, demo, tmp_path):
    path = tmp_path / "wave.sav"
    path.write_bytes(exports.to_sav(dataset(session, demo), lang="en"))
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert len(frame) == 232 and "weight" in frame.columns
    indicator = next(c for c in frame.columns if c.startswith("ind"))
    assert meta.column_names_to_labels["weight"] == "Respondent's weight"
    assert meta.variable_value_labels[indicator][9] == "Don't know"
    assert meta.missing_ranges[indicator] == [{"lo": 9.0, "hi": 9.0}]


def test_filtered_subset(session, demo):
    data = dataset(session, demo, profiles=["Commerçants"])
    wide = exports.wide_frame(data)
    assert len(wide) == 30 and set(wide["profile"]) == {"Commerçants"}


def limesurvey_csv(session, demo, *, texts: bool) -> bytes:
    """A LimeSurvey-style export: id/submitdate columns, question text headers, A1..A5 codes or answer texts."""
    pid, _ = demo
    target = imports.target(session=session, project_id=pid)
    first, second = list(target.indicators)[:2]
    names = [target.indicators[i]["name_fr"] for i in (first, second)]
    situation = target.indicators[first]["level2"]
    answer = f'"{situation}"' if texts else "A2"
    ideal = "5 · Situation idéale"
    rows = [
        f"id;submitdate;lastpage;startlanguage;Profil du répondant;{names[0]};{names[1]}",
        f"101;2026-05-02 10:00:00;3;fr;Commerçants;{answer};{'Ne sait pas' if texts else 'A5'}",
        f"102;2026-05-02 10:05:00;3;fr;Parents seuls;{'' if texts else 'A1'};{ideal if texts else 'A5'}",
    ]
    return "\ufeff".join(["", "\r\n".join(rows)]).encode("utf-8")


@pytest.mark.parametrize("texts", [False, True])
def test_limesurvey_csv_codes_or_texts(session, demo, texts):
    pid, _ = demo
    wid = reimport(session, demo, limesurvey_csv(session, demo, texts=texts), "results-survey123.csv")
    answers = answers_by_code(session, pid, wid)
    assert set(answers["code"]) == {"101", "102"}
    first = answers[answers["code"] == "101"].sort_values("indicator_id")
    assert first["level"].iloc[0] == 2
    assert first["profile"].iloc[0] == "Commerçants"


def kobo_xlsx(session, demo, *, labels: bool) -> bytes:
    pid, _ = demo
    target = imports.target(session=session, project_id=pid)
    first = next(iter(target.indicators))
    name = target.indicators[first]["name_fr"] if labels else exports.variable(first)
    frame = pd.DataFrame(
        {
            "start": ["2026-05-01T10:00:00"] * 2,
            "group_profil/profile" if not labels else "Profil/Profil du répondant": ["commercants", "Parents seuls"],
            "group_profil/age_band" if not labels else "Profil/Tranche d'âge": ["26-40", "41-60"],
            f"group_indicateurs/{name}": [
                "4" if not labels else "4 · Bonne situation",
                "9" if not labels else "Ne sait pas",
            ],
            "_id": [555, 556],
            "_uuid": ["a-1", "a-2"],
            "_submission_time": ["2026-05-01"] * 2,
        }
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize("labels", [False, True])
def test_kobotoolbox_xlsx_labels_or_values(session, demo, labels):
    pid, _ = demo
    wid = reimport(session, demo, kobo_xlsx(session, demo, labels=labels), "kobo.xlsx")
    answers = answers_by_code(session, pid, wid)
    assert list(answers["code"]) == ["555", "556"]
    assert answers["level"].iloc[0] == 4 and pd.isna(answers["level"].iloc[1])
    assert list(answers["profile"]) == ["Commerçants", "Parents seuls"]
    assert list(answers["age_band"]) == ["26-40", "41-60"]


def problems_of(session, demo, text: str) -> list[tuple[int, str, str]]:
    pid, wid = demo
    frame = imports.read_table(text.encode("utf-8"), "f.csv")
    target = imports.target(session=session, project_id=pid)
    checked = imports.check(
        session=session, project_id=pid, wave_id=wid, frame=frame, mapping=imports.guess_mapping(frame.columns, target)
    )
    return [(p.row, p.column, p.key) for p in checked.problems]


def test_bad_answers_are_reported_with_row_numbers_and_nothing_written(session, demo):
    pid, wid = demo
    iid = sorted(imports.target(session=session, project_id=pid).indicators)[0]
    col = exports.variable(iid)
    assert problems_of(session, demo, f"code,{col}\nn1,3\nn2,6\nn3,Z\nn1,2\n") == [
        (3, col, "error.import_level"),
        (4, col, "error.import_level"),
        (5, "code", "error.import_code_twice"),
    ]
    assert problems_of(session, demo, f"code,{col},ind99999\nn1,3,4\n") == [
        (1, "ind99999", "error.import_indicator_unknown")
    ]
    assert problems_of(session, demo, f"code,{col}\nr001,3\n") == [(2, "code", "error.import_code_exists")]
    assert problems_of(session, demo, f"code,{col},weight\nn1,3,-1\n") == [(2, "weight", "error.import_weight")]
    assert problems_of(session, demo, "code,profile\nn1,Jeunes 16-25 ans\n") == [(1, "", "error.import_no_indicator")]
    frame = imports.read_table(f"code,{col}\nn1,3\nn2,6\n".encode(), "f.csv")
    mapping = {"code": "code", col: f"i:{iid}"}
    before = service.respondent_count(session=session, project_id=pid, wave_id=wid)
    with pytest.raises(SpiraleError) as refused:
        imports.import_frame(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping)
    assert refused.value.key == "error.import_invalid"
    assert service.respondent_count(session=session, project_id=pid, wave_id=wid) == before


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"", "f.csv", "error.file_empty"),
        (b"  \n ", "f.csv", "error.file_empty"),
        (b"\x00\xff\xfe" * 50, "f.csv", "error.file_encoding"),
        (b"x" * (50 * 1024 * 1024), "big.csv", "error.file_too_big"),
        (b"code,ind1\n", "f.csv", "error.survey_file_no_rows"),
        (b"PK not really", "f.xlsx", "error.file_unreadable"),
        (b"abc", "f.pdf", "error.file_type"),
    ],
)
def test_bad_files_refused_clearly(data, name, key):
    with pytest.raises(SpiraleError) as refused:
        imports.read_table(data, name)
    assert refused.value.key == key


def test_paper_grid_rows_become_responses(session, demo):
    pid, wid = demo
    iid = sorted(imports.target(session=session, project_id=pid).indicators)[0]
    col = exports.variable(iid)
    grid = pd.DataFrame(
        {
            "code": ["p1", None, "p2"],
            "profile": ["Commerçants", None, None],
            "weight": [None, None, 2.0],
            col: [4.0, None, 9.0],
        }
    )
    table = imports.grid_table(grid)
    assert table.to_dict("records") == [
        {"code": "p1", "profile": "Commerçants", "weight": "", col: "4"},
        {"code": "p2", "profile": "", "weight": "2", col: "9"},
    ]
    target = imports.target(session=session, project_id=pid)
    mapping = imports.guess_mapping(list(table.columns), target)
    assert mapping == {"code": "code", "profile": "q:profile", "weight": "weight", col: f"i:{iid}"}
    written = imports.import_frame(
        session=session, project_id=pid, wave_id=wid, frame=table, mapping=mapping, first_row=1
    )
    assert written == 2
    bad = imports.grid_table(pd.DataFrame({"code": ["p3"], col: [7.0]}))
    checked = imports.check(session=session, project_id=pid, wave_id=wid, frame=bad, mapping=mapping, first_row=1)
    assert [(p.row, p.key) for p in checked.problems] == [(1, "error.import_level")]


def test_the_paper_grids_columns_map_to_code_profile_weight_then_each_indicator():
    assert imports.grid_mapping(["age", "quartier"], [7, 3]) == {
        "code": imports.CODE,
        "age": "q:age",
        "quartier": "q:quartier",
        "weight": imports.WEIGHT,
        "ind7": "i:7",
        "ind3": "i:3",
    }
    assert list(imports.grid_mapping([], [1])) == ["code", "weight", "ind1"]
