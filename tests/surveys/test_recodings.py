"""Saved recodings (issue 15, point 2): LimeSurvey's codes recoded once by a person, saved by name, and the
next file of the same form (another wave, the same headings) read the same way at once; kept through a
project archive (indicators found again by name under their new ids). Read back from the database."""

import io
import json
import zipfile

import pandas as pd
import pytest

import schema
from surveys import imports, recodings, service
from surveys.models import ImportRecoding
from tests.surveys.test_real_tools import expected, gallery, new_wave, read, stored
from workshop import archive, database
from workshop.errors import SpiraleError

RECODE = {
    imports.INDICATORS: {"A6": imports.DONT_KNOW},
    "q:profile": {f"A{n}": p for n, p in enumerate(gallery.PROFILES, 1)},
    "q:age_band": {f"A{n}": a for n, a in enumerate(gallery.AGES, 1)},
}
BY_HAND = {"G02Q02": "q:profile", "G02Q03": "q:place", "G02Q04": "q:age_band"}


def _next_wave_file(frame: pd.DataFrame) -> pd.DataFrame:
    """The same LimeSurvey survey exported again for a later wave: new ids, rows in another order."""
    later = frame.iloc[::-1].copy()
    later["id"] = [str(int(v) + 100) for v in later["id"]]
    return later


def _saved(session, pid: int, frame: pd.DataFrame) -> recodings.Recoding:
    target = imports.target(session=session, project_id=pid)
    mapping = imports.guess_mapping(list(frame.columns), target) | BY_HAND
    return recodings.save_recoding(session=session, project_id=pid, name="LimeSurvey Valmont",
                                   columns=list(frame.columns), mapping=mapping, recode=RECODE, complete_only=True,
                                   target=target)  # fmt: skip


def test_the_next_file_of_the_same_form_is_read_with_the_saved_recoding(session, demo):
    pid, _ = demo
    first, _ = read("limesurvey6_codes.csv")
    _saved(session, pid, first)
    later = _next_wave_file(first)
    target = imports.target(session=session, project_id=pid)
    found = recodings.matching(recodings.list_recodings(session=session, project_id=pid), list(later.columns))
    assert found is not None and found.name == "LimeSurvey Valmont" and found.complete_only
    mapping, recode = recodings.applied(found, list(later.columns), target)
    mapping = imports.guess_mapping(list(later.columns), target) | mapping
    assert {mapping[c] for c in BY_HAND} == set(BY_HAND.values()) and recode == RECODE
    wid = new_wave(session, pid, "Vague 2")
    written = imports.import_frame(session=session, project_id=pid, wave_id=wid, frame=later, mapping=mapping,
                                   recode=recode, complete_only=found.complete_only)  # fmt: skip
    assert written == len(gallery.PEOPLE) and stored(session, pid, wid) == expected()


def test_another_form_finds_no_recoding_and_a_name_saved_again_replaces_it(session, demo):
    pid, _ = demo
    first, _ = read("limesurvey6_codes.csv")
    saved = _saved(session, pid, first)
    other, _ = read("google_forms_grid.csv")
    assert recodings.matching(recodings.list_recodings(session=session, project_id=pid), list(other.columns)) is None
    again = _saved(session, pid, first.drop(columns=["seed"]))
    kept = recodings.list_recodings(session=session, project_id=pid)
    assert [r.id for r in kept] == [saved.id] and again.headings != saved.headings and "seed" not in kept[0].columns
    target = imports.target(session=session, project_id=pid)
    with pytest.raises(SpiraleError) as unnamed:
        recodings.save_recoding(session=session, project_id=pid, name="  ", columns=["a"], mapping={}, recode={},
                                complete_only=False, target=target)  # fmt: skip
    assert unnamed.value.key == "error.recoding_name"
    recodings.delete_recoding(session=session, project_id=pid, recoding_id=saved.id)
    assert recodings.list_recodings(session=session, project_id=pid) == []


def test_a_recoding_travels_in_the_archive_and_finds_its_indicators_by_name(db_url, tmp_path):
    from demo import load_demo

    with database.session_scope(db_url) as session:
        pid = load_demo(session=session).id
        first, _ = read("limesurvey6_codes.csv")
        _saved(session, pid, first)
        data = archive.export_project(session=session, metadata=schema.metadata, project_id=pid)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    database.prepare(other)
    with database.session_scope(other) as session:
        service_pid = archive.import_project(session=session, metadata=schema.metadata, data=data)
        target = imports.target(session=session, project_id=service_pid)
        (found,) = recodings.list_recodings(session=session, project_id=service_pid)
        mapping, _ = recodings.applied(found, list(first.columns), target)
        names = {c: target.indicators[int(m[2:])]["name_fr"] for c, m in mapping.items() if m.startswith("i:")}
        wid = new_wave(session, service_pid, "Après archive")
        mapping = imports.guess_mapping(list(first.columns), target) | mapping
        imports.import_frame(session=session, project_id=service_pid, wave_id=wid, frame=first, mapping=mapping,
                             recode=RECODE, complete_only=True)  # fmt: skip
        assert stored(session, service_pid, wid) == expected()
    with database.session_scope(db_url) as session:
        source = imports.target(session=session, project_id=pid)
        (mine,) = recodings.list_recodings(session=session, project_id=pid)
    assert names == {c: source.indicators[int(m[2:])]["name_fr"] for c, m in mine.mapping.items() if m.startswith("i:")}
    assert len(names) == 16


def test_an_archive_with_a_damaged_recoding_is_refused_by_the_tables_rule(db_url):
    from demo import load_demo

    with database.session_scope(db_url) as session:
        pid = load_demo(session=session).id
        _saved(session, pid, read("limesurvey6_codes.csv")[0])
        data = archive.export_project(session=session, metadata=schema.metadata, project_id=pid)
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        members = {name: json.loads(opened.read(name)) for name in opened.namelist()}
    members["tables/import_recoding.json"][0]["recode"] = "[1, 2"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, value in members.items():
            out.writestr(name, json.dumps(value))
    with pytest.raises(SpiraleError) as refused, database.session_scope(db_url) as session:
        archive.import_project(session=session, metadata=schema.metadata, data=buffer.getvalue())
    assert refused.value.key == "error.archive_row"
    assert refused.value.params["problem"].key == "error.recoding_damaged"
    assert refused.value.params["file"] == "tables/import_recoding.json"
    with database.session_scope(db_url) as session:
        assert len(session.exec(ImportRecoding.__table__.select()).all()) == 1  # only the demo's own
        assert len(service.list_waves(session=session, project_id=pid)) >= 1
