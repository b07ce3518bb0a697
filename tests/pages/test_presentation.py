"""AppTest of the presentation page and of the controls that drive it from the meeting screen."""

import html

import pytest
from streamlit.testing.v1 import AppTest

from groups import join, service
from groups.models import ILLBEING, WELLBEING
from tests.pages.conftest import APP, by_label, raw_keys
from workshop import database, i18n, projects
from workshop.access_models import ANALYST


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


@pytest.fixture
def meeting(db_url):
    """A project, a group with an open code and two notes: (project, group, ids of the notes)."""
    with database.session_scope(db_url) as session:
        project = projects.create_project(session=session, name="Atelier")
        group = service.create_group(session=session, project_id=project.id, profile="Parents seuls")
        join.open_join(session=session, project_id=project.id, group_id=group.id)
        notes = [
            service.add_criterion(session=session, project_id=project.id, group_id=group.id, question=q, text=text)
            for q, text in ((WELLBEING, "Un parc <b>propre</b>"), (ILLBEING, "Le bruit la nuit"))
        ]
    return project, group, [n.id for n in notes]


def presented(app: AppTest) -> str:
    bodies = [h.proto.body for h in app.get("html") if "data-testid='presentation'" in h.proto.body]
    assert len(bodies) == 1, bodies
    return bodies[0]


def presentation(query: dict[str, str], app: AppTest | None = None) -> AppTest:
    app = app or AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    for key, value in query.items():
        app.query_params[key] = value
    app.switch_page("pages/present.py").run()
    assert not app.exception
    return app


def facilitator() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    app.switch_page("pages/groups.py").run()
    assert not app.exception
    return app


def test_presentation_shows_the_wall_without_a_widget(db_url, meeting):
    project, group, _ = meeting
    app = presentation({"projet": str(project.id), "groupe": str(group.id)})
    wall = presented(app)
    assert "Parents seuls" in wall and "Le bruit la nuit" in wall
    assert "Un parc &lt;b&gt;propre&lt;/b&gt;" in wall  # the note's markup shown literally
    assert group.id and "data-testid='presented-code'" in wall and "data:image/png;base64," in wall
    assert not app.main.button and not app.main.text_input and not app.main.selectbox  # nothing to click in it
    assert raw_keys(app) == []


def test_presentation_of_a_project_out_of_reach_is_refused(db_url, meeting, app_as):
    project, group, _ = meeting
    with database.session_scope(db_url) as session:
        other = projects.create_project(session=session, name="Autre quartier")
    viewer = app_as(ANALYST, other.id)  # may see the other project only
    app = presentation({"projet": str(project.id), "groupe": str(group.id)}, viewer)
    assert [e.value for e in app.error] == [fr("access.denied")]
    assert not [h for h in app.get("html") if "Parents seuls" in h.proto.body]
    app = presentation({"projet": "abc"}, viewer)
    assert [e.value for e in app.error] == [fr("access.denied")]


def test_presentation_of_an_unknown_group_says_so(db_url, meeting):
    project, _, _ = meeting
    app = presentation({"projet": str(project.id), "groupe": "999"})
    assert html.escape(fr("error.group_missing")) in presented(app)


def test_facilitator_veils_a_question_then_reveals_it(db_url, meeting):
    project, group, _ = meeting
    app = facilitator()
    link = next(b for b in app.get("link_button") if b.proto.label == fr("step1.present"))
    assert link.proto.url == f"presentation?projet={project.id}&groupe={group.id}&langue=fr"
    app.button(key=f"veil_{WELLBEING}").click().run()
    assert not app.exception
    with database.session_scope(db_url) as session:
        assert service.wall_veils(session=session, project_id=project.id, group_id=group.id)[WELLBEING]
    assert fr("step1.veil.on") in [c.value for c in app.caption]
    wall = presented(presentation({"projet": str(project.id), "groupe": str(group.id)}))
    assert "data-testid='veiled'" in wall and "Un parc" not in wall and "Le bruit la nuit" in wall

    by_label(app.button, fr("step1.veil.reveal")).click().run()
    assert not app.exception
    with database.session_scope(db_url) as session:
        assert not service.wall_veils(session=session, project_id=project.id, group_id=group.id)[WELLBEING]
    assert "Un parc" in presented(presentation({"projet": str(project.id), "groupe": str(group.id)}))


def test_facilitator_hides_a_note_from_the_room_and_shows_it_again(db_url, meeting):
    project, group, (first, _) = meeting
    app = facilitator()
    app.button(key=f"moderate_{first}").click().run()
    assert not app.exception
    marks = [h.proto.body for h in app.get("html") if "spirale-note spirale-hidden" in h.proto.body]
    assert len(marks) == 1 and fr("step1.hidden_mark") in marks[0] and "Un parc &lt;b&gt;propre" in marks[0]
    wall = presented(presentation({"projet": str(project.id), "groupe": str(group.id)}))
    assert "Un parc" not in wall and "Le bruit la nuit" in wall
    app.button(key=f"moderate_{first}").click().run()
    assert not app.exception
    assert "Un parc" in presented(presentation({"projet": str(project.id), "groupe": str(group.id)}))
    with database.session_scope(db_url) as session:
        log = service.moderation_log(session=session, project_id=project.id, criterion_id=first)
    assert [e.action for e in log] == ["hide", "show"] and all(e.account_id for e in log)


def test_wall_refresh_redraws_what_another_screen_changed(db_url, meeting):
    project, group, _ = meeting
    app = facilitator()
    with database.session_scope(db_url) as session:  # a phone's note, meanwhile
        service.add_criterion(
            session=session, project_id=project.id, group_id=group.id, question=WELLBEING, text="Avoir un travail"
        )
    app.button(key="wall_refresh").click().run()  # what the one-second watch clicks when the value moved
    assert not app.exception
    assert any("Avoir un travail" in h.proto.body for h in app.get("html"))


def test_a_long_note_is_shortened_on_a_word_with_its_whole_text_on_demand(db_url, meeting):
    project, group, _ = meeting
    long = "Pouvoir se promener le soir sans avoir peur, " * 5
    with database.session_scope(db_url) as session:
        service.add_criterion(session=session, project_id=project.id, group_id=group.id, question=WELLBEING, text=long)
    app = facilitator()
    card = next(h.proto.body for h in app.get("html") if "<details>" in h.proto.body)
    summary = card.split("<summary")[1].split(">", 1)[1].split("</summary>")[0]
    assert summary.endswith("…") and long.startswith(summary[:-1]) and long[len(summary) - 1] in " ,"
    assert long.strip() in card  # the whole text, a click away


def test_mutual_knowledge_presentation_link_and_view(db_url, meeting):
    project, group, _ = meeting
    with database.session_scope(db_url) as session:
        other = service.create_group(session=session, project_id=project.id, profile="Aînés")
        service.add_criterion(
            session=session, project_id=project.id, group_id=other.id, question=WELLBEING, text="Un banc à l'ombre"
        )
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    app.switch_page("pages/synthesis.py").run()
    assert not app.exception
    link = next(b for b in app.get("link_button") if b.proto.label == fr("synthesis.present"))
    assert link.proto.url == f"presentation?projet={project.id}&groupe={group.id}&vue=synthese&langue=fr"
    wall = presented(presentation({"projet": str(project.id), "groupe": str(group.id), "vue": "synthese"}))
    assert "Un banc à l&#x27;ombre" in wall and "Aînés" in wall and "Le bruit la nuit" not in wall


def test_shorten_cuts_at_a_word_end_with_an_ellipsis():
    from ui.notes import shorten

    assert shorten("Un parc propre", 40) == "Un parc propre"
    assert shorten("Un parc propre où les enfants jouent", 20) == "Un parc propre où…"
    assert shorten("Des voisins, des amis, des fêtes", 24) == "Des voisins, des amis…"  # no comma before "…"
    assert shorten("Anticonstitutionnellement", 10) == "Anticonst…"  # one long word: cut inside it
    assert all(len(shorten("mot " * 50, n)) <= n for n in range(2, 60))


def test_cards_get_smaller_as_the_notes_grow_and_always_fit():
    from ui import presentation

    levels = [presentation.level_for(n) for n in (1, 5, 12, 18, 30, 40, 72)]
    assert [lv.font_vh for lv in levels] == sorted((lv.font_vh for lv in levels), reverse=True)
    for level in presentation.LEVELS:
        assert level.characters() >= 18  # at least a short idea whole on each card


def test_from_the_menu_the_presentation_lists_what_to_open_in_a_new_window(db_url, meeting):
    project, group, _ = meeting
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    app.switch_page("pages/present.py").run()
    assert not app.exception
    assert app.title[0].value == fr("present.title")
    links = {b.proto.label: b.proto.url for b in app.get("link_button")}
    assert links == {
        "Parents seuls": f"presentation?projet={project.id}&groupe={group.id}&langue=fr",
        fr("synthesis.present"): f"presentation?projet={project.id}&vue=synthese&langue=fr",
        fr("present.open_board"): f"presentation?projet={project.id}&vue=regroupements&langue=fr",
        fr("present.open_dashboard"): f"presentation?projet={project.id}&vue=tableau&langue=fr",
        fr("vote.present"): f"presentation?projet={project.id}&vue=vote&langue=fr",
    }


def test_the_presentation_speaks_the_language_of_the_window_that_opened_it(db_url, meeting):
    project, group, _ = meeting
    app = presentation({"projet": str(project.id), "groupe": str(group.id), "langue": "en"})
    wall = presented(app)
    assert i18n.translate("question.wellbeing.short", "en") in wall
    assert i18n.translate("present.join", "en") in wall and fr("present.join") not in wall


def test_board_presentation_shows_every_cluster_over_the_two_screens_the_board_page_drives(app, db_url):
    import re

    from indicators import board
    from tests.pages.conftest import load_demo

    load_demo(app)
    pid = app.session_state["project_id"]
    app.switch_page("pages/board.py").run()
    link = next(b for b in app.get("link_button") if b.proto.label == fr("board.present"))
    assert link.proto.url == f"presentation?projet={pid}&vue=regroupements&langue=fr"
    shown = presentation({"projet": str(pid), "vue": "regroupements"})
    first = presented(shown)
    assert "data-screens='2' data-screen='1'" in first  # 180 notes: two screens, at the largest type that holds them
    assert fr("present.board_screen", screen=1, screens=2) in first
    # The facilitator shows the room the second screen from the board's page.
    picker = app.segmented_control(key="board_screen")
    assert picker.value == 1 and picker.options == [fr("board.screen_option", screen=n) for n in (1, 2)]
    picker.set_value(2).run()
    assert not app.exception
    shown.run()
    second = presented(shown)
    assert "data-screen='2'" in second and fr("present.board_screen", screen=2, screens=2) in second
    with database.session_scope(db_url) as session:
        laid = board.load_board(session=session, project_id=pid)
    notes = [re.findall(r"data-note='(\d+)'", wall) for wall in (first, second)]
    assert notes[0] and notes[1] and not set(notes[0]) & set(notes[1])  # each note on one screen only
    assert sorted(int(n) for n in notes[0] + notes[1]) == sorted(n.criterion_id for n in laid.notes)
    assert len(laid.notes) == 180
    clusters = set(re.findall(r"data-cluster='(\d+)'", first + second))
    assert clusters == {str(c.id) for c in laid.clusters}
    both = first + second
    assert both.count("data-said='yes'") == len(laid.clusters)  # each cluster's note that says it best, once
    for cluster in laid.clusters:
        assert html.escape(cluster.name) in both
    assert not shown.main.button and not shown.main.text_input and raw_keys(shown) == []


def test_board_presentation_highlights_what_another_screen_changed(app, db_url):
    from indicators import board
    from tests.pages.conftest import load_demo

    load_demo(app)
    pid = app.session_state["project_id"]
    shown = presentation({"projet": str(pid), "vue": "regroupements"})
    assert "spz-fresh'" not in presented(shown)  # nothing highlighted on the first drawing (a class, not the CSS)
    with database.session_scope(db_url) as session:
        laid = board.load_board(session=session, project_id=pid)
        first = laid.clusters[0]
        board.rename(session=session, project_id=pid, cluster_id=first.id, name="Un toit <pour> tous",
                     seen=laid.versions)  # fmt: skip
    shown.run()
    wall = presented(shown)
    assert "Un toit &lt;pour&gt; tous" in wall
    renamed = wall.split(f"data-cluster='{first.id}'")[0].rsplit("<div class='", 1)[1]
    assert "spz-fresh" in renamed and wall.count("spz-fresh'") == 1  # that cluster only


def chart_title(chart) -> str:
    import json

    return json.loads(chart.proto.spec)["layout"]["title"]["text"]


def test_dashboard_presentation_shows_the_chart_the_dashboard_page_chose(app):
    from tests.pages.conftest import load_demo

    load_demo(app)
    pid = app.session_state["project_id"]
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception
    link = next(b for b in app.get("link_button") if b.proto.label == fr("dashboard.present"))
    assert link.proto.url == f"presentation?projet={pid}&vue=tableau&langue=fr"
    shown = presentation({"projet": str(pid), "vue": "tableau"})
    [chart] = shown.get("plotly_chart")
    assert chart_title(chart) == fr("step3.chart_title")  # the first chart when nothing was chosen
    assert fr("present.dashboard_counts", wave="Vague 2 (ex-post, mi-parcours)", respondents=208) in presented(shown)
    choice = app.selectbox(key="dash_projected")
    choice.set_value(choice.options.index(fr("dashboard.heatmap"))).run()
    by_label(app.multiselect, fr("dashboard.filter_profile")).set_value(["Commerçants"]).run()
    shown.run()
    [chart] = shown.get("plotly_chart")
    assert chart_title(chart) == fr("dashboard.heatmap")
    assert "répondants : 26" in presented(shown)  # the page's filter, on the room's screen
    assert not shown.main.button and not shown.main.selectbox


def test_dashboard_presentation_redraws_when_answers_arrive(app, db_url):
    from surveys import service as surveys
    from tests.pages.conftest import load_demo

    load_demo(app)
    pid = app.session_state["project_id"]
    shown = presentation({"projet": str(pid), "vue": "tableau"})
    assert fr("present.dashboard_counts", wave="Vague 2 (ex-post, mi-parcours)", respondents=208) in presented(shown)
    with database.session_scope(db_url) as session:
        wave = surveys.list_waves(session=session, project_id=pid)[-1]
        indicator = sorted(surveys.usable_indicator_ids(session=session, project_id=pid))[0]
        surveys.add_response(session=session, project_id=pid, wave_id=wave.id, levels={indicator: 4})
    shown.run()  # the presentation's next check: its answers' count moved
    assert fr("present.dashboard_counts", wave="Vague 2 (ex-post, mi-parcours)", respondents=209) in presented(shown)


def _many_notes(db_url: str, project_id: int, group_id: int, counts: dict[str, int]) -> None:
    with database.session_scope(db_url) as session:
        for question, count in counts.items():
            for n in range(count):
                service.add_criterion(session=session, project_id=project_id, group_id=group_id, question=question,
                                      text=f"Idée {question} numéro {n}")  # fmt: skip


def test_a_full_wall_takes_screens_the_group_page_switches_each_note_on_one(db_url, meeting):
    import re

    from groups.models import ACTION
    from ui import presentation as room

    project, group, first_notes = meeting
    _many_notes(db_url, project.id, group.id, {WELLBEING: 44, ILLBEING: 20, ACTION: 10})  # 45 + 21 + 10 shown
    query = {"projet": str(project.id), "groupe": str(group.id)}
    shown = presentation(query)
    first = presented(shown)
    assert "data-screen='1' data-screens='2'" in first  # 45 notes of a question: over a screen's 30
    assert fr("present.board_screen", screen=1, screens=2) in first
    assert fr("present.more", count=1).split("1")[-1].strip() not in first  # no "… et N de plus"
    assert re.findall(r"data-question='\w+'>(\d+)<", first) == ["45", "21", "10"]  # counts: every note, both screens
    page = facilitator()
    picker = page.segmented_control(key=f"wall_screen_{group.id}")
    assert picker.value == 1 and picker.options == [fr("board.screen_option", screen=n) for n in (1, 2)]
    picker.set_value(2).run()
    assert not page.exception
    shown.run()
    second = presented(shown)
    assert "data-screen='2' data-screens='2'" in second
    notes = [re.findall(r"data-note='(\d+)'", wall) for wall in (first, second)]
    assert notes[0] and notes[1] and not set(notes[0]) & set(notes[1])  # each note on one screen only
    assert len(notes[0]) + len(notes[1]) == 76 and {str(n) for n in first_notes} <= set(notes[0])
    # Both screens at the room's smallest legible cards or larger: each question's share fits one screen.
    assert all(int(level) < len(room.LEVELS) for level in re.findall(r"data-level='(\d+)'", first + second))
    # Veiling the big question: its count alone, and the rest fits one screen again (the control goes).
    with database.session_scope(db_url) as session:
        service.set_veil(session=session, project_id=project.id, group_id=group.id, question=WELLBEING, veiled=True)
    shown.run()
    veiled = presented(shown)
    assert "data-screen='1' data-screens='1'" in veiled and "data-testid='veiled'" in veiled
    page.run()
    assert not [c for c in page.get("segmented_control") if c.key == f"wall_screen_{group.id}"]


def test_mutual_knowledge_takes_screens_the_synthesis_page_switches(db_url, meeting):
    import re

    project, group, _ = meeting
    with database.session_scope(db_url) as session:
        other = service.create_group(session=session, project_id=project.id, profile="Aînés")
    _many_notes(db_url, project.id, other.id, {WELLBEING: 70})
    shown = presentation({"projet": str(project.id), "groupe": str(group.id), "vue": "synthese"})
    first = presented(shown)
    assert "data-screen='1' data-screens='3'" in first  # 70 of one question: three screens of 24 at most
    page = AppTest.from_file(str(APP), default_timeout=60)
    page.run()
    page.switch_page("pages/synthesis.py").run()
    picker = page.segmented_control(key="synthesis_screen")
    assert picker.options == [fr("board.screen_option", screen=n) for n in (1, 2, 3)]
    picker.set_value(3).run()
    shown.run()
    third = presented(shown)
    assert "data-screen='3' data-screens='3'" in third and fr("present.board_screen", screen=3, screens=3) in third
    notes = [re.findall(r"data-note='(\d+)'", wall) for wall in (first, third)]
    assert len(notes[0]) == 24 and len(notes[1]) == 22 and not set(notes[0]) & set(notes[1])
