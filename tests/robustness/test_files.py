"""Hostile files at every import: paper notes, survey answers (ours, LimeSurvey, KoboToolbox), indicator sets,
project archives. Each file is imported whole or refused with a clear message, the database unchanged."""

import io
import json
from dataclasses import dataclass
from datetime import datetime

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import schema
from groups import paper
from groups import service as groups_service
from indicators import service as indicators_service
from indicators import transfer
from indicators.models import ACTIVE
from surveys import imports
from surveys import service as surveys_service
from tests.robustness.conftest import all_accepted, call, examples, read, snapshot
from tests.robustness.files import (
    ENCODINGS,
    FORMULAS,
    TABLE_NAMES,
    forge_sizes,
    mutated_rows,
    table,
    to_xlsx,
    zip_of,
)
from tests.robustness.strategies import cleaned, hostile_text, valid_text
from workshop import archive, database, projects
from workshop.text import NAME_MAX, NOTE_MAX

EXAMPLES = examples(15)
SCALE = {level: f"Situation {level}" for level in range(1, 6)}
kinds = st.sampled_from(["csv", "xlsx"])
separators = st.sampled_from([",", ";", "\t"])
encodings = st.sampled_from(ENCODINGS)


@dataclass
class World:
    url: str
    project_id: int
    indicator_id: int
    wave_id: int


def build_world(url: str) -> World:
    with database.session_scope(url) as session:
        project_id = projects.create_project(session=session, name="Quartier robuste", place="Testville").id
        for profile in ("Jeunes", "Parents seuls"):
            groups_service.create_group(session=session, project_id=project_id, profile=profile)
        indicator = indicators_service.create_indicator(
            session=session, project_id=project_id, name_fr="Logement", levels=SCALE
        )
        wave = surveys_service.create_wave(session=session, project_id=project_id, name="Vague 1")
    return World(url, project_id, indicator.id, wave.id)


@pytest.fixture
def world(db_url: str) -> World:
    return build_world(db_url)


def count(url: str, table: str) -> int:
    return len(snapshot(url)[table])


# ---------- paper notes ----------

PAPER = [
    ["groupe", "question", "texte", "auteur"],
    ["Jeunes", "bien-être", "Un logement à soi", "Awa"],
    ["Parents seuls", "mal-être", "Le bruit la nuit", ""],
    ["jeunes", "action", "Un jardin partagé", "Léo"],
]


def paper_import(url: str, project_id: int, data: bytes, name: str) -> tuple[bool, object]:
    return call(url, paper.import_file, project_id=project_id, name=name, data=data)


@EXAMPLES
@given(data=st.binary(max_size=3000), name=st.sampled_from(TABLE_NAMES))
def test_paper_notes_random_bytes(world: World, data: bytes, name: str) -> None:
    paper_import(world.url, world.project_id, data, name)


@EXAMPLES
@given(kind=kinds, cut=st.floats(0, 1, exclude_max=True), encoding=encodings)
def test_paper_notes_truncated(world: World, kind: str, cut: float, encoding: str) -> None:
    data, name = table(PAPER, kind, encoding=encoding)
    paper_import(world.url, world.project_id, data[: int(len(data) * cut)], name)


@EXAMPLES
@given(rows=mutated_rows(PAPER), kind=kinds, separator=separators, encoding=encodings)
def test_paper_notes_hostile_cells(world: World, rows: list, kind: str, separator: str, encoding: str) -> None:
    data, name = table(rows, kind, separator, encoding)
    before = count(world.url, "criterion")
    ok, added = paper_import(world.url, world.project_id, data, name)
    if ok:  # every note of the file, nothing more, nothing less
        assert count(world.url, "criterion") == before + added
        stored = read(world.url, groups_service.list_criteria, project_id=world.project_id)[before:]
        assert all(note.text == cleaned(note.text) and note.text for note in stored)


# ---------- survey answers: ours, LimeSurvey, KoboToolbox ----------


def answers_rows(indicator_id: int, style: str) -> list[list[object]]:
    column = {"ours": f"ind{indicator_id}", "lime": "Logement", "kobo": f"group_ind/ind{indicator_id}"}[style]
    code = {"ours": "code", "lime": "id", "kobo": "_id"}[style]
    profile = {"ours": "profile", "lime": "Profil du répondant", "kobo": "group_profil/profile"}[style]
    levels = {"ours": ["1", "5", "9"], "lime": ["A1", "A5", "A3"], "kobo": ["2", "Situation 4", "Ne sait pas"]}
    return [[code, profile, column, "poids"]] + [
        [f"r{n}", "Jeunes", level, "1,5"] for n, level in enumerate(levels[style], start=1)
    ]


def survey_import(world: World, data: bytes, name: str) -> tuple[bool, object]:
    """Into a new wave each time, so that a file's codes are never refused as already there."""
    wave = read(world.url, surveys_service.create_wave, project_id=world.project_id, name="Vague")

    def run(*, session, project_id: int, wave_id: int) -> int:
        frame = imports.read_table(data, name)
        target = imports.target(session=session, project_id=project_id)
        mapping = imports.guess_mapping(list(frame.columns), target)
        return imports.import_frame(session=session, project_id=project_id, wave_id=wave_id, frame=frame,
                                    mapping=mapping)  # fmt: skip

    return call(world.url, run, project_id=world.project_id, wave_id=wave.id)


@EXAMPLES
@given(data=st.binary(max_size=3000), name=st.sampled_from(TABLE_NAMES))
def test_survey_answers_random_bytes(world: World, data: bytes, name: str) -> None:
    survey_import(world, data, name)


@EXAMPLES
@given(style=st.sampled_from(["ours", "lime", "kobo"]), kind=kinds, cut=st.floats(0, 1, exclude_max=True))
def test_survey_answers_truncated(world: World, style: str, kind: str, cut: float) -> None:
    data, name = table(answers_rows(world.indicator_id, style), kind)
    survey_import(world, data[: int(len(data) * cut)], name)


@EXAMPLES
@given(data=st.data(), style=st.sampled_from(["ours", "lime", "kobo"]), kind=kinds, separator=separators,
       encoding=encodings)  # fmt: skip
def test_survey_answers_hostile_cells(world: World, data, style: str, kind: str, separator: str, encoding: str) -> None:
    rows = data.draw(mutated_rows(answers_rows(world.indicator_id, style)))
    content, name = table(rows, kind, separator, encoding)
    before = count(world.url, "respondent")
    ok, added = survey_import(world, content, name)
    if ok:
        assert count(world.url, "respondent") == before + added


# ---------- indicator sets ----------

INDICATORS = [
    ["name_fr", "name_en", "family", "component", "definition", "level1", "level2", "level3", "level4", "level5"],
    ["Se loger", "Housing", "", "", "Un toit", "Rue", "Squat", "Foyer", "Location", "Chez soi"],
    ["Travailler", "", "", "", "", "Aucun", "Petits boulots", "CDD", "CDI", "Choisi"],
]


def indicator_json(rows: list[list[object]]) -> bytes:
    header, *body = rows
    records = []
    for row in body:
        item = dict(zip(map(str, header), row, strict=False))  # JSON keys are text, even a mutated header cell
        item["levels"] = {str(level): item.pop(f"level{level}", "") for level in range(1, 6)}
        records.append(item)
    return json.dumps({"format": transfer.FORMAT, "version": 1, "indicators": records}, default=str).encode()


def indicator_import(world: World, data: bytes, name: str) -> tuple[bool, object]:
    """Into a new project each time, so that a file's names are never refused as already there."""
    project_id = read(world.url, projects.create_project, name=f"Import {count(world.url, 'project')}").id
    ok, added = call(world.url, transfer.import_indicators, project_id=project_id, data=data, filename=name)
    if ok:  # every row became a usable indicator (five situations): none silently left a draft
        new = read(world.url, indicators_service.list_indicators, project_id=project_id)
        assert len(new) == added and all(i.status == ACTIVE for i in new)
        assert all(i.name_fr == cleaned(i.name_fr) and i.name_fr for i in new)
    return ok, added


@EXAMPLES
@given(data=st.binary(max_size=3000), name=st.sampled_from(TABLE_NAMES))
def test_indicator_set_random_bytes(world: World, data: bytes, name: str) -> None:
    indicator_import(world, data, name)


@EXAMPLES
@given(kind=st.sampled_from(["csv", "xlsx", "json"]), cut=st.floats(0, 1, exclude_max=True))
def test_indicator_set_truncated(world: World, kind: str, cut: float) -> None:
    data, name = (indicator_json(INDICATORS), "set.json") if kind == "json" else table(INDICATORS, kind)
    indicator_import(world, data[: int(len(data) * cut)], name)


def _with(rows: list[list[object]], line: int, column: int, value: object) -> list[list[object]]:
    changed = [list(r) for r in rows]
    changed[line][column] = value
    return changed


@EXAMPLES
@given(rows=mutated_rows(INDICATORS), kind=st.sampled_from(["csv", "xlsx", "json"]), encoding=encodings)
@example(rows=_with(INDICATORS, 1, 5, "\x07"), kind="csv", encoding="utf-8")  # a level of control characters only
@example(rows=_with(INDICATORS, 2, 0, "\x01"), kind="json", encoding="utf-8")  # a name of control characters only
@example(rows=_with(INDICATORS, 0, 0, datetime(2000, 1, 1)), kind="json", encoding="utf-8")  # a date as a header
def test_indicator_set_hostile_cells(world: World, rows: list, kind: str, encoding: str) -> None:
    data, name = (indicator_json(rows), "set.json") if kind == "json" else table(rows, kind, encoding=encoding)
    indicator_import(world, data, name)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(), hostile_text,
              st.sampled_from(FORMULAS)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


@EXAMPLES
@given(document=json_values)
def test_indicator_set_foreign_json(world: World, document: object) -> None:
    indicator_import(world, json.dumps(document).encode(), "set.json")


# ---------- project archives ----------


def export(world: World) -> bytes:
    with database.session_scope(world.url) as session:
        groups_service.add_criterion(session=session, project_id=world.project_id, group_id=1, question="wellbeing",
                                     text="Un logement")  # fmt: skip
        surveys_service.add_response(session=session, project_id=world.project_id, wave_id=world.wave_id,
                                     levels={world.indicator_id: 4})  # fmt: skip
        return archive.export_project(session=session, metadata=schema.metadata, project_id=world.project_id)


@pytest.fixture
def exported(world: World) -> bytes:
    return export(world)


def archive_import(world: World, data: bytes) -> tuple[bool, object]:
    before = count(world.url, "project")
    ok, new_id = call(world.url, archive.import_project, metadata=schema.metadata, data=data)
    if ok:
        assert count(world.url, "project") == before + 1
    return ok, new_id


MEMBERS = ["manifest.json", "tables/project.json", "tables/criterion.json", "x"]
zips_of_bytes = st.builds(zip_of, st.dictionaries(st.sampled_from(MEMBERS), st.binary(max_size=200)))


@EXAMPLES
@given(data=st.one_of(st.binary(max_size=3000), zips_of_bytes))
def test_archive_random_bytes(world: World, data: bytes) -> None:
    archive_import(world, data)


@EXAMPLES
@given(cut=st.floats(0, 1, exclude_max=True))
def test_archive_truncated(world: World, exported: bytes, cut: float) -> None:
    archive_import(world, exported[: int(len(exported) * cut)])


def _members(data: bytes) -> dict[str, object]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        return {name: json.loads(opened.read(name)) for name in opened.namelist()}


def hostile_archive(exported: bytes, data: st.DataObject) -> bytes:
    """The archive with one value of one row replaced by hostile JSON."""
    members = _members(exported)
    tables = sorted(n for n, rows in members.items() if n.startswith("tables/") and rows)
    name = data.draw(st.sampled_from(tables))
    row = data.draw(st.sampled_from(members[name]))
    column = data.draw(st.sampled_from(sorted(row)))
    row[column] = data.draw(json_values)
    return zip_of({n: json.dumps(v, default=str).encode() for n, v in members.items()})


@EXAMPLES
@given(data=st.data())
def test_archive_hostile_values(world: World, exported: bytes, data: st.DataObject) -> None:
    archive_import(world, hostile_archive(exported, data))


@pytest.fixture
def pg_world(pg_url: str) -> World:
    database.prepare(pg_url)
    return build_world(pg_url)


@pytest.fixture
def pg_exported(pg_world: World) -> bytes:
    return export(pg_world)


@examples(10)
@given(data=st.data(), rows=mutated_rows(INDICATORS))
def test_archive_and_indicator_set_on_postgresql(
    pg_world: World, pg_exported: bytes, data: st.DataObject, rows: list
) -> None:
    """PostgreSQL refuses NUL and over-long text itself: still a clear refusal, nothing written."""
    archive_import(pg_world, hostile_archive(pg_exported, data))
    indicator_import(pg_world, indicator_json(rows), "set.json")


def test_archive_that_announces_gigabytes_is_refused_before_unpacking(world: World, exported: bytes) -> None:
    ok, error = archive_import(world, forge_sizes(exported))
    assert not ok and error.key == "error.archive_unpacked_too_big"


def test_workbook_that_announces_gigabytes_is_refused_before_unpacking(world: World) -> None:
    bomb = forge_sizes(to_xlsx(PAPER))
    ok, error = paper_import(world.url, world.project_id, bomb, "notes.xlsx")
    assert not ok and error.key == "error.file_unpacked_too_big"
    ok, error = indicator_import(world, forge_sizes(to_xlsx(INDICATORS)), "set.xlsx")
    assert not ok and error.key == "error.file_unpacked_too_big"


def test_a_valid_file_of_each_kind_is_imported_whole(world: World, exported: bytes) -> None:
    """The hostile tests above prove refusals; this proves their starting files are good."""
    assert paper_import(world.url, world.project_id, *table(PAPER, "csv")) == (True, 3)
    for style in ("ours", "lime", "kobo"):
        assert survey_import(world, *table(answers_rows(world.indicator_id, style), "xlsx")) == (True, 3)
    assert indicator_import(world, indicator_json(INDICATORS), "set.json") == (True, 2)
    assert archive_import(world, exported)[0]


# ---------- valid files of the same shapes: imported whole, every cell stored as written ----------

VALID = examples(8)  # each example writes a file and imports it whole: fewer, heavier examples
UTF8 = st.sampled_from(["utf-8", "utf-8-sig"])  # what the imports read (another encoding: error.file_encoding)

# Group and question names as people type them (case, accents, spaces around); what each must become.
GROUP_SPELLINGS = {"Jeunes": "Jeunes", " jeunes": "Jeunes", "JEUNES ": "Jeunes", "Parents seuls": "Parents seuls",
                   "parents seuls": "Parents seuls"}  # fmt: skip
QUESTION_SPELLINGS = {"bien-être": "wellbeing", "Bien-être": "wellbeing", "wellbeing": "wellbeing",
                      "mal-être": "illbeing", "MAL-ETRE": "illbeing", "action": "action",
                      "Actions": "action"}  # fmt: skip


# A cell a spreadsheet keeps as text: no line break of its own kind (CR, LS...) nor formula sign in front.
cell_text = st.one_of(st.text(st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\r\x85"),
                              min_size=1, max_size=60),
                      st.sampled_from(["<b>gras</b> & 'x'", "**gras** _it_", "Robert'); DROP TABLE criterion; --",
                                       "{name} %s", "😀 𝔘𝔱𝔬𝔭𝔦𝔞", "e\u0301té", "\u202eexe.txt"]),
                      ).filter(lambda t: t.strip() and t.strip()[0] not in "=+-@")  # fmt: skip


@VALID
@given(notes=st.lists(st.tuples(st.sampled_from(sorted(GROUP_SPELLINGS)), st.sampled_from(sorted(QUESTION_SPELLINGS)),
                                cell_text, st.one_of(st.just(""), cell_text)), min_size=1, max_size=6),
       kind=kinds, separator=separators, encoding=UTF8)  # fmt: skip
def test_valid_paper_notes_are_stored_as_written(world: World, notes: list, kind: str, separator: str,
                                                 encoding: str) -> None:  # fmt: skip
    rows = [["groupe", "question", "texte", "auteur"], *[list(n) for n in notes]]
    assume(all(len(t.strip()) <= NOTE_MAX and len(a.strip()) <= NAME_MAX for _, _, t, a in notes))
    groups = {g.profile: g.id for g in read(world.url, groups_service.list_groups, project_id=world.project_id)}
    before = count(world.url, "criterion")
    with all_accepted():
        assert paper_import(world.url, world.project_id, *table(rows, kind, separator, encoding)) == (True, len(notes))
    stored = read(world.url, groups_service.list_criteria, project_id=world.project_id)[before:]
    assert [(n.group_id, n.question, n.text, n.author) for n in stored] == [
        (groups[GROUP_SPELLINGS[g]], QUESTION_SPELLINGS[q], text.strip(), author.strip())
        for g, q, text, author in notes
    ]


LEVEL_SPELLINGS = {"ours": {"1": 1, "3": 3, "5": 5, "": None, "9": None},
                   "lime": {"A1": 1, "A4": 4, "": None, "A5": 5},  # ("-oth-" is refused: not a don't know)
                   "kobo": {"2": 2, "Situation 4": 4, "": None, "Ne sait pas": None}}  # fmt: skip


@VALID
@given(style=st.sampled_from(sorted(LEVEL_SPELLINGS)), kind=kinds, separator=separators, data=st.data(),
       weights=st.lists(st.sampled_from(["1", "1,5", "2.25", "0,5", ""]), min_size=1, max_size=6))  # fmt: skip
def test_valid_survey_answers_are_stored_as_written(world: World, style: str, kind: str, separator: str,
                                                    data: st.DataObject, weights: list[str]) -> None:  # fmt: skip
    levels = [data.draw(st.sampled_from(sorted(LEVEL_SPELLINGS[style]))) for _ in weights]
    header, *_ = answers_rows(world.indicator_id, style)
    answered = zip(levels, weights, strict=True)
    rows = [header, *[[f"r{n}", "Jeunes", level, weight] for n, (level, weight) in enumerate(answered)]]
    answering = [n for n, level in enumerate(levels) if level]  # a row with no answer is no respondent
    assume(answering)  # (a file without one answer is refused: tests/surveys/test_real_tools.py)
    with all_accepted():
        assert survey_import(world, *table(rows, kind, separator)) == (True, len(answering))
    wave = read(world.url, surveys_service.list_waves, project_id=world.project_id)[-1]
    people = read(world.url, surveys_service.respondents_frame, project_id=world.project_id, wave_id=wave.id)
    assert sorted(people["code"]) == sorted(f"r{n}" for n in answering)  # each respondent, once
    people = people.set_index("code").loc[[f"r{n}" for n in answering]]
    assert set(people["profile"]) == {"Jeunes"}
    assert people["weight"].tolist() == [float(weights[n].replace(",", ".") or 1) for n in answering]
    answers = read(world.url, surveys_service.answers_frame, project_id=world.project_id, wave_id=wave.id)
    given_levels = {code: None if level != level else int(level) for code, level in zip(answers["code"],
                    answers["level"], strict=True)}  # fmt: skip
    # A "don't know" is an answer without a level: it reads back as no level.
    assert [given_levels.get(f"r{n}") for n in answering] == [LEVEL_SPELLINGS[style][levels[n]] for n in answering]


@VALID
@given(sets=st.lists(st.tuples(valid_text(120), valid_text(200, required=False), valid_text(2000, required=False),
                               st.lists(valid_text(2000), min_size=5, max_size=5)), min_size=1, max_size=3),
       kind=st.sampled_from(["csv", "xlsx", "json"]))  # fmt: skip
def test_valid_indicator_sets_are_stored_as_written(world: World, sets: list, kind: str) -> None:
    assume(len({cleaned(name).casefold() for name, *_ in sets}) == len(sets))  # names are unique in a set
    rows = [INDICATORS[0], *[[name, en, "", "", definition, *levels] for name, en, definition, levels in sets]]
    data, name = (indicator_json(rows), "set.json") if kind == "json" else table(rows, kind)
    # A carriage return inside a cell comes back as a line feed (spreadsheet line breaks are \n), and a workbook
    # cell starting with "=" is a formula, not text: neither is this shape.
    assume(not any("\r" in cleaned(str(v)) for r in rows for v in r))
    assume(kind != "xlsx" or not any(cleaned(str(v)).startswith("=") for r in rows for v in r))
    with all_accepted():
        ok, added = indicator_import(world, data, name)
    assert (ok, added) == (True, len(sets))
    project = read(world.url, projects.list_projects)[-1].id
    made = read(world.url, indicators_service.list_indicators, project_id=project)
    assert [(i.name_fr, i.name_en, i.definition) for i in made] == [
        (cleaned(n), cleaned(en), cleaned(d)) for n, en, d, _ in sets
    ]
    for indicator, (*_, levels) in zip(made, sets, strict=True):
        stored = read(world.url, indicators_service.levels_of, project_id=project, indicator_id=indicator.id)
        assert stored == {level: cleaned(text) for level, text in enumerate(levels, start=1)}
