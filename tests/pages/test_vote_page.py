"""AppTest of the room's vote on the priorities page (on the demo project): open, count, close, choose; and of
its presentation (/presentation?vue=vote)."""

import html

from actions import priorities, vote
from groups import join
from tests.pages.conftest import by_label, load_demo
from tests.pages.readback import stored
from workshop import database, i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def click(app, key: str):
    return by_label(app.button, fr(key)).click().run()


def priorities_page(app):
    load_demo(app)
    app.switch_page("pages/priorities.py").run()
    assert not app.exception
    return app.session_state["project_id"]


def latest(db_url: str, project_id: int):
    return stored(db_url, vote.latest_vote, project_id=project_id)


def test_a_vote_refused_for_its_settings_stores_nothing(app, db_url):
    project_id = priorities_page(app)
    by_label(app.number_input, fr("vote.votes_per_person")).set_value(2)
    by_label(app.number_input, fr("vote.cap_per_item")).set_value(3)
    click(app, "vote.open")
    assert app.error[0].value == fr("error.vote_cap_range", maximum=2)
    assert latest(db_url, project_id) is None
    by_label(app.multiselect, fr("vote.candidates")).set_value([])
    by_label(app.number_input, fr("vote.cap_per_item")).set_value(1)
    click(app, "vote.open")
    assert app.error[0].value == fr("error.vote_no_candidate") and latest(db_url, project_id) is None


def test_the_facilitator_opens_follows_closes_and_chooses_from_the_vote(app, db_url):
    project_id = priorities_page(app)
    with database.read_scope(db_url) as session:
        order = priorities.ranking(session=session, project_id=project_id)["indicator_id"].tolist()
        profiles = vote.profiles(session=session, project_id=project_id)
    candidates = by_label(app.multiselect, fr("vote.candidates"))
    assert candidates.value == order[:8]  # the top of the ranking by default
    candidates.set_value(order[:4])
    by_label(app.number_input, fr("vote.votes_per_person")).set_value(3)
    by_label(app.number_input, fr("vote.cap_per_item")).set_value(2)
    by_label(app.number_input, fr("vote.minutes")).set_value(15)
    click(app, "vote.open")
    assert not app.exception and not app.error
    opened = latest(db_url, project_id)
    assert (opened.votes_per_person, opened.cap_per_item, opened.revealed) == (3, 2, False) and vote.is_open(opened)
    assert any(opened.code in h.proto.body for h in app.get("html"))  # the code, big, beside its QR code
    assert fr("vote.rules", votes=3, cap=2) in [c.value for c in app.caption]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[fr("vote.ballots")] == "0" and metrics[fr("vote.left")].startswith(("15:", "14:"))
    assert len(app.dataframe) == 1  # the count hidden: no result table on a laptop the room may see

    phones = [join.new_participant_token() for _ in range(3)]
    with database.session_scope(db_url) as session:
        cast = vote.cast_ballot
        cast(session=session, code=opened.code, participant_token=phones[0], dots={order[2]: 2, order[0]: 1},
             profile=profiles[0])  # fmt: skip
        cast(session=session, code=opened.code, participant_token=phones[1], dots={order[2]: 1}, profile=profiles[1])
        cast(session=session, code=opened.code, participant_token=phones[2], dots={order[3]: 2})
    click(app, "vote.reveal")
    assert latest(db_url, project_id).revealed
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[fr("vote.ballots")] == "3" and metrics[fr("vote.votes")] == "6"
    live = app.dataframe[1].value
    assert live[fr("vote.votes")].tolist() == ["3", "2", "1", "0"]

    click(app, "vote.close")
    assert not vote.is_open(latest(db_url, project_id))
    result = app.dataframe[1].value
    top = result.iloc[0]
    assert top[fr("vote.votes")] == "3" and top[fr("vote.voters")] == "2"
    assert (
        top[fr("vote.by_profile", profile=profiles[0])] == "2"
        and top[fr("vote.by_profile", profile=profiles[1])] == "1"
    )
    assert top[fr("vote.by_profile", profile=fr("vote.profile_unsaid"))] == "0"
    assert top[fr("priority.rank")] == "3" and "," in top[fr("priority.score")]  # beside the diagnosis score

    by_label(app.number_input, fr("vote.choose_count")).set_value(2)
    by_label(app.text_input, fr("priority.decided_by")).set_value("La salle")
    click(app, "vote.choose")
    assert not app.exception and not app.error
    axes = stored(db_url, priorities.list_axes, project_id=project_id)
    assert sorted((a.indicator_id, a.votes, a.voters, a.ballots, a.vote_id) for a in axes) == sorted(
        [(order[2], 3, 2, 3, opened.id), (order[3], 2, 1, 3, opened.id)]
    )
    chosen = app.dataframe[-1].value
    assert chosen[fr("vote.support_column")].tolist()[0].startswith(fr("vote.support", votes=3, voters=2, ballots=3))


def test_choosing_before_the_vote_closes_is_not_offered(app, db_url):
    project_id = priorities_page(app)
    click(app, "vote.open")
    assert vote.is_open(latest(db_url, project_id))
    assert fr("vote.choose") not in [b.label for b in app.button]
    assert fr("vote.open") not in [b.label for b in app.button]  # one vote open at a time


# ---------- the presentation (/presentation?vue=vote) ----------


def _room(db_url: str):
    """A project with three indicators and an open vote, the count hidden: (project id, vote, indicator ids)."""
    from indicators import service as indicators_service
    from workshop import projects

    with database.session_scope(db_url) as session:
        project = projects.create_project(session=session, name="Atelier")
        ids = [
            indicators_service.create_indicator(session=session, project_id=project.id, name_fr=name,
                                                levels={level: str(level) for level in range(1, 6)}).id
            for name in ("Se loger <b>dignement</b>", "Se déplacer", "Avoir un travail")
        ]  # fmt: skip
        opened = vote.open_vote(session=session, project_id=project.id, indicator_ids=ids, votes_per_person=3,
                                cap_per_item=3, minutes=5)  # fmt: skip
        for dots in ({ids[1]: 3}, {ids[1]: 1, ids[2]: 1}):
            vote.cast_ballot(session=session, code=opened.code, participant_token=join.new_participant_token(),
                             dots=dots)  # fmt: skip
    return project.id, opened, ids


def test_the_presentation_shows_who_voted_and_hides_the_count_until_revealed(db_url):
    from tests.pages.test_presentation import presentation, presented

    project_id, opened, ids = _room(db_url)
    app = presentation({"projet": str(project_id), "vue": "vote"})
    shown = presented(app)
    assert "data-testid='veiled'" in shown and ">2</div>" in shown  # two phones, no count
    assert "Se loger &lt;b&gt;dignement&lt;/b&gt;" in shown and "<b>dignement" not in shown
    assert "data-testid='presented-vote'" not in shown
    assert opened.code in shown and "data:image/png;base64" in shown  # the code and its QR for late arrivals
    assert fr("vote.screen.closes", time="4:5") in shown or fr("vote.screen.closes", time="5:00") in shown

    with database.session_scope(db_url) as session:
        vote.reveal_vote(session=session, project_id=project_id, vote_id=opened.id)
    shown = presented(app.run())
    bars = shown.split("data-testid='presented-vote'")[1:]
    assert [int(b.split("data-indicator='")[1].split("'")[0]) for b in bars] == [ids[1], ids[2], ids[0]]
    assert "width:100.0%" in bars[0] and "width:25.0%" in bars[1] and "width:0.0%" in bars[2]

    with database.session_scope(db_url) as session:
        vote.close_vote(session=session, project_id=project_id, vote_id=opened.id)
    shown = presented(app.run())
    assert fr("vote.screen.closed") in shown and opened.code not in shown  # nothing left to join


def test_the_presentation_without_a_vote_says_so(db_url):
    from tests.pages.test_presentation import presentation, presented
    from workshop import projects

    with database.session_scope(db_url) as session:
        project = projects.create_project(session=session, name="Atelier")
    said = presented(presentation({"projet": str(project.id), "vue": "vote"}))
    assert html.escape(fr("vote.none")) in said
