"""A file whose respondents are partly in the wave already (issue 15, point 3): the person chooses to leave them
out, update them from the file, or refuse the file; new and updated respondents are written in one transaction,
and whatever the file does not carry is kept. Read back from the database."""

import pandas as pd
import pytest

from surveys import changes, imports, service
from workshop import database
from workshop.errors import SpiraleError


@pytest.fixture
def wave(session, demo):
    """A new wave holding five respondents r1…r5 on the first three indicators (r1 also answers a fourth)."""
    pid, _ = demo
    iids = sorted(service.usable_indicator_ids(session=session, project_id=pid))[:4]
    wid = service.create_wave(session=session, project_id=pid, name="Reprise", kind="ex-post").id
    for n in range(1, 6):
        levels = {iids[0]: 2, iids[1]: 2, iids[2]: None}
        if n == 1:
            levels[iids[3]] = 5  # an indicator the second file does not carry: kept by an update
        service.add_response(session=session, project_id=pid, wave_id=wid, code=f"r{n}", place="Bourg",
                             weight=1.0, levels=levels, extra={"transport": "bus"})  # fmt: skip
    session.flush()
    return pid, wid, iids


def _second_file(iids: list[int]) -> pd.DataFrame:
    """r1…r3 again with new answers (r2 leaves the third indicator blank), and two new people r6, r7."""
    rows = [
        {"code": "r1", "quartier": "Gare", f"ind{iids[0]}": "4", f"ind{iids[1]}": "5", f"ind{iids[2]}": "3"},
        {"code": "r2", "quartier": "Gare", f"ind{iids[0]}": "1", f"ind{iids[1]}": "dk", f"ind{iids[2]}": ""},
        {"code": "r3", "quartier": "", f"ind{iids[0]}": "3", f"ind{iids[1]}": "3", f"ind{iids[2]}": "3"},
        {"code": "r6", "quartier": "Gare", f"ind{iids[0]}": "5", f"ind{iids[1]}": "5", f"ind{iids[2]}": "5"},
        {"code": "r7", "quartier": "Bourg", f"ind{iids[0]}": "4", f"ind{iids[1]}": "4", f"ind{iids[2]}": "4"},
    ]
    return pd.DataFrame(rows)


def _people(session, pid: int, wid: int) -> dict[str, dict]:
    people = service.respondents_frame(session=session, project_id=pid, wave_id=wid).set_index("code")
    answers = service.answers_frame(session=session, project_id=pid, wave_id=wid)
    levels = {
        code: {
            int(i): None if pd.isna(lvl) else int(lvl)
            for i, lvl in zip(group["indicator_id"], group["level"], strict=True)
        }
        for code, group in answers.groupby("code")
    }
    return {code: {"place": row["place"], "transport": row.get("transport"), "levels": levels.get(code, {})}
            for code, row in people.iterrows()}  # fmt: skip


def _mapping(session, pid: int, frame: pd.DataFrame) -> dict[str, str]:
    target = imports.target(session=session, project_id=pid)
    mapping = imports.guess_mapping(list(frame.columns), target)
    assert mapping["code"] == imports.CODE and mapping["quartier"] == "q:place"
    return mapping


def test_update_replaces_what_the_file_carries_and_keeps_the_rest(session, wave):
    pid, wid, iids = wave
    frame = _second_file(iids)
    mapping = _mapping(session, pid, frame)
    checked = imports.check(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping,
                            merge=imports.UPDATE)  # fmt: skip
    assert (len(checked.responses), len(checked.updates), checked.known, checked.problems) == (2, 3, 3, [])
    written = imports.import_frame(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping,
                                   merge=imports.UPDATE)  # fmt: skip
    assert written == 5
    people = _people(session, pid, wid)
    assert sorted(people) == ["r1", "r2", "r3", "r4", "r5", "r6", "r7"]  # two more, none twice
    assert people["r1"] == {"place": "Gare", "transport": "bus", "levels": {iids[0]: 4, iids[1]: 5, iids[2]: 3,
                                                                            iids[3]: 5}}  # fmt: skip
    assert people["r2"]["levels"] == {iids[0]: 1, iids[1]: None}  # a blank cell removes the stored answer
    assert people["r3"]["place"] == ""  # the file's blank place is the file's answer
    assert people["r4"] == {"place": "Bourg", "transport": "bus", "levels": {iids[0]: 2, iids[1]: 2, iids[2]: None}}
    assert people["r6"]["levels"] == {iids[0]: 5, iids[1]: 5, iids[2]: 5}


def test_updating_known_respondents_alone_redraws_the_dashboard_presentation(session, wave):
    """The presentation's change check moves on an import that only updates respondents already stored."""
    pid, wid, iids = wave
    frame = _second_file(iids).iloc[:1]  # r1 only: known, nothing added
    mapping = _mapping(session, pid, frame)
    before = changes.survey_change(session=session, project_id=pid)
    imports.import_frame(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping,
                         merge=imports.UPDATE)  # fmt: skip
    after = changes.survey_change(session=session, project_id=pid)
    assert after[:3] == before[:3] and after != before  # same respondents, same weights; new answers


def test_skip_leaves_known_respondents_as_they_were(session, wave):
    pid, wid, iids = wave
    frame = _second_file(iids)
    mapping = _mapping(session, pid, frame)
    before = _people(session, pid, wid)
    written = imports.import_frame(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping,
                                   merge=imports.SKIP)  # fmt: skip
    after = _people(session, pid, wid)
    assert written == 2 and {k: after[k] for k in before} == before and set(after) - set(before) == {"r6", "r7"}


def test_refuse_names_each_known_row_and_writes_nothing(session, wave):
    pid, wid, iids = wave
    frame = _second_file(iids)
    mapping = _mapping(session, pid, frame)
    checked = imports.check(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping,
                            merge=imports.REFUSE)  # fmt: skip
    assert [(p.row, p.key, p.value) for p in checked.problems] == [
        (2, "error.import_code_exists", "r1"), (3, "error.import_code_exists", "r2"),
        (4, "error.import_code_exists", "r3"),
    ]  # fmt: skip
    before = _people(session, pid, wid)
    with pytest.raises(SpiraleError) as refused:
        imports.import_frame(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping,
                             merge=imports.REFUSE)  # fmt: skip
    assert refused.value.key == "error.import_invalid" and _people(session, pid, wid) == before


def test_new_and_updated_respondents_are_one_transaction(db_url, monkeypatch):
    """When the update fails after the new respondents are written, none of them stays."""
    from demo import load_demo

    with database.session_scope(db_url) as session:
        pid = load_demo(session=session).id
        iids = sorted(service.usable_indicator_ids(session=session, project_id=pid))[:3]
        wid = service.create_wave(session=session, project_id=pid, name="Tout ou rien").id
        service.add_response(session=session, project_id=pid, wave_id=wid, code="r1", levels={iids[0]: 2})
    real = service.update_responses

    def failing(**kwargs):
        real(**kwargs)
        raise SpiraleError("error.database_busy")

    monkeypatch.setattr(service, "update_responses", failing)
    frame = _second_file([*iids, 0])
    with pytest.raises(SpiraleError) as failed, database.session_scope(db_url) as session:
        imports.import_frame(session=session, project_id=pid, wave_id=wid, frame=frame,
                             mapping=_mapping(session, pid, frame), merge=imports.UPDATE)  # fmt: skip
    assert failed.value.key == "error.database_busy"
    with database.session_scope(db_url) as session:
        people = _people(session, pid, wid)
    assert people == {"r1": {"place": "", "transport": None, "levels": {iids[0]: 2}}}


def test_without_an_id_column_known_answers_are_skipped_refused_or_added(session, wave):
    pid, wid, iids = wave
    known = {"quartier": "Bourg", f"ind{iids[0]}": "2", f"ind{iids[1]}": "2", f"ind{iids[2]}": "dk"}
    new = {"quartier": "Gare", f"ind{iids[0]}": "1", f"ind{iids[1]}": "1", f"ind{iids[2]}": "1"}
    frame = pd.DataFrame([known, known, new])
    target = imports.target(session=session, project_id=pid)
    mapping = imports.guess_mapping(list(frame.columns), target)
    outcomes = {}
    for merge in (imports.SKIP, imports.UPDATE, imports.REFUSE, imports.ADD):
        checked = imports.check(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping,
                                merge=merge)  # fmt: skip
        outcomes[merge] = (len(checked.responses), checked.known, [p.key for p in checked.problems])
    assert outcomes == {
        imports.SKIP: (1, 2, []),
        imports.UPDATE: (1, 2, []),  # the same answers: nothing to update
        imports.REFUSE: (0, 2, ["error.import_answers_known"] * 2),
        imports.ADD: (3, 2, []),
    }
    with pytest.raises(SpiraleError) as unknown:
        imports.check(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping, merge="merge")
    assert unknown.value.key == "error.import_merge"
