"""Step 4's drawing: the plan's cards and their forms, the timeline, funding, follow-up, the new action and
commitment forms. What is shown comes from actions.plan.Plan; every write goes through `Writer` (shell.attempt),
so it is committed before the page reruns.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from actions import charts, followup, service
from actions.models import ACTION_STATUSES, COMMITMENT_KINDS, FULFILMENTS, ActionRead
from actions.plan import Plan, edited_targets, funding_totals
from ui import shell
from ui.shell import t
from workshop import formats

Writer = Callable[..., bool]  # writer(service_function, **params): True once committed (then the page reruns)


def commitment_labels(plan: Plan) -> dict[int, str]:
    """'Action — partner — kind amount' for each commitment, to choose one in a list."""
    titles = plan.action_titles

    def label(row: pd.Series) -> str:
        amount = "" if pd.isna(row["amount"]) else f" {formats.amount(row['amount'], shell.lang())} {row['unit']}"
        kind = t(f"commitment.kind.{row['kind']}")
        return f"{titles.get(row['action_id'], '?')} — {row['partner']} — {kind}{amount}"

    return plan.commitments.set_index("id").apply(label, axis=1).to_dict() if len(plan.commitments) else {}


def commitments_table(rows: pd.DataFrame, labels: dict[int, str]) -> None:
    shown = pd.DataFrame(
        {
            t("commitment.partner"): rows["partner"] + rows["archived"].map({True: " †", False: ""}),
            t("commitment.kind"): rows["kind"].map(lambda k: t(f"commitment.kind.{k}")),
            t("commitment.amount"): rows["amount"],
            t("commitment.unit"): rows["unit"],
            t("commitment.description"): rows["description"],
            t("commitment.reciprocal"): rows["reciprocal_id"].map(lambda r: "" if pd.isna(r) else labels.get(r, "")),
            t("commitment.due_on"): rows["due_on"],
            t("commitment.state"): rows["state"].map(lambda s: t(f"commitment.state.{s}")),
        }
    )
    st.dataframe(formats.readable(shown, shell.lang()), hide_index=True, width="stretch")  # no "None" due date


def _change_text(plan: Plan, action_id: int, indicator_id: int) -> str:
    """After an ex-post wave: " (2.1 → 3.0 ✓)" for an indicator of an action; empty before."""
    found = plan.change(action_id, indicator_id)
    if found is None:
        return ""
    if found.after is None:
        return f" ({t('progress.unknown')})"
    lang = shell.lang()
    before = "?" if found.before is None else formats.number(found.before, lang, 1)
    return f" ({before} → {formats.number(found.after, lang, 1)} {'✓' if found.reached else '✗'})"


def action_card(plan: Plan, action: ActionRead, labels: dict[int, str], drawn: dict[str, int], write: Writer) -> None:
    """One action of the plan: what it is, aims at and who commits, then its status and milestone forms."""
    st.subheader(shell.md_escape(action.title))
    lang = shell.lang()
    pilot = plan.partner_names.get(action.pilot_partner_id)
    commission = plan.commission_names.get(action.commission_id)
    details = [  # what is known, in words: no "—" nor "… → …" placeholders
        t(f"action.status.{action.status}"),
        t("report.labelled", label=t("action.pilot"), value=pilot) if pilot else "",
        t("report.labelled", label=t("action.commission"), value=commission) if commission else "",
        formats.day_range(action.start_on, action.end_on, lang),
    ]
    st.caption(shell.md_escape(" · ".join(filter(None, details))))
    if action.flags:
        missing = ", ".join(t(f"action.flag.{flag}") for flag in action.flags)
        st.warning(t("action.flagged", missing=missing), icon="🚩")
    if action.description:
        st.text(action.description)
    aimed = plan.targets[plan.targets["action_id"] == action.id]
    names = plan.indicator_names
    aims = [
        f"{names.get(row.indicator_id, '?')} → {row.target_level}/5{_change_text(plan, action.id, row.indicator_id)}"
        for row in aimed.itertuples()
    ]
    st.text(", ".join(aims) or t("step4.no_target"))
    own = plan.commitments[plan.commitments["action_id"] == action.id]
    if len(own):
        commitments_table(own, labels)
    steps = plan.milestones[plan.milestones["action_id"] == action.id]
    if len(steps):
        st.dataframe(
            formats.readable(pd.DataFrame(
                {
                    t("milestone.title"): steps["title"],
                    t("milestone.due_on"): steps["due_on"],
                    t("milestone.done_on"): steps["done_on"],
                }
            ), shell.lang()),
            hide_index=True,
            width="stretch",
        )
    with st.expander(t("action.change_status")):
        _status_form(plan, action, drawn, write)
        _milestone_forms(action, steps, drawn, write)


def _status_form(plan: Plan, action: ActionRead, drawn: dict[str, int], write: Writer) -> None:
    active, names = plan.active_partners, plan.indicator_names
    with st.form(f"status_{action.id}"):
        status = st.selectbox(
            t("action.status"),
            ACTION_STATUSES,
            index=ACTION_STATUSES.index(action.status),
            format_func=lambda s: t(f"action.status.{s}"),
        )
        pilots = [None, *active]
        pilot = st.selectbox(
            t("action.pilot"),
            pilots,
            index=pilots.index(action.pilot_partner_id) if action.pilot_partner_id in active else 0,
            format_func=lambda p: active.get(p, "—"),
        )
        current = plan.targets_of(action.id)
        left, right = st.columns([3, 1])
        aims = left.multiselect(
            t("action.edit_targets"),
            list(names),
            default=list(current),
            format_func=names.get,
            placeholder=t("shell.choose"),
        )
        added_level = right.slider(t("action.new_target_level"), 1, 5, 4)
        # Each current target's own level; the slider sets the level of the added indicators.
        levels = {
            i: st.slider(
                shell.md_escape(f"{names[i]} — {t('action.target_level')}"), 1, 5, level, key=f"target_{action.id}_{i}"
            )
            for i, level in current.items()
        }
        left, right = st.columns(2)
        start = left.date_input(t("action.start_on"), value=action.start_on, format=formats.DATE_INPUT)
        end = right.date_input(t("action.end_on"), value=action.end_on, format=formats.DATE_INPUT)
        if st.form_submit_button(t("action.save_status")):
            write(
                service.update_action,
                action_id=action.id,
                status=status,
                pilot_partner_id=pilot,
                start_on=start,
                end_on=end,
                targets=edited_targets(current, aims, levels, added_level),
                expected_version=drawn.get(f"action:{action.id}"),
            )


def _milestone_forms(action: ActionRead, steps: pd.DataFrame, drawn: dict[str, int], write: Writer) -> None:
    with st.form(f"milestone_{action.id}", clear_on_submit=True):
        left, right = st.columns([3, 1])
        title = left.text_input(t("milestone.title"), max_chars=120)
        due = right.date_input(t("milestone.due_on"), value=None, format=formats.DATE_INPUT)
        if st.form_submit_button(t("milestone.add")):
            write(service.add_milestone, action_id=action.id, title=title, due_on=due)
    open_steps = steps[steps["done_on"].isna()]
    if not len(open_steps):
        return
    with st.form(f"milestone_done_{action.id}"):
        step_titles = dict(zip(open_steps["id"], open_steps["title"], strict=True))
        left, right = st.columns([3, 1])
        step = left.selectbox(t("milestone.which"), list(step_titles), format_func=step_titles.get)
        done = right.date_input(t("milestone.done_on"), value=date.today(), format=formats.DATE_INPUT)
        if st.form_submit_button(t("milestone.mark_done")):
            write(
                service.set_milestone_done,
                milestone_id=step,
                done_on=done,
                expected_version=drawn.get(f"milestone:{step}"),
            )


def timeline(plan: Plan) -> None:
    if plan.actions_table.dropna(subset=["start_on", "end_on"]).empty:
        st.info(t("step4.no_dates"))
        return
    figure = charts.timeline(
        plan.actions_table,
        plan.milestones,
        status_labels={s: t(f"action.status.{s}") for s in ACTION_STATUSES},
        title=t("chart.timeline"),
        milestone_label=t("chart.milestone"),
        today=date.today(),
        today_label=t("chart.today"),
        lang=shell.lang(),
    )
    st.plotly_chart(figure, width="stretch", key="timeline_chart")


def funding(plan: Plan) -> None:
    if plan.funding.empty:
        st.info(t("step4.no_funding"))
        return
    titles = plan.action_titles
    st.plotly_chart(
        charts.funding_bars(plan.funding, titles, title=t("chart.funding"), axis_label=t("chart.amount"),
                            lang=shell.lang()),
        width="stretch",
        key="funding_chart",
    )
    per_action = plan.funding
    st.dataframe(
        formats.readable(pd.DataFrame(
            {
                t("commitment.action"): per_action["action_id"].map(titles),
                t("commitment.partner"): per_action["partner"],
                t("chart.amount"): per_action["amount"],
                t("commitment.unit"): per_action["unit"],
                "%": per_action["share"],
            }
        ), shell.lang(), percents=["%"]),
        hide_index=True,
        width="stretch",
    )
    st.subheader(t("step4.funding_total"))
    st.dataframe(
        formats.readable(funding_totals(plan.funding).rename(
            columns={"partner": t("commitment.partner"), "unit": t("commitment.unit"), "amount": t("chart.amount")}
        ), shell.lang()),
        hide_index=True,
        width="stretch",
    )


def follow_up(plan: Plan, labels: dict[int, str], drawn: dict[str, int], write: Writer) -> None:
    st.subheader(t("step4.commitments_followup"))
    counts = followup.state_counts(plan.commitments)
    for column, state in zip(st.columns(len(counts)), counts, strict=True):
        column.metric(t(f"commitment.state.{state}"), formats.integer(counts[state], shell.lang()))
    if len(plan.commitments):
        commitments_table(plan.commitments, labels)
        with st.form("fulfilment"):
            chosen = st.selectbox(t("commitment.which"), list(labels), format_func=labels.get)
            left, right = st.columns(2)
            fulfilment = left.radio(
                t("commitment.fulfilment"),
                FULFILMENTS,
                format_func=lambda f: t(f"commitment.fulfilment.{f}"),
                horizontal=True,
            )
            done = right.date_input(t("milestone.done_on"), value=date.today(), format=formats.DATE_INPUT)
            if st.form_submit_button(t("commitment.record")):
                write(
                    service.set_fulfilment,
                    commitment_id=chosen,
                    fulfilment=fulfilment,
                    fulfilled_on=done,
                    expected_version=drawn.get(f"commitment:{chosen}"),
                )
    st.subheader(t("step4.progress"))
    if plan.progress.table.empty:
        st.info(t("step4.no_expost"))
    for action_id, rows in plan.progress.table.groupby("action_id"):
        _progress(plan, action_id, rows)


def _progress(plan: Plan, action_id: int, rows: pd.DataFrame) -> None:
    names = plan.indicator_names
    st.markdown(f"**{shell.md_escape(plan.action_titles.get(action_id, '?'))}**")
    yes_no = {True: t("progress.yes"), False: t("progress.no"), None: t("progress.unknown")}
    st.dataframe(
        formats.readable(pd.DataFrame(
            {
                t("progress.indicator"): rows["indicator_id"].map(names),
                t("progress.target"): rows["target_level"],
                t("progress.before"): rows["mean_before"],
                t("progress.after"): rows["mean_after"],
                t("progress.change"): rows["diff"],
                t("progress.reached"): rows["reached"].map(yes_no),
            }
        ), shell.lang(), decimals={t("progress.before"): 2, t("progress.after"): 2}, signs=[t("progress.change")]),
        hide_index=True,
        width="stretch",
    )
    labels = {"before": t("progress.before"), "after": t("progress.after"), "target": t("progress.target")}
    st.plotly_chart(
        charts.progress_bars(rows, names, title=t("progress.chart"), labels=labels, lang=shell.lang()),
        width="stretch",
        key=f"progress_{action_id}",
    )


def new_action_form(plan: Plan, write: Writer) -> None:
    names, axes, active, commissions = plan.indicator_names, plan.axes, plan.active_partners, plan.commission_names
    with st.form("new_action"):
        title = st.text_input(t("action.title"), max_chars=120)
        description = st.text_area(t("action.description"), max_chars=4000)
        targets = st.multiselect(
            t("action.indicators"),
            plan.aimable(),  # the coordination group's priority axes first, starred
            format_func=lambda i: ("★ " if i in axes else "") + names[i],
            placeholder=t("shell.choose"),
        )
        target_level = st.slider(t("action.target_level"), 1, 5, 4)
        left, right = st.columns(2)
        pilot = left.selectbox(t("action.pilot"), [None, *active], format_func=lambda p: active.get(p, "—"))
        commission = right.selectbox(
            t("action.commission"), [None, *commissions], format_func=lambda c: commissions.get(c, "—")
        )
        status = st.selectbox(t("action.status"), ACTION_STATUSES, format_func=lambda s: t(f"action.status.{s}"))
        left, right = st.columns(2)
        start = left.date_input(t("action.start_on"), value=None, format=formats.DATE_INPUT)
        end = right.date_input(t("action.end_on"), value=None, format=formats.DATE_INPUT)
        if st.form_submit_button(t("step4.create_action"), type="primary"):
            write(
                service.create_action,
                title=title,
                description=description,
                status=status,
                pilot_partner_id=pilot,
                commission_id=commission,
                targets=dict.fromkeys(targets, target_level),
                start_on=start,
                end_on=end,
            )


def commitment_forms(plan: Plan, labels: dict[int, str], drawn: dict[str, int], write: Writer) -> None:
    titles, active = plan.action_titles, plan.active_partners
    with st.form("new_commitment", clear_on_submit=True):
        action_id = st.selectbox(t("commitment.action"), list(titles), format_func=titles.get)
        partner_id = st.selectbox(t("commitment.partner"), list(active), format_func=active.get)
        kind = st.selectbox(t("commitment.kind"), COMMITMENT_KINDS, format_func=lambda k: t(f"commitment.kind.{k}"))
        left, right = st.columns(2)
        amount = left.text_input(t("commitment.amount"), max_chars=20)
        unit = right.text_input(t("commitment.unit"), max_chars=40)
        what = st.text_input(t("commitment.description"), max_chars=500)
        left, right = st.columns(2)
        due = left.date_input(t("commitment.due_on"), value=None, format=formats.DATE_INPUT)
        reciprocal = right.selectbox(
            t("commitment.reciprocal"),
            [None, *labels],
            format_func=lambda c: t("commitment.reciprocal_none") if c is None else labels[c],
        )
        if st.form_submit_button(t("step4.add_commitment"), type="primary"):
            write(
                service.add_commitment,
                action_id=action_id,
                partner_id=partner_id,
                kind=kind,
                amount=amount,
                unit=unit,
                description=what,
                due_on=due,
                reciprocal_id=reciprocal,
            )
    pending_ids = plan.pending_commitments()
    pending = {i: label for i, label in labels.items() if i in pending_ids}
    if not pending:
        return
    with st.expander(t("commitment.remove_title")), st.form("remove_commitment"):
        st.caption(t("commitment.remove_help"))
        chosen = st.selectbox(t("commitment.which"), list(pending), format_func=pending.get)
        confirmed = st.checkbox(t("commitment.remove_confirm"))
        if st.form_submit_button(t("commitment.remove"), icon="🗑️") and confirmed:
            write(
                service.remove_commitment,
                commitment_id=chosen,
                expected_version=drawn.get(f"commitment:{chosen}"),
                flash=t("commitment.removed"),
            )


def writer(project_id: int) -> Writer:
    """Each form's save: the service call committed, the refusal shown, then a rerun (shell.attempt)."""

    def write(call: Callable[..., Any], **params: Any) -> bool:
        return shell.attempt(call, project_id=project_id, rerun=True, **params)[0]

    return write
