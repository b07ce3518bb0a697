"""AppTest for the action plan, partners, priorities and report pages (on the demo project)."""

import io

import pypdf

from actions import partners as partners_service
from actions import priorities as priorities_service
from actions import service as actions_service
from tests.pages.conftest import by_label, load_demo
from tests.pages.readback import downloaded, stored
from workshop import i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def submit(app, key: str):
    return by_label(app.button, fr(key)).click().run()


def commitments(app, db_url):
    return stored(db_url, actions_service.commitments_frame, project_id=app.session_state["project_id"], details=True)


def action_titled(app, db_url, title: str):
    (action,) = [a for a in stored(db_url, actions_service.list_actions, project_id=app.session_state["project_id"])
                 if a.title == title]  # fmt: skip
    return action


def partner_named(app, db_url, name: str):
    everyone = stored(db_url, actions_service.list_partners, project_id=app.session_state["project_id"],
                      include_archived=True)  # fmt: skip
    (partner,) = [p for p in everyone if p.name == name]
    return partner


def choose(selectbox, label: str, starts: bool = False):
    """Pick an option shown as `label`: the widget's values are database ids shown through format_func,
    and a fresh test database numbers them from 1."""
    shown = (lambda v: str(selectbox.format_func(v)).startswith(label)) if starts else None
    match = shown or (lambda v: selectbox.format_func(v) == label)
    return selectbox.set_value(next(v for v in range(1, 10_000) if match(v)))


def test_plan_shows_timeline_funding_and_commitment_followup(app):
    load_demo(app)
    app.switch_page("pages/actions.py").run()
    assert not app.exception
    assert len(app.get("plotly_chart")) >= 2  # the Gantt timeline and the shared funding
    headers = [list(frame.value.columns) for frame in app.dataframe]
    assert [
        fr("commitment.action"),
        fr("commitment.partner"),
        fr("chart.amount"),
        fr("commitment.unit"),
        "%",
    ] in headers
    states = {m.label: m.value for m in app.metric}
    assert states[fr("commitment.state.missing")] == "1"
    assert int(states[fr("commitment.state.kept")]) >= 4


def test_action_without_owner_is_a_flagged_draft_and_bad_amounts_are_refused(app, db_url):
    load_demo(app)
    app.switch_page("pages/actions.py").run()
    by_label(app.text_input, fr("action.title")).set_value("Repair café <b>")
    by_label(app.selectbox, fr("action.status")).set_value("in_progress")
    submit(app, "step4.create_action")
    assert not app.error
    made = action_titled(app, db_url, "Repair café <b>")
    assert (made.status, made.pilot_partner_id) == ("draft", None)  # no owner nor target: a draft, whatever asked
    before = len(commitments(app, db_url))
    assert "Repair café \\<b\\>" in [s.value for s in app.subheader]
    missing = f"{fr('action.flag.no_target')}, {fr('action.flag.no_owner')}"
    assert fr("action.flagged", missing=missing) in [w.value for w in app.warning]
    choose(by_label(app.selectbox, fr("commitment.action")), "Repair café <b>")
    by_label(app.text_input, fr("commitment.amount")).set_value("beaucoup")
    submit(app, "step4.add_commitment")
    assert app.error[0].value == fr("error.amount_number", value="beaucoup")
    assert len(commitments(app, db_url)) == before


def test_commitment_with_reciprocal_and_followup_record(app, db_url):
    load_demo(app)
    app.switch_page("pages/actions.py").run()
    before = {m.label: m.value for m in app.metric}
    known = set(commitments(app, db_url)["id"])
    title = "Jardin partagé des Peupliers"
    choose(by_label(app.selectbox, fr("commitment.action")), title)
    choose(by_label(app.selectbox, fr("commitment.partner")), "Collège Simone-Veil")
    by_label(app.selectbox, fr("commitment.kind")).set_value("participation")
    by_label(app.text_input, fr("commitment.amount")).set_value("20")
    by_label(app.text_input, fr("commitment.unit")).set_value("élèves")
    choose(by_label(app.selectbox, fr("commitment.reciprocal")), title, starts=True)
    submit(app, "step4.add_commitment")
    assert not app.error
    after = {m.label: m.value for m in app.metric}
    assert int(after[fr("commitment.state.pending")]) == int(before[fr("commitment.state.pending")]) + 1
    frame = commitments(app, db_url)
    (new,) = frame[~frame["id"].isin(known)].itertuples()
    garden, college = action_titled(app, db_url, title), partner_named(app, db_url, "Collège Simone-Veil")
    assert (new.action_id, new.partner_id, new.kind, new.amount, new.unit, new.fulfilment) == (
        garden.id, college.id, "participation", 20.0, "élèves", "pending"
    )
    assert frame.set_index("id").loc[new.reciprocal_id, "action_id"] == garden.id  # what the partner gets back
    by_label(app.radio, fr("commitment.fulfilment")).set_value("missing")
    submit(app, "commitment.record")
    assert not app.error
    assert {m.label: m.value for m in app.metric}[fr("commitment.state.missing")] == "2"
    assert (commitments(app, db_url)["fulfilment"] == "missing").sum() == 2


def test_a_pending_commitment_is_removed_after_a_confirmation(app, db_url):
    load_demo(app)
    app.switch_page("pages/actions.py").run()
    pending = int({m.label: m.value for m in app.metric}[fr("commitment.state.pending")])
    kept = set(commitments(app, db_url)["id"])
    form = by_label(app.button, fr("commitment.remove"))
    form.click().run()  # not confirmed: nothing goes
    assert int({m.label: m.value for m in app.metric}[fr("commitment.state.pending")]) == pending
    assert set(commitments(app, db_url)["id"]) == kept
    by_label(app.checkbox, fr("commitment.remove_confirm")).check()
    submit(app, "commitment.remove")
    assert not app.error and not app.exception
    assert int({m.label: m.value for m in app.metric}[fr("commitment.state.pending")]) == pending - 1
    left = commitments(app, db_url)
    (gone,) = kept - set(left["id"])
    assert len(left) == len(kept) - 1 and gone not in set(left["reciprocal_id"].dropna())


def test_partner_with_commitments_is_archived_not_deleted(app, db_url):
    load_demo(app)
    app.switch_page("pages/partners.py").run()
    assert not app.exception
    assert len(app.dataframe[0].value) == 12
    name = "CCAS de Valmont-sur-Orne"
    choose(by_label(app.selectbox, fr("partners.which")), name).run()
    by_label(app.button, fr("partners.remove")).click().run()
    assert fr("partners.removed.archived", name=name) in [i.value for i in app.info]
    assert name not in app.dataframe[0].value[fr("partner.name")].tolist()
    partner = partner_named(app, db_url, name)
    assert partner.archived_at is not None  # kept, with its commitments
    assert partner.id in set(commitments(app, db_url)["partner_id"])
    app.toggle(key="partners_archived").set_value(True).run()
    assert name in app.dataframe[0].value[fr("partner.name")].tolist()


def test_commission_and_plenary_forms(app, db_url):
    load_demo(app)
    pid = app.session_state["project_id"]
    app.switch_page("pages/partners.py").run()
    by_label(app.text_input, fr("commission.name")).set_value("Mobilité")
    submit(app, "commission.add")
    assert "Mobilité" in [s.value for s in app.subheader]
    assert "Mobilité" in [c.name for c in stored(db_url, partners_service.list_commissions, project_id=pid)]
    plenaries = stored(db_url, partners_service.list_plenaries, project_id=pid)
    by_label(app.text_input, fr("plenary.name")).set_value("Plénière de bilan")
    submit(app, "plenary.add")
    assert app.error[0].value == fr("error.plenary_date")
    assert stored(db_url, partners_service.list_plenaries, project_id=pid) == plenaries


def test_priorities_ranked_with_reasons_and_choice_recorded(app, db_url):
    load_demo(app)
    app.switch_page("pages/priorities.py").run()
    assert not app.exception
    ranked = app.dataframe[0].value
    assert ranked[fr("priority.rank")].tolist()[:3] == ["1", "2", "3"]  # as French text, like every number of the table
    assert ranked[fr("priority.reasons")].str.len().min() > 0
    axes = stored(db_url, priorities_service.list_axes, project_id=app.session_state["project_id"])
    submit(app, "priority.record")
    assert app.error[0].value == fr("error.priority_none")
    assert stored(db_url, priorities_service.list_axes, project_id=app.session_state["project_id"]) == axes
    first_two = [option for option in _ids(app)][:2]
    by_label(app.multiselect, fr("priority.choose")).set_value(first_two)
    by_label(app.text_input, fr("priority.decided_by")).set_value("Groupe de coordination")
    submit(app, "priority.record")
    assert app.success[0].value == fr("priority.recorded", count=2)
    chosen = app.dataframe[1].value
    assert chosen[fr("priority.decided_by")].tolist() == ["Groupe de coordination"] * 2
    axes = stored(db_url, priorities_service.list_axes, project_id=app.session_state["project_id"])
    assert [(a.indicator_id, a.decided_by) for a in axes] == [(i, "Groupe de coordination") for i in first_two]


def _ids(app):
    from actions import priorities
    from workshop import database

    with database.session_scope() as session:
        return priorities.ranking(session=session, project_id=app.session_state["project_id"])["indicator_id"].tolist()


def test_report_html_and_pdf(app):
    load_demo(app)
    app.switch_page("pages/report.py").run()
    by_label(app.selectbox, fr("report.language")).set_value("en")
    submit(app, "report.make")
    assert not app.exception and not app.error
    assert app.success[0].value == fr("report.ready")
    buttons = {b.proto.label: b for b in app.get("download_button")}
    assert set(buttons) == {fr("report.download_html"), fr("report.download_pdf")}
    # The files a person downloads, not the page's own state.
    document = downloaded(app, fr("report.download_html")).decode("utf-8")
    pdf = downloaded(app, fr("report.download_pdf"))
    assert 'lang="en"' in document and "Shared funding" in document and "Jardin partagé des Peupliers" in document
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Jardin partagé des Peupliers" in text


def test_partner_edit_and_commission_members(app, db_url):
    load_demo(app)
    app.switch_page("pages/partners.py").run()
    choose(app.selectbox(key="partner_edit"), "Collège Simone-Veil").run()
    contact = next(w for w in app.text_input if w.label == fr("partner.contact") and w.value)
    contact.set_value("Nathalie Perrin, principale – 03 00 00 00 00")
    submit(app, "partners.save")
    assert not app.error
    directory = app.dataframe[0].value.set_index(fr("partner.name"))
    assert directory.loc["Collège Simone-Veil", fr("partner.contact")].endswith("03 00 00 00 00")
    assert partner_named(app, db_url, "Collège Simone-Veil").contact == "Nathalie Perrin, principale – 03 00 00 00 00"
    members = [m for m in app.multiselect if m.label == fr("commission.members") and m.value]
    form = members[0].form_id  # members_<commission id>
    members[0].set_value([])
    next(b for b in app.button if b.label == fr("commission.save_members") and b.form_id == form).click().run()
    commission = int(form.removeprefix("members_"))
    assert not app.error
    pid = app.session_state["project_id"]
    pilot = next(c for c in stored(db_url, partners_service.list_commissions, project_id=pid) if c.id == commission)
    overview = stored(db_url, partners_service.commissions_overview, project_id=pid)
    assert next(c for c in overview if c.id == commission).member_ids == [pilot.pilot_partner_id]  # the pilot stays


def test_flagged_draft_is_completed_from_the_plan(app, db_url):
    load_demo(app)
    app.switch_page("pages/actions.py").run()
    by_label(app.text_input, fr("action.title")).set_value("Repair café")
    submit(app, "step4.create_action")
    assert app.warning
    status = [s for s in app.selectbox if s.label == fr("action.status") and s.form_id.startswith("status_")][-1]
    form = status.form_id
    status.set_value("planned")
    choose(next(s for s in app.selectbox if s.form_id == form and s.label == fr("action.pilot")), "Collège Simone-Veil")
    aims = next(m for m in app.multiselect if m.form_id == form)
    aim = choose_first(aims)
    aims.set_value([aim])
    next(b for b in app.button if b.label == fr("action.save_status") and b.form_id == form).click().run()
    assert not app.error and not app.warning
    action = action_titled(app, db_url, "Repair café")
    assert (action.status, action.pilot_partner_id) == ("planned", partner_named(app, db_url, "Collège Simone-Veil").id)
    targets = stored(db_url, actions_service.action_targets, project_id=app.session_state["project_id"])
    assert targets[targets["action_id"] == action.id]["indicator_id"].tolist() == [aim]


def choose_first(multiselect):
    return next(v for v in range(1, 10_000) if multiselect.format_func(v) == multiselect.options[0])


def done_milestones(db_url, app) -> int:
    from actions import service
    from workshop import database

    with database.session_scope(db_url) as session:
        frame = service.milestones_frame(session=session, project_id=app.session_state["project_id"])
    return int(frame["done_on"].notna().sum())


def test_milestone_marked_done(app, db_url):
    load_demo(app)
    app.switch_page("pages/actions.py").run()
    before = done_milestones(db_url, app)
    form = next(s.form_id for s in app.selectbox if s.label == fr("milestone.which"))
    next(b for b in app.button if b.label == fr("milestone.mark_done") and b.form_id == form).click().run()
    assert not app.error
    assert done_milestones(db_url, app) == before + 1


def test_chosen_priority_axes_come_first_when_aiming_an_action(app, db_url):
    from actions import priorities
    from workshop import database

    load_demo(app)
    pid = app.session_state["project_id"]
    with database.session_scope(db_url) as session:
        last = priorities.ranking(session=session, project_id=pid)["indicator_id"].tolist()[-1]
        priorities.choose_axes(session=session, project_id=pid, indicator_ids=[last])
    app.switch_page("pages/actions.py").run()
    options = by_label(app.multiselect, fr("action.indicators")).options
    assert options[0].startswith("★ ") and not any(o.startswith("★") for o in options[1:])


def test_after_an_ex_post_wave_each_action_shows_its_change(app, db_url):
    from actions import service
    from surveys import service as surveys_service
    from workshop import database

    load_demo(app)
    pid = app.session_state["project_id"]
    with database.session_scope(db_url) as session:
        targets = service.action_targets(session=session, project_id=pid)
        wave = surveys_service.create_wave(session=session, project_id=pid, name="Vague 2", kind="ex-post").id
        aimed = dict.fromkeys(targets["indicator_id"].unique().tolist(), 5)
        for _ in range(5):
            surveys_service.add_response(session=session, project_id=pid, wave_id=wave, levels=aimed)
    app.switch_page("pages/actions.py").run()
    assert not app.exception
    assert not [i for i in app.info if i.value == fr("step4.no_expost")]
    lines = [t.value for t in app.text if "→" in t.value and "✓" in t.value]
    assert len(lines) == 5  # every demo action's targets, all reached at level 5
    progress = [f.value for f in app.dataframe if fr("progress.reached") in f.value.columns]
    assert len(progress) == 5 and all((p[fr("progress.reached")] == fr("progress.yes")).all() for p in progress)


def test_each_target_keeps_its_own_level(app, db_url):
    from actions import service
    from workshop import database

    load_demo(app)
    app.switch_page("pages/actions.py").run()
    pid = app.session_state["project_id"]
    with database.session_scope(db_url) as session:
        first = service.list_actions(session=session, project_id=pid)[0]
        before = service.action_targets(session=session, project_id=pid)
    indicator = int(before[before["action_id"] == first.id]["indicator_id"].iloc[0])
    app.slider(key=f"target_{first.id}_{indicator}").set_value(5)
    next(
        b for b in app.button if b.label == fr("action.save_status") and b.form_id == f"status_{first.id}"
    ).click().run()
    assert not app.error
    with database.session_scope(db_url) as session:
        after = service.action_targets(session=session, project_id=pid).set_index(["action_id", "indicator_id"])
    assert after.loc[(first.id, indicator), "target_level"] == 5
    others = before[(before["action_id"] == first.id) & (before["indicator_id"] != indicator)]
    assert all(after.loc[(first.id, r.indicator_id), "target_level"] == r.target_level for r in others.itertuples())


def test_a_new_partner_a_restored_one_and_a_plenary_are_stored(app, db_url):
    import datetime

    load_demo(app)
    pid = app.session_state["project_id"]
    app.switch_page("pages/partners.py").run()
    form = by_label(app.text_input, fr("partner.name")).form_id
    by_label(app.text_input, fr("partner.name")).set_value("Épicerie solidaire <b>")
    next(t for t in app.text_input if t.label == fr("partner.contact") and t.form_id == form).set_value("Lina, 06")
    submit(app, "partners.add")
    assert not app.error
    made = partner_named(app, db_url, "Épicerie solidaire <b>")
    assert (made.contact, made.archived_at) == ("Lina, 06", None)
    name = "CCAS de Valmont-sur-Orne"
    choose(app.selectbox(key="partner_remove"), name).run()
    by_label(app.button, fr("partners.remove")).click().run()
    assert partner_named(app, db_url, name).archived_at is not None
    app.toggle(key="partners_archived").set_value(True).run()  # archived partners, to bring one back
    choose(app.selectbox(key="partner_restore"), name).run()
    by_label(app.button, fr("partners.restore")).click().run()
    assert not app.error
    assert partner_named(app, db_url, name).archived_at is None
    by_label(app.date_input, fr("plenary.held_on")).set_value(datetime.date(2027, 3, 14))
    by_label(app.text_input, fr("plenary.name")).set_value("Plénière de bilan")
    by_label(app.text_input, fr("plenary.attendance")).set_value("42")
    submit(app, "plenary.add")
    assert not app.error
    plenaries = stored(db_url, partners_service.list_plenaries, project_id=pid)
    (held,) = [p for p in plenaries if p.title == "Plénière de bilan"]
    assert (held.held_on, held.attendance) == (datetime.date(2027, 3, 14), 42)


def test_a_milestone_added_to_an_action_is_stored(app, db_url):
    import datetime

    load_demo(app)
    pid = app.session_state["project_id"]
    app.switch_page("pages/actions.py").run()
    first = stored(db_url, actions_service.list_actions, project_id=pid)[0]
    form = f"milestone_{first.id}"
    next(t for t in app.text_input if t.form_id == form).set_value("Premier chantier")
    next(d for d in app.date_input if d.form_id == form).set_value(datetime.date(2027, 5, 2))
    next(b for b in app.button if b.form_id == form and b.label == fr("milestone.add")).click().run()
    assert not app.error
    steps = stored(db_url, actions_service.milestones_frame, project_id=pid)
    added = steps[(steps["action_id"] == first.id) & (steps["title"] == "Premier chantier")]
    assert len(added) == 1 and added["due_on"].iloc[0] == datetime.date(2027, 5, 2)
