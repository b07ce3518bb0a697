"""AppTest for every page: both languages, no raw key, and each page's main interaction."""

import io
import json
import zipfile

import pandas as pd
import pytest

from groups import service as groups_service
from groups.models import PROPOSED, VALIDATED
from indicators import service as indicators_service
from surveys import service as surveys_service
from tests.pages.conftest import by_label, load_demo, raw_keys
from tests.pages.readback import downloaded, stored
from ui.shell import md_escape
from workshop import database, grid, i18n, projects

TITLES = {
    "pages/home.py": "home.title",
    "pages/groups.py": "step1.title",
    "pages/synthesis.py": "synthesis.title",
    "pages/present.py": "present.title",
    "pages/mixed_groups.py": "mixed.title",
    "pages/board.py": "board.title",
    "pages/indicators.py": "step2.title",
    "pages/indicator_views.py": "views.title",
    "pages/survey.py": "step3.title",
    "pages/dashboard.py": "dashboard.title",
    "pages/survey_data.py": "data.title",
    "pages/priorities.py": "priority.title",
    "pages/actions.py": "step4.title",
    "pages/partners.py": "partners.title",
    "pages/report.py": "report.title",
    "pages/project.py": "project.title",
    "pages/accounts.py": "accounts.title",
    "pages/data_safety.py": "safety.title",
}
PAGES = list(TITLES)
DEMO_NAME = "Bien vivre ensemble à Valmont-sur-Orne"


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def button(app, key: str, lang: str = "fr"):
    return by_label(app.button, i18n.translate(key, lang))


def submit(app, key: str):
    return button(app, key).click().run()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_speaks_both_languages_without_raw_keys(app, page, lang):
    load_demo(app)
    app.sidebar.button_group[0].set_value(lang).run()
    app.switch_page(page).run()
    assert not app.exception
    assert raw_keys(app) == []
    assert app.title[0].value == i18n.translate(TITLES[page], lang, name=md_escape(DEMO_NAME))
    # Without a placeholder of ours, Streamlit shows its own English "Choose options" on every screen.
    ours = {entry[lang] for entry in i18n.catalog().values()}
    assert all(m.proto.placeholder in ours for m in app.multiselect)


def test_language_switch_changes_the_interface(app):
    assert app.title[0].value == fr("home.title")
    app.sidebar.button_group[0].set_value("en").run()
    assert app.title[0].value == i18n.translate("home.title", "en")


def test_pages_without_project_ask_for_one(app):
    for page in PAGES[1:]:
        app.switch_page(page).run()
        assert not app.exception
        assert app.info, page
        assert app.info[0].value == fr("project.choose_first")


def project_names(db_url) -> list[str]:
    return [p.name for p in stored(db_url, projects.list_projects)]


def test_create_project_from_sidebar_and_refuse_blank_name(app, db_url):
    form_name = by_label(app.sidebar.text_input, fr("project.name"))
    form_name.set_value("   ")
    submit(app, "project.create")
    assert app.error[0].value == fr("error.text_empty")
    assert project_names(db_url) == []
    by_label(app.sidebar.text_input, fr("project.name")).set_value("Mulhouse Drouot")
    submit(app, "project.create")
    assert not app.error
    assert project_names(db_url) == ["Mulhouse Drouot"]
    assert stored(db_url, projects.get_project, project_id=app.session_state["project_id"]).name == "Mulhouse Drouot"
    assert by_label(app.sidebar.selectbox, fr("project.current")).value == app.session_state["project_id"]


def test_demo_loads_from_home(app, db_url):
    load_demo(app)
    pid = app.session_state["project_id"]
    assert project_names(db_url) == [DEMO_NAME]
    waves = stored(db_url, surveys_service.list_waves, project_id=pid)
    assert [stored(db_url, surveys_service.respondent_count, project_id=pid, wave_id=w.id) for w in waves] == [232, 208]
    app.switch_page("pages/survey.py").run()
    assert app.metric[0].value == "208"  # the newest of the demo's two waves


def notes_stored(app, db_url) -> list:
    return stored(db_url, groups_service.list_criteria, project_id=app.session_state["project_id"])


@pytest.fixture
def step1(app):
    by_label(app.sidebar.text_input, fr("project.name")).set_value("Atelier")
    submit(app, "project.create")
    app.switch_page("pages/groups.py").run()
    by_label(app.text_input, fr("group.profile")).set_value("Parents seuls")
    submit(app, "step1.create_group")
    assert not app.exception and not app.error
    return app


def add_note(app, text: str, index: int = 0):
    app.text_input(key=f"note_text_{('wellbeing', 'illbeing', 'action')[index]}").set_value(text)
    adds = [b for b in app.button if b.label == fr("step1.add")]
    adds[index].click().run()
    if not app.error:  # an added note reruns the entry and the wall only (a refusal, the entry alone),
        app.run()  # and AppTest then holds just those: draw the whole page again


def notes_html(app) -> list[str]:
    return [h.proto.body for h in app.get("html") if "data-testid='note'" in h.proto.body]


def test_step1_adds_notes_shown_literally(step1, db_url):
    add_note(step1, "Avoir un toit <b>gras</b> **étoiles**")
    assert not step1.error
    assert [(n.question, n.text) for n in notes_stored(step1, db_url)] == [
        ("wellbeing", "Avoir un toit <b>gras</b> **étoiles**")
    ]
    bodies = notes_html(step1)
    assert len(bodies) == 1
    assert "&lt;b&gt;gras&lt;/b&gt; **étoiles**" in bodies[0] and "<b>gras" not in bodies[0]
    assert step1.subheader[0].value.endswith("(1)")


def test_step1_refuses_empty_note(step1, db_url):
    add_note(step1, "    ")
    assert step1.error[0].value == fr("error.text_empty")
    assert notes_html(step1) == []
    assert notes_stored(step1, db_url) == []


def test_step1_delete_then_undo(step1, db_url):
    add_note(step1, "Des voisins qui se parlent")
    button(step1, "step1.delete").click().run()
    assert notes_html(step1) == []
    assert notes_stored(step1, db_url) == []
    button(step1, "step1.undo").click().run()
    assert len(notes_html(step1)) == 1
    assert [n.text for n in notes_stored(step1, db_url)] == ["Des voisins qui se parlent"]
    assert not [b for b in step1.button if b.label == fr("step1.undo")]


def test_step1_group_validates_all(step1, db_url):
    add_note(step1, "Un travail", 0)
    add_note(step1, "Le chômage", 1)
    button(step1, "step1.validate_all").click().run()
    assert step1.caption[-1].value == fr("step1.counts", total=2, validated=2)
    assert [(n.text, n.status) for n in notes_stored(step1, db_url)] == [
        ("Un travail", VALIDATED),
        ("Le chômage", VALIDATED),
    ]


def test_step1_one_note_validated_on_the_wall_is_the_only_one_stored_so(step1, db_url):
    add_note(step1, "Un travail", 0)
    add_note(step1, "Le chômage", 1)
    first = next(n for n in notes_stored(step1, db_url) if n.text == "Un travail")
    step1.button(key=f"val_{first.id}").click().run()
    assert not step1.exception and not step1.error
    assert [(n.text, n.status) for n in notes_stored(step1, db_url)] == [
        ("Un travail", VALIDATED),
        ("Le chômage", PROPOSED),
    ]
    assert not [b for b in step1.button if b.key == f"val_{first.id}"]  # nothing left to validate on that card


def test_step2_cluster_becomes_an_indicator(app, db_url):
    from indicators import board

    load_demo(app)
    app.switch_page("pages/board.py").run()  # the first visit lays out the engine's clusters
    app.switch_page("pages/indicators.py").run()
    assert not app.exception
    with database.session_scope(db_url) as session:
        laid_out = board.load_board(session=session, project_id=app.session_state["project_id"]).clusters
    clusters = by_label(app.multiselect, fr("step2.from_clusters"))
    assert len(clusters.options) == len(laid_out) > 0, "clusters of similar notes are suggested"
    clusters.set_value([laid_out[0].id]).run()
    button(app, "step2.draft").click().run()
    chosen = by_label(app.multiselect, fr("step2.supporting")).value
    assert len(chosen) >= 2
    assert all(app.text_area(key=f"level_text_{level}").value for level in range(1, 6))
    by_label(app.text_input, fr("indicator.name_fr")).set_value("Se sentir en sécurité")
    for level in range(1, 6):
        app.text_area(key=f"level_text_{level}").set_value(f"Situation {level}")
    submit(app, "step2.create_indicator")
    assert app.success[0].value == fr("step2.created.active", name="Se sentir en sécurité")
    pid = app.session_state["project_id"]
    # The demo has an indicator of that name already: the new one is the one more.
    made = max(stored(db_url, indicators_service.list_indicators, project_id=pid), key=lambda i: i.id)
    assert made.name_fr == "Se sentir en sécurité"
    assert made.status == "active"
    assert stored(db_url, indicators_service.levels_of, project_id=pid, indicator_id=made.id) == {
        level: f"Situation {level}" for level in range(1, 6)
    }
    notes = stored(db_url, indicators_service.supporting_notes, project_id=pid, indicator_id=made.id)
    assert sorted(notes["id"]) == sorted(chosen)


def test_step2_incomplete_indicator_is_a_draft(app, db_url):
    load_demo(app)
    app.switch_page("pages/indicators.py").run()
    by_label(app.text_input, fr("indicator.name_fr")).set_value("Brouillon")
    app.text_area(key="level_text_1").set_value("Très mal")
    submit(app, "step2.create_indicator")
    assert app.success[0].value == fr("step2.created.draft", name="Brouillon")
    pid = app.session_state["project_id"]
    made = max(stored(db_url, indicators_service.list_indicators, project_id=pid), key=lambda i: i.id)
    assert made.name_fr == "Brouillon"
    assert made.status == "draft"
    assert stored(db_url, indicators_service.levels_of, project_id=pid, indicator_id=made.id) == {1: "Très mal"}


def test_step3_typed_questionnaire_counts(app, db_url):
    load_demo(app)
    app.switch_page("pages/survey.py").run()
    assert app.metric[0].value == "208"  # the newest of the demo's two waves
    first, second = (int(r.key.removeprefix("answer_")) for r in app.radio[:2])
    app.radio[0].set_value(4)
    app.radio[1].set_value(0)
    submit(app, "step3.save_response")
    assert app.success[0].value == fr("step3.saved")
    assert app.metric[0].value == "209"
    pid = app.session_state["project_id"]
    wave = stored(db_url, surveys_service.list_waves, project_id=pid)[-1].id
    answers = stored(db_url, surveys_service.answers_frame, project_id=pid, wave_id=wave)
    newest = answers[answers["respondent"] == answers["respondent"].max()].set_index("indicator_id")["level"]
    assert newest.to_dict().keys() == {first, second}
    assert newest[first] == 4 and pd.isna(newest[second])  # the second answered "don't know"


def test_step4_action_with_commitment(app, db_url):
    from actions import service as actions_service

    load_demo(app)
    with database.session_scope(db_url) as session:
        first = indicators_service.list_indicators(session=session, project_id=app.session_state["project_id"])[0]
    app.switch_page("pages/actions.py").run()
    by_label(app.text_input, fr("action.title")).set_value("Fête des voisins")
    by_label(app.multiselect, fr("action.indicators")).set_value([first.id])
    submit(app, "step4.create_action")
    assert not app.error
    assert "Fête des voisins" in [s.value for s in app.subheader]
    pid = app.session_state["project_id"]
    (made,) = [a for a in stored(db_url, actions_service.list_actions, project_id=pid) if a.title == "Fête des voisins"]
    targets = stored(db_url, actions_service.action_targets, project_id=pid)
    assert targets[targets["action_id"] == made.id]["indicator_id"].tolist() == [first.id]
    commitments = len(stored(db_url, actions_service.commitments_frame, project_id=pid))
    by_label(app.text_input, fr("commitment.amount")).set_value("-3")
    submit(app, "step4.add_commitment")
    assert app.error[0].value == fr("error.amount_negative")
    assert len(stored(db_url, actions_service.commitments_frame, project_id=pid)) == commitments


def test_project_page_grid_and_archive(app, db_url):
    load_demo(app)
    pid = app.session_state["project_id"]
    app.switch_page("pages/project.py").run()
    by_label(app.text_input, fr("grid.code")).set_value("B42")
    by_label(app.text_input, fr("grid.label_fr")).set_value("Jardins partagés")
    submit(app, "grid.add")
    assert app.error[0].value == fr("error.grid_code_family", code="B42", family="A")
    assert "B42" not in [e.code for e in stored(db_url, grid.list_grid, project_id=pid)]
    by_label(app.selectbox, fr("grid.family")).set_value("B")
    by_label(app.text_input, fr("grid.code")).set_value("B42")
    by_label(app.text_input, fr("grid.label_fr")).set_value("Jardins partagés")
    submit(app, "grid.add")
    assert not app.error
    assert "B42" in [row for row in app.dataframe[0].value.iloc[:, 0]]
    (added,) = [e for e in stored(db_url, grid.list_grid, project_id=pid) if e.code == "B42"]
    assert (added.family, added.label_fr) == ("B", "Jardins partagés")
    submit(app, "archive.prepare")
    data = downloaded(app, fr("archive.download"))
    with zipfile.ZipFile(io.BytesIO(data)) as handle:
        carried = json.loads(handle.read("tables/project.json"))
        grid_rows = json.loads(handle.read("tables/grid_entry.json"))
    assert [p["name"] for p in carried] == [DEMO_NAME]
    assert "Jardins partagés" in [row["label_fr"] for row in grid_rows]  # the new component travels too
    app.file_uploader[0].set_value((f"{DEMO_NAME}.spirale", data, "application/zip")).run()
    submit(app, "archive.import")  # the file itself, imported again from the page: a second copy of the project
    assert not app.error and not app.exception
    copy = app.session_state["project_id"]
    assert copy != pid and len(project_names(db_url)) == 2
    assert "B42" in [e.code for e in stored(db_url, grid.list_grid, project_id=copy)]
    before = project_names(db_url)
    app.file_uploader[0].set_value(("faux.spirale", b"not an archive", "application/zip")).run()
    submit(app, "archive.import")
    assert app.error[0].value == fr("error.archive_corrupt")
    assert project_names(db_url) == before


def test_hostile_names_are_shown_literally(app, db_url):
    hostile = "**Gras** <b>x</b> :red[rouge] $x$"
    by_label(app.sidebar.text_input, fr("project.name")).set_value(hostile)
    submit(app, "project.create")
    assert project_names(db_url) == [hostile]
    app.switch_page("pages/project.py").run()
    title = app.title[0].value
    assert "\\*\\*Gras\\*\\*" in title and "\\<b\\>" in title and "\\:red\\[rouge\\]" in title and "\\$x\\$" in title


def test_three_groups_in_a_row_each_becomes_the_one_shown(step1, db_url):
    from groups import service as groups_service

    app = step1
    for profile in ("Jeunes 16-25 ans", "Retraités"):
        by_label(app.text_input, fr("group.profile")).set_value(profile)
        submit(app, "step1.create_group")
        assert not app.exception and not app.error
        app.run()
        assert not app.exception
        chosen = by_label(app.selectbox, fr("step1.group"))
        assert chosen.format_func(chosen.value).startswith(profile)
    with database.session_scope(db_url) as session:
        stored = groups_service.list_groups(session=session, project_id=app.session_state["project_id"])
    assert [g.profile for g in stored] == ["Parents seuls", "Jeunes 16-25 ans", "Retraités"]


def _current_project_name(app) -> str:
    picker = by_label(app.sidebar.selectbox, fr("project.current"))
    return picker.format_func(picker.value)


def test_a_new_project_and_the_demo_become_current_while_another_exists(app, db_url):
    for name in ("Quartier Drouot", "Quartier Nord"):
        by_label(app.sidebar.text_input, fr("project.name")).set_value(name)
        submit(app, "project.create")
        assert not app.exception and not app.error
        assert _current_project_name(app) == name
        assert fr("project.now_current", name=name) in [toast.value for toast in app.toast]
        app.switch_page("pages/groups.py").run()
        assert _current_project_name(app) == name  # and it stays so on the next page
        app.switch_page("pages/home.py").run()
    assert project_names(db_url) == ["Quartier Drouot", "Quartier Nord"]
    load_demo(app)
    assert _current_project_name(app) == DEMO_NAME
    assert project_names(db_url) == ["Quartier Drouot", "Quartier Nord", DEMO_NAME]
    app.switch_page("pages/survey.py").run()
    assert app.metric[0].value == "208"  # the demo's data, not the empty project's
