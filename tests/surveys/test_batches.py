"""A large import written in short batches (issue 15, point 4): all or nothing still, a progress after each batch,
nothing seen before the end, and another process writes meanwhile without waiting for the whole import."""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from demo import load_demo
from surveys import batches, imports, service
from surveys.models import Answer, Respondent, Wave
from workshop import database
from workshop.errors import SpiraleError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(db_url):
    with database.session_scope(db_url) as session:
        pid = load_demo(session=session).id
        iids = sorted(service.usable_indicator_ids(session=session, project_id=pid))
        wid = service.create_wave(session=session, project_id=pid, name="Grand fichier", kind="ex-post").id
    return pid, wid, iids


def _checked(db_url: str, pid: int, wid: int, iids: list[int], rows: int) -> imports.Checked:
    frame = pd.DataFrame(
        [{"code": f"g{n}", **{f"ind{i}": str(1 + (n + k) % 5) for k, i in enumerate(iids)}} for n in range(rows)]
    )
    with database.session_scope(db_url) as session:
        mapping = imports.guess_mapping(list(frame.columns), imports.target(session=session, project_id=pid))
        return imports.check(session=session, project_id=pid, wave_id=wid, frame=frame, mapping=mapping)


def _counts(db_url: str, pid: int) -> tuple[int, int, int]:
    with database.session_scope(db_url) as session:
        people = session.exec(select(func.count(Respondent.id)).where(Respondent.project_id == pid)).one()
        answers = session.exec(select(func.count(Answer.id)).where(Answer.project_id == pid)).one()
        waves = session.exec(select(func.count(Wave.id)).where(Wave.project_id == pid)).one()  # hidden ones too
    return people, answers, waves


def test_batches_write_everything_with_a_progress_after_each(db_url, project):
    pid, wid, iids = project
    checked = _checked(db_url, pid, wid, iids, 2500)
    seen = []
    written = batches.write(project_id=pid, wave_id=wid, checked=checked, url=db_url, batch=1000,
                            progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert written == 2500 and seen == [(1000, 2500), (2000, 2500), (2500, 2500)]
    with database.session_scope(db_url) as session:
        answers = service.answers_frame(session=session, project_id=pid, wave_id=wid)
        waves = service.list_waves(session=session, project_id=pid)
    assert answers["code"].nunique() == 2500 and len(answers) == 2500 * len(iids)
    first = answers[answers["code"] == "g7"].sort_values("indicator_id")["level"].astype(int).tolist()
    assert first == [1 + (7 + k) % 5 for k in range(len(iids))]
    assert [w.status for w in waves].count(batches.IMPORTING) == 0  # the hidden wave is gone


def test_a_failure_in_the_middle_leaves_nothing(db_url, project, monkeypatch):
    pid, wid, iids = project
    checked = _checked(db_url, pid, wid, iids, 2500)
    before = _counts(db_url, pid)
    real, calls = service.insert_checked, []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SpiraleError("error.database_busy")
        return real(**kwargs)

    monkeypatch.setattr(service, "insert_checked", failing)
    with pytest.raises(SpiraleError) as failed:
        batches.write(project_id=pid, wave_id=wid, checked=checked, url=db_url, batch=1000)
    assert failed.value.key == "error.database_busy"
    assert _counts(db_url, pid) == before  # not one respondent, answer or hidden wave left


def test_codes_taken_meanwhile_refuse_the_whole_file(db_url, project):
    pid, wid, iids = project
    checked = _checked(db_url, pid, wid, iids, 1500)
    with database.session_scope(db_url) as session:  # a person types g3 on the survey page during the import
        service.add_response(session=session, project_id=pid, wave_id=wid, code="g3", levels={iids[0]: 2})
    before = _counts(db_url, pid)
    with pytest.raises(SpiraleError) as refused:
        batches.write(project_id=pid, wave_id=wid, checked=checked, url=db_url, batch=1000)
    assert refused.value.key == "error.respondent_exists" and _counts(db_url, pid) == before


WRITER = textwrap.dedent(
    """
    import json, sys, time
    from surveys import service
    from workshop import database
    url, pid, wid, iid, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    def answer(n):
        with database.session_scope(url) as session:
            service.add_response(session=session, project_id=pid, wave_id=wid, code=f"phone{n}", levels={iid: 3})
    answer(0)  # connected and warm before the timed writes
    print("ready", flush=True)
    writes, end, n = [], time.time() + seconds, 1
    while time.time() < end:
        start = time.time()
        answer(n)
        writes.append((start, time.time() - start))
        n += 1
        time.sleep(0.05)
    print(json.dumps(writes))
    """
)


def test_another_process_writes_while_a_large_import_runs(db_url, project):
    """A phone's answer (another process, another wave) waits for one batch at most, not for the whole import."""
    pid, wid, iids = project
    checked = _checked(db_url, pid, wid, iids, 20_000)
    with database.session_scope(db_url) as session:
        other = service.create_wave(session=session, project_id=pid, name="Téléphones").id
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url, str(pid), str(other), str(iids[0]), "8"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert writer.stdout.readline().strip() == "ready"
    start = time.time()
    batches.write(project_id=pid, wave_id=wid, checked=checked, url=db_url, batch=1000)
    end = time.time()
    out, _ = writer.communicate(timeout=60)
    during = [wait for began, wait in json.loads(out) if start <= began <= end]
    assert writer.returncode == 0 and len(during) >= 5, (len(during), end - start)
    with database.session_scope(db_url) as session:
        assert service.respondent_count(session=session, project_id=pid, wave_id=wid) == 20_000
        assert service.respondent_count(session=session, project_id=pid, wave_id=other) == len(json.loads(out)) + 1
    assert max(during) < max(1.0, (end - start) / 4), (max(during), end - start)  # a batch's wait, not the import's
