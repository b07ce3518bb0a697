"""Several screens change the same cluster, indicator, action, milestone or commitment at once.

Each writer read the same version and writes with it: per round exactly one write is kept, every other
one is refused with a clear "changed meanwhile" message, and what is stored is the kept write. No write
is lost silently. On SQLite and on PostgreSQL (row locks there).
"""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial

import pytest

from actions import service as actions_service
from groups import service as groups_service
from groups.models import ILLBEING, WELLBEING
from indicators import board
from indicators import service as indicators_service
from tests.robustness.conftest import assert_clear
from workshop import database, projects
from workshop.errors import SpiraleError

WRITERS = 6
ROUNDS = 3
SCALE = {level: f"Situation {level}" for level in range(1, 6)}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("db_url")
    found = request.getfixturevalue("pg_url")
    database.prepare(found)
    return found


def race(url: str, writes: list[Callable[..., object]]) -> list[object]:
    """Run the writes together, each in its own session (a screen); a refusal is returned, not raised."""
    start = threading.Barrier(len(writes))

    def run(write: Callable[..., object]) -> object:
        start.wait()
        try:
            with database.session_scope(url) as session:
                return write(session=session)
        except SpiraleError as error:
            return error

    with ThreadPoolExecutor(len(writes)) as pool:
        return list(pool.map(run, writes))


def one_kept(results: list[object], stale_keys: set[str]) -> int:
    """The index of the only write kept; every other one was refused with a clear message."""
    kept = [i for i, r in enumerate(results) if not isinstance(r, SpiraleError)]
    assert len(kept) == 1, results
    for refused in (r for r in results if isinstance(r, SpiraleError)):
        assert refused.key in stale_keys, refused
        assert_clear(refused)
    return kept[0]


@pytest.fixture
def world(url: str) -> dict:
    with database.session_scope(url) as session:
        project = projects.create_project(session=session, name="Concurrence", place="Testville")
        pid = project.id
        group = groups_service.create_group(session=session, project_id=pid, profile="Jeunes")
        notes = [
            groups_service.add_criterion(session=session, project_id=pid, group_id=group.id, question=q, text=t).id
            for q, t in ((WELLBEING, "Un logement"), (WELLBEING, "Un toit"), (ILLBEING, "Le bruit"), (ILLBEING, "Trop")
                         )
        ]  # fmt: skip
        suggestion = [board.SuggestedGroup("Logement", notes[:2]), board.SuggestedGroup("Bruit", notes[2:])]
        board.apply_suggestion(session=session, project_id=pid, groups=suggestion, seen={})
        indicator = indicators_service.create_indicator(session=session, project_id=pid, name_fr="Logement",
                                                        levels=SCALE)  # fmt: skip
        partner = actions_service.add_partner(session=session, project_id=pid, name="Mairie", kind="public")
        action = actions_service.create_action(session=session, project_id=pid, title="Jardin",
                                               targets={indicator.id: 3}, pilot_partner_id=partner.id)  # fmt: skip
        milestone = actions_service.add_milestone(session=session, project_id=pid, action_id=action.id,
                                                  title="Premier atelier", due_on=date(2027, 1, 1))  # fmt: skip
        commitment = actions_service.add_commitment(session=session, project_id=pid, action_id=action.id,
                                                    partner_id=partner.id, kind="premises")  # fmt: skip
    return {"url": url, "project_id": pid, "indicator": indicator.id, "action": action.id, "milestone": milestone,
            "commitment": commitment}  # fmt: skip


def read(url: str, service: Callable, **params: object) -> object:
    with database.session_scope(url) as session:
        return service(session=session, **params)


def test_indicator_editors(world: dict) -> None:
    url, pid, iid = world["url"], world["project_id"], world["indicator"]
    for round_ in range(ROUNDS):
        version = read(url, indicators_service.get_indicator, project_id=pid, indicator_id=iid).version
        writes = [
            partial(indicators_service.update_indicator, project_id=pid, indicator_id=iid, name_fr=f"Nom {round_}-{n}",
                    definition=f"Définition de {n}", levels={lvl: f"Niveau {lvl} écrit par {n}" for lvl in range(1, 6)},
                    expected_version=version)
            for n in range(WRITERS)
        ]  # fmt: skip
        n = one_kept(race(url, writes), {"error.stale_indicator"})
        stored = read(url, indicators_service.get_indicator, project_id=pid, indicator_id=iid)
        assert (stored.name_fr, stored.definition, stored.version) == (f"Nom {round_}-{n}", f"Définition de {n}",
                                                                       version + 1)  # fmt: skip
        levels = read(url, indicators_service.levels_of, project_id=pid, indicator_id=iid)
        assert levels == {level: f"Niveau {level} écrit par {n}" for level in range(1, 6)}


def test_action_editors(world: dict) -> None:
    url, pid, aid, iid = world["url"], world["project_id"], world["action"], world["indicator"]
    for _ in range(ROUNDS):
        version = read(url, actions_service.get_action, project_id=pid, action_id=aid).version
        writes = [
            partial(actions_service.update_action, project_id=pid, action_id=aid, status="planned",
                    start_on=date(2027, 1, 1), end_on=date(2027, 3, n + 1), targets={iid: n % 5 + 1},
                    expected_version=version)
            for n in range(WRITERS)
        ]  # fmt: skip
        n = one_kept(race(url, writes), {"error.stale_action"})
        stored = read(url, actions_service.get_action, project_id=pid, action_id=aid)
        assert (stored.end_on, stored.version) == (date(2027, 3, n + 1), version + 1)
        targets = read(url, actions_service.action_targets, project_id=pid)
        assert targets[["indicator_id", "target_level"]].values.tolist() == [[iid, n % 5 + 1]]


def test_milestone_and_commitment_editors(world: dict) -> None:
    url, pid, milestone, commitment = world["url"], world["project_id"], world["milestone"], world["commitment"]
    for _ in range(ROUNDS):
        frame = read(url, actions_service.milestones_frame, project_id=pid).set_index("id")
        writes = [
            partial(actions_service.set_milestone_done, project_id=pid, milestone_id=milestone,
                    done_on=date(2027, 2, n + 1), expected_version=int(frame.at[milestone, "version"]))
            for n in range(WRITERS)
        ]  # fmt: skip
        n = one_kept(race(url, writes), {"error.stale_milestone"})
        frame = read(url, actions_service.milestones_frame, project_id=pid).set_index("id")
        assert frame.at[milestone, "done_on"] == date(2027, 2, n + 1)

        frame = read(url, actions_service.commitments_frame, project_id=pid, details=True).set_index("id")
        writes = [
            partial(actions_service.set_fulfilment, project_id=pid, commitment_id=commitment, fulfilment="kept",
                    fulfilled_on=date(2027, 4, n + 1), expected_version=int(frame.at[commitment, "version"]))
            for n in range(WRITERS)
        ]  # fmt: skip
        n = one_kept(race(url, writes), {"error.stale_commitment"})
        frame = read(url, actions_service.commitments_frame, project_id=pid, details=True).set_index("id")
        assert frame.at[commitment, "fulfilled_on"] == date(2027, 4, n + 1)


def test_cluster_renamers(world: dict) -> None:
    url, pid = world["url"], world["project_id"]
    for round_ in range(ROUNDS):
        view = read(url, board.load_board, project_id=pid)
        cluster = view.clusters[0]
        writes = [
            partial(board.rename, project_id=pid, cluster_id=cluster.id, name=f"Nom {round_}-{n}", seen=view.versions)
            for n in range(WRITERS)
        ]
        n = one_kept(race(url, writes), {"error.board_changed"})
        stored = read(url, board.load_board, project_id=pid).cluster(cluster.id)
        assert (stored.name, stored.version) == (f"Nom {round_}-{n}", cluster.version + 1)


def test_a_rename_racing_a_merge(world: dict) -> None:
    url, pid = world["url"], world["project_id"]
    view = read(url, board.load_board, project_id=pid)
    source, target = view.clusters
    rename = partial(board.rename, project_id=pid, cluster_id=source.id, name="Un toit", seen=view.versions)
    merge = partial(board.merge, project_id=pid, source_id=source.id, target_id=target.id, seen=view.versions)
    kept = one_kept(race(url, [rename, merge]), {"error.board_changed", "error.cluster_missing"})
    after = read(url, board.load_board, project_id=pid)
    if kept == 0:  # the rename went first: the merge saw an older source and was refused
        assert [(c.id, c.name) for c in after.clusters] == [(source.id, "Un toit"), (target.id, target.name)]
        assert len(after.cluster(target.id).notes) == len(target.notes)
    else:  # the merge went first: the renamed cluster is gone, its notes are in the target
        assert [c.id for c in after.clusters] == [target.id]
        assert len(after.cluster(target.id).notes) == len(source.notes) + len(target.notes)
