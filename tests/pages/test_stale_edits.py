"""AppTest: a form saved after another screen changed the same indicator, action, milestone or commitment is
refused with a "changed meanwhile" message, and the other screen's change stays; a screen's own saves go on."""

from datetime import date

from actions import service as actions_service
from indicators import service as indicators_service
from tests.pages.conftest import load_demo
from workshop import database, i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def press(app, label_key: str, form: str | None = None) -> None:
    button = next(b for b in app.button if b.label == fr(label_key) and (form is None or b.form_id == form))
    button.click().run()
    assert not app.exception


def errors(app) -> list[str]:
    return [e.value for e in app.error]


def test_an_indicator_saved_elsewhere_meanwhile_is_not_overwritten(app, db_url):
    load_demo(app)
    app.switch_page("pages/indicators.py").run()
    pid = app.session_state["project_id"]
    current = app.selectbox(key="edit_indicator").value
    press(app, "step2.save")  # this screen's own saves follow each other
    press(app, "step2.save")
    assert not app.error and len(app.success) == 1
    with database.session_scope(db_url) as session:  # another screen renames it
        shown = indicators_service.get_indicator(session=session, project_id=pid, indicator_id=current)
        levels = indicators_service.levels_of(session=session, project_id=pid, indicator_id=current)
        indicators_service.update_indicator(session=session, project_id=pid, indicator_id=current,
                                            name_fr="Renommé ailleurs", levels=levels)  # fmt: skip
    press(app, "step2.save")
    assert errors(app) == [fr("error.stale_indicator", name="Renommé ailleurs")]
    with database.session_scope(db_url) as session:
        assert indicators_service.get_indicator(session=session, project_id=pid, indicator_id=current).name_fr == (
            "Renommé ailleurs"
        )
    press(app, "step2.retire")  # the screen now shows the new version: its next change goes through
    with database.session_scope(db_url) as session:
        retired = indicators_service.get_indicator(session=session, project_id=pid, indicator_id=current)
    assert (retired.status, retired.name_fr, retired.version) == ("retired", "Renommé ailleurs", shown.version + 2)


def test_an_action_changed_elsewhere_meanwhile_is_not_overwritten(app, db_url):
    load_demo(app)
    app.switch_page("pages/actions.py").run()
    pid = app.session_state["project_id"]
    with database.session_scope(db_url) as session:
        first = actions_service.list_actions(session=session, project_id=pid)[0]
    press(app, "action.save_status", f"status_{first.id}")  # this screen's own save
    assert not app.error
    with database.session_scope(db_url) as session:  # another screen moves its end date
        actions_service.update_action(session=session, project_id=pid, action_id=first.id, end_on=date(2031, 1, 1))
    press(app, "action.save_status", f"status_{first.id}")
    assert errors(app) == [fr("error.stale_action", name=first.title)]
    with database.session_scope(db_url) as session:
        assert actions_service.get_action(session=session, project_id=pid, action_id=first.id).end_on == date(
            2031, 1, 1
        )
    press(app, "action.save_status", f"status_{first.id}")  # reloaded: it goes through now
    assert not app.error


def test_a_milestone_and_a_commitment_changed_elsewhere_meanwhile(app, db_url):
    load_demo(app)
    app.switch_page("pages/actions.py").run()
    pid = app.session_state["project_id"]
    form = next(s.form_id for s in app.selectbox if s.label == fr("milestone.which"))
    step = next(s.value for s in app.selectbox if s.form_id == form)
    with database.session_scope(db_url) as session:
        frame = actions_service.milestones_frame(session=session, project_id=pid).set_index("id")
        actions_service.set_milestone_done(session=session, project_id=pid, milestone_id=step, done_on=None)
    press(app, "milestone.mark_done", form)
    assert errors(app) == [fr("error.stale_milestone", name=frame.at[step, "title"])]

    commitment_form = "fulfilment"
    chosen = next(s.value for s in app.selectbox if s.form_id == commitment_form)
    with database.session_scope(db_url) as session:
        actions_service.set_fulfilment(session=session, project_id=pid, commitment_id=chosen, fulfilment="missing")
        commitments = actions_service.commitments_frame(session=session, project_id=pid, details=True)
        title = actions_service.get_action(
            session=session, project_id=pid, action_id=int(commitments.set_index("id").at[chosen, "action_id"])
        ).title
    press(app, "commitment.record", commitment_form)
    assert errors(app) == [fr("error.stale_commitment", name=title)]
    with database.session_scope(db_url) as session:
        frame = actions_service.commitments_frame(session=session, project_id=pid, details=True).set_index("id")
    assert frame.at[chosen, "fulfilment"] == "missing"
