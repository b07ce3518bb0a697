"""Survey files as LimeSurvey 6, KoboToolbox, Google Forms and Excel write them (tests/surveys/data, written by
build.py from the tools' documentation) import at the first try, through the data page's own functions,
and what is stored is read back: every respondent's profile, place, age band and level."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from surveys import imports, labels, service
from workshop.errors import SpiraleError

DATA = Path(__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("gallery", DATA / "build.py")
gallery = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gallery)


def read(name: str, label_file: str | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """What the page does with an upload (and the tool's label file)."""
    frame = imports.read_table((DATA / name).read_bytes(), name)
    if label_file is None:
        return frame, {}
    found = labels.read_labels((DATA / label_file).read_bytes(), label_file)
    return found.relabel(frame), {c: found.title(c) for c in frame.columns}


def new_wave(session, pid: int, name: str = "Import") -> int:
    return service.create_wave(session=session, project_id=pid, name=name, kind="ex-post").id


def stored(session, pid: int, wid: int) -> list[tuple]:
    """One tuple per respondent: profile, place, age band, then the 16 levels ("dk" = don't know, None = blank)."""
    people = service.respondents_frame(session=session, project_id=pid, wave_id=wid)
    answers = service.answers_frame(session=session, project_id=pid, wave_id=wid)
    ids = sorted(service.usable_indicator_ids(session=session, project_id=pid))
    given = {
        (r, i): lvl for r, i, lvl in zip(answers["respondent"], answers["indicator_id"], answers["level"], strict=True)
    }
    rows = []
    for person in people.to_dict("records"):
        levels = [given.get((person["respondent"], i), "blank") for i in ids]
        coded = [None if lvl == "blank" else "dk" if pd.isna(lvl) else int(lvl) for lvl in levels]
        rows.append((person["profile"], person["place"], person["age_band"], *coded))
    return sorted(rows, key=str)


def expected(*, dont_know_blank: bool = False) -> list[tuple]:
    """The gallery's eight finished respondents as they must be stored."""
    rows = []
    for who, place, age, levels in gallery.PEOPLE:
        coded = [None if lvl is None or (lvl == 0 and dont_know_blank) else "dk" if lvl == 0 else lvl for lvl in levels]
        rows.append((gallery.PROFILES[who], gallery.PLACES[place], gallery.AGES[age], *coded))
    return sorted(rows, key=str)


GALLERY = [
    ("limesurvey6_codes.csv", "limesurvey6_structure.txt", False),
    ("limesurvey6_texts.csv", None, False),
    ("kobo_xml_values.xlsx", "kobo_xlsform.xlsx", False),
    ("kobo_labels.xlsx", None, False),
    ("google_forms_grid.csv", None, False),
    ("google_forms_scale.csv", None, True),  # a linear scale has no "don't know": those were left blank
    ("excel_cp1252.csv", None, False),
]


@pytest.mark.parametrize(("name", "label_file", "dont_know_blank"), GALLERY)
def test_a_real_tools_file_imports_at_the_first_try(session, demo, name, label_file, dont_know_blank):
    pid, _ = demo
    frame, titles = read(name, label_file)
    target = imports.target(session=session, project_id=pid)
    mapping = imports.guess_mapping(list(frame.columns), target, titles)
    mapped = set(mapping.values())
    assert {f"i:{i}" for i in target.indicators} <= mapped  # the 16 indicators, none by hand
    assert {"q:profile", "q:place", "q:age_band"} <= mapped
    assert all(not (table["meaning"] == "").any() for table in imports.value_table(frame, mapping, target).values())
    wid = new_wave(session, pid)
    written = imports.import_frame(
        session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping, complete_only=True
    )
    assert written == len(gallery.PEOPLE)
    assert stored(session, pid, wid) == expected(dont_know_blank=dont_know_blank)
    if mapping_code := next((c for c, m in mapping.items() if m == imports.CODE), None):
        codes = set(service.existing_codes(session=session, project_id=pid, wave_id=wid))
        assert codes == {str(v) for v in frame[mapping_code] if str(v)} - _left_out_codes(frame, mapping)


def _left_out_codes(frame: pd.DataFrame, mapping: dict) -> set[str]:
    code = next(c for c, m in mapping.items() if m == imports.CODE)
    submitted = next((c for c, m in mapping.items() if m == imports.SUBMITTED), None)
    return set(frame.loc[frame[submitted] == "", code]) if submitted else set()


def test_limesurveys_code_and_text_headings_keep_their_quoted_commas(session, demo):
    frame, _ = read("limesurvey6_texts.csv")
    assert frame.attrs["separator"] == ";" and len(frame.columns) == 26  # not 53 pieces of headings
    pid, _ = demo
    mapping = imports.guess_mapping(list(frame.columns), imports.target(session=session, project_id=pid))
    indicator_columns = [c for c, m in mapping.items() if m.startswith("i:")]
    assert len(indicator_columns) == 16 and all(c.startswith("G01Q01[SQ") for c in indicator_columns)
    assert mapping["Response ID"] == imports.CODE and mapping["Date submitted"] == imports.SUBMITTED


def test_codes_without_the_label_file_are_shown_with_counts_and_recoded_by_a_person(session, demo):
    pid, _ = demo
    frame, _ = read("limesurvey6_codes.csv")
    target = imports.target(session=session, project_id=pid)
    mapping = imports.guess_mapping(list(frame.columns), target)
    assert sum(m.startswith("i:") for m in mapping.values()) == 16  # [SQ001]…[SQ016]: the 16 by their order
    assert mapping["G02Q02"] == imports.IGNORE  # a bare code says nothing: the person maps it
    mapping |= {"G02Q02": "q:profile", "G02Q03": "q:place", "G02Q04": "q:age_band"}
    tables = imports.value_table(frame, mapping, target)
    scale = tables[imports.INDICATORS].set_index("value")
    dont_know = sum(lvl == 0 for p in gallery.PEOPLE for lvl in p[3])
    assert scale.loc["A6", "meaning"] == "" and scale.loc["A6", "count"] == dont_know
    assert scale.loc["A1", "meaning"] == "1"
    assert set(tables["q:profile"]["meaning"]) == {""}  # A1…A6 are not profiles until someone says so
    wid = new_wave(session, pid)
    refused = imports.check(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping)
    assert {p.key for p in refused.problems} == {"error.import_level", "error.import_choice"} and not refused.responses
    recode = {
        imports.INDICATORS: {"A6": imports.DONT_KNOW},
        "q:profile": {f"A{n}": p for n, p in enumerate(gallery.PROFILES, 1)},
        "q:age_band": {f"A{n}": a for n, a in enumerate(gallery.AGES, 1)},
    }
    imports.import_frame(
        session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping, recode=recode, complete_only=True
    )
    assert stored(session, pid, wid) == expected()


def test_kobo_xml_values_without_the_xlsform_are_not_stored_as_they_are(session, demo):
    pid, wid = demo
    frame, _ = read("kobo_xml_values.xlsx")
    target = imports.target(session=session, project_id=pid)
    mapping = imports.guess_mapping(list(frame.columns), target)
    assert mapping["group_ab12/indicateur_1"] == f"i:{next(iter(target.indicators))}" and mapping["_id"] == imports.CODE
    tables = imports.value_table(frame, mapping, target)
    assert set(tables["q:profile"].loc[tables["q:profile"]["meaning"] == "", "value"]) >= {"jeunes_16_25"}
    checked = imports.check(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping)
    assert not checked.responses and {"error.import_level", "error.import_choice"} <= {p.key for p in checked.problems}


@pytest.mark.parametrize("value", ["10", "20", "40", "50", "-oth-", "A6", "3.5", "Autre", "L001"])
def test_answers_are_matched_exactly(session, demo, value):
    pid, wid = demo
    frame = imports.read_table(f"code,ind1\nx1,{value}\nx2,3\n".encode(), "f.csv")
    checked = imports.check(
        session=session, project_id=pid, wave_id=wid, frame=frame, mapping={"code": "code", "ind1": "i:1"}
    )
    assert [(p.row, p.key, p.value) for p in checked.problems] == [(2, "error.import_level", value)]


@pytest.mark.parametrize(
    ("value", "level"),
    [("3", 3), ("3.0", 3), ("3,0", 3), ("A3", 3), ("Situation moyenne", 3), ("3 · Average situation", 3),
     ("Ne sait pas", None), ("Je ne sais pas", None), ("NSP", None), ("9", None), ("Good situation", 4)],
)  # fmt: skip
def test_levels_written_as_the_tools_write_them(session, demo, value, level):
    pid, wid = demo
    frame = imports.read_table(f"code;ind1\nx1;{value}\n".encode(), "f.csv")
    checked = imports.check(
        session=session, project_id=pid, wave_id=wid, frame=frame, mapping={"code": "code", "ind1": "i:1"}
    )
    assert checked.valid and dict(checked.responses[0].levels) == {1: level}


def test_unfinished_and_empty_responses(session, demo):
    pid, _ = demo
    frame, titles = read("limesurvey6_codes.csv", "limesurvey6_structure.txt")
    target = imports.target(session=session, project_id=pid)
    mapping = imports.guess_mapping(list(frame.columns), target, titles)
    wid = new_wave(session, pid)
    every = imports.check(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping)
    assert (len(every.responses), every.blank, every.incomplete) == (9, 1, 0)  # id 110 opened the survey only
    complete = imports.check(
        session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping, complete_only=True
    )
    assert (len(complete.responses), complete.blank, complete.incomplete) == (8, 0, 2)
    assert "109" not in {r.code for r in complete.responses}


def test_a_file_imported_twice_is_detected_with_or_without_an_id_column(session, demo):
    pid, _ = demo
    target = imports.target(session=session, project_id=pid)
    for name in ("google_forms_grid.csv", "excel_cp1252.csv"):  # no id column; then one
        frame, _ = read(name)
        mapping = imports.guess_mapping(list(frame.columns), target)
        wid = new_wave(session, pid, name)
        imports.import_frame(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping)
        again = imports.check(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping)
        assert again.known == len(gallery.PEOPLE)
        merged = imports.check(
            session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping, merge=imports.SKIP
        )
        assert merged.known_left_out == len(gallery.PEOPLE) and not merged.responses and not merged.problems
        with pytest.raises(SpiraleError) as refused:  # nothing new: refused, not written twice
            imports.import_frame(
                session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping, merge=imports.SKIP
            )
        assert refused.value.key == "error.import_invalid"
        assert service.respondent_count(session=session, project_id=pid, wave_id=wid) == len(gallery.PEOPLE)


def test_windows_1252_is_read_and_said():
    frame, _ = read("excel_cp1252.csv")
    assert frame.attrs["encoding"] == "cp1252"
    assert list(frame.columns[:4]) == ["Code", "Profil", "Quartier", "Âge"]
    assert set(frame["Quartier"]) == set(gallery.PLACES)
    assert len(frame) == len(gallery.PEOPLE)  # Excel's formatted empty line is not a row


@pytest.mark.parametrize("name", ["excel_cp1252.csv", "kobo_labels.xlsx"])
def test_a_file_over_the_row_limit_is_refused_at_once_with_its_count(monkeypatch, name):
    monkeypatch.setenv("SPIRALE_IMPORT_MAX_ROWS", "5")
    with pytest.raises(SpiraleError) as refused:
        read(name)
    assert refused.value.key == "error.file_too_many_rows" and refused.value.params["limit"] == 5
    assert int(refused.value.params["count"].replace(" ", "")) >= len(gallery.PEOPLE)


def test_a_label_file_of_another_kind_is_refused_clearly():
    with pytest.raises(SpiraleError) as refused:
        labels.read_labels(b"a,b\n", "labels.csv")
    assert refused.value.key == "error.labels_type"
    with pytest.raises(SpiraleError) as refused:
        labels.read_labels((DATA / "kobo_labels.xlsx").read_bytes(), "form.xlsx")  # data, not a form
    assert refused.value.key == "error.labels_unreadable"
