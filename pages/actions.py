"""Step 4: pilot actions aimed at indicators, what each partner commits to (co-responsibility), the timeline,
shared funding and the follow-up after an ex-post wave."""

from datetime import date

import pandas as pd
import streamlit as st

from actions import charts, followup, partners, priorities, service
from actions.models import ACTION_STATUSES, COMMITMENT_KINDS, FULFILMENTS, PENDING
from indicators import service as indicators_service
from ui import access, shell
from ui.shell import t

access.require_page(__file__)

project_id = shell.require_project()
lang = shell.lang()
st.title(t("step4.title"))

with shell.read_session() as session:
    all_partners = service.list_partners(session=session, project_id=project_id, include_archived=True)
    indicators = indicators_service.list_indicators(session=session, project_id=project_id)
    actions = service.list_actions(session=session, project_id=project_id)
    commissions = partners.list_commissions(session=session, project_id=project_id)
    targets_frame = service.action_targets(session=session, project_id=project_id)
    commitments = followup.commitment_followup(session=session, project_id=project_id)
    milestones = service.milestones_frame(session=session, project_id=project_id)
    actions_table = service.actions_frame(session=session, project_id=project_id)
    funding = service.funding_frame(session=session, project_id=project_id)
    progress = followup.action_progress(session=session, project_id=project_id)
    axes = [a.indicator_id for a in priorities.list_axes(session=session, project_id=project_id)]
partner_names = {p.id: p.name for p in all_partners}
active_partners = {p.id: p.name for p in all_partners if p.archived_at is None}
commission_names = {c.id: c.name for c in commissions}
indicator_names = {i.id: indicators_service.indicator_name(i, lang) for i in indicators}
action_titles = {a.id: a.title for a in actions}
# A form is submitted by the next run of this script: it saves with the versions the screen showed (the last
# run's), so an action, milestone or commitment another screen saved meanwhile is refused, not overwritten.
SEEN_KEY = "action_versions"
drawn = st.session_state.get(SEEN_KEY, {})
st.session_state[SEEN_KEY] = {
    **{f"action:{a.id}": a.version for a in actions},
    **{f"milestone:{i}": int(v) for i, v in zip(milestones["id"], milestones["version"], strict=True)},
    **{f"commitment:{i}": int(v) for i, v in zip(commitments["id"], commitments["version"], strict=True)},
}


def saved(call, **params) -> bool:  # noqa: ANN001, ANN003 - a service function and its arguments
    return shell.attempt(call, project_id=project_id, **params)[0]


def flags_text(flags: list[str]) -> str:
    return ", ".join(t(f"action.flag.{flag}") for flag in flags)


changes = progress.table.set_index(["action_id", "indicator_id"]) if len(progress.table) else None


def change(action_id: int, target) -> str:  # noqa: ANN001 - a row of the targets frame
    """After an ex-post wave: " (2.1 → 3.0 ✓)" for an indicator of an action; empty before."""
    if changes is None or (action_id, target.indicator_id) not in changes.index:
        return ""
    row = changes.loc[(action_id, target.indicator_id)]
    if pd.isna(row["mean_after"]):
        return f" ({t('progress.unknown')})"
    mark = "✓" if row["reached"] else "✗"
    before = "?" if pd.isna(row["mean_before"]) else f"{row['mean_before']:.1f}"
    return f" ({before} → {row['mean_after']:.1f} {mark})"


def commitment_label(row: pd.Series) -> str:
    amount = "" if pd.isna(row["amount"]) else f" {row['amount']:g} {row['unit']}"
    return (
        f"{action_titles.get(row['action_id'], '?')} — {row['partner']} — {t('commitment.kind.' + row['kind'])}{amount}"
    )


commitment_labels = commitments.set_index("id").apply(commitment_label, axis=1).to_dict() if len(commitments) else {}


def commitments_table(rows: pd.DataFrame) -> None:
    labels = commitment_labels
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
    st.dataframe(shown, hide_index=True, width="stretch")


plan_tab, timeline_tab, funding_tab, followup_tab, action_tab, commitment_tab = st.tabs(
    [
        t("step4.plan_tab"),
        t("step4.timeline"),
        t("step4.funding"),
        t("step4.followup"),
        t("step4.new_action"),
        t("step4.commit"),
    ]
)

with plan_tab:
    st.header(t("step4.plan"))
    if not actions:
        st.info(t("step4.no_action"))
    for action in actions:
        with st.container(border=True):
            st.subheader(shell.md_escape(action.title))
            details = [
                t(f"action.status.{action.status}"),
                f"{t('action.pilot')} : {partner_names.get(action.pilot_partner_id, '—')}",
                f"{t('action.commission')} : {commission_names.get(action.commission_id, '—')}",
                f"{action.start_on or '…'} → {action.end_on or '…'}",
            ]
            st.caption(shell.md_escape(" · ".join(details)))
            if action.flags:
                st.warning(t("action.flagged", missing=flags_text(action.flags)), icon="🚩")
            if action.description:
                st.text(action.description)
            aimed = targets_frame[targets_frame["action_id"] == action.id]
            st.text(
                ", ".join(
                    f"{indicator_names.get(row.indicator_id, '?')} → {row.target_level}/5{change(action.id, row)}"
                    for row in aimed.itertuples()
                )
                or t("step4.no_target")
            )
            own = commitments[commitments["action_id"] == action.id]
            if len(own):
                commitments_table(own)
            steps = milestones[milestones["action_id"] == action.id]
            if len(steps):
                st.dataframe(
                    pd.DataFrame(
                        {
                            t("milestone.title"): steps["title"],
                            t("milestone.due_on"): steps["due_on"],
                            t("milestone.done_on"): steps["done_on"].fillna("").astype(str),
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                )
            with st.expander(t("action.change_status")):
                with st.form(f"status_{action.id}"):
                    status = st.selectbox(
                        t("action.status"),
                        ACTION_STATUSES,
                        index=ACTION_STATUSES.index(action.status),
                        format_func=lambda s: t(f"action.status.{s}"),
                    )
                    pilot = st.selectbox(
                        t("action.pilot"),
                        [None, *active_partners],
                        index=([None, *active_partners].index(action.pilot_partner_id)
                               if action.pilot_partner_id in active_partners else 0),
                        format_func=lambda p: active_partners.get(p, "—"),
                    )  # fmt: skip
                    current = dict(zip(aimed["indicator_id"], aimed["target_level"], strict=True))
                    left, right = st.columns([3, 1])
                    aims = left.multiselect(
                        t("action.edit_targets"),
                        list(indicator_names),
                        default=[i for i in current if i in indicator_names],
                        format_func=indicator_names.get,
                        placeholder=t("shell.choose"),
                    )
                    added_level = right.slider(t("action.new_target_level"), 1, 5, 4)
                    # Each current target's own level; the slider sets the level of the added indicators.
                    levels = {
                        i: st.slider(
                            shell.md_escape(f"{indicator_names[i]} — {t('action.target_level')}"),
                            1,
                            5,
                            int(level),
                            key=f"target_{action.id}_{i}",
                        )
                        for i, level in current.items()
                        if i in indicator_names
                    }
                    left, right = st.columns(2)
                    start = left.date_input(t("action.start_on"), value=action.start_on, format="YYYY-MM-DD")
                    end = right.date_input(t("action.end_on"), value=action.end_on, format="YYYY-MM-DD")
                    new_targets = {i: int(levels.get(i, added_level)) for i in aims}
                    if st.form_submit_button(t("action.save_status")) and saved(
                        service.update_action,
                        action_id=action.id,
                        status=status,
                        pilot_partner_id=pilot,
                        start_on=start,
                        end_on=end,
                        targets=new_targets if new_targets != current else None,
                        expected_version=drawn.get(f"action:{action.id}"),
                    ):
                        st.rerun()
                with st.form(f"milestone_{action.id}", clear_on_submit=True):
                    left, right = st.columns([3, 1])
                    title = left.text_input(t("milestone.title"), max_chars=120)
                    due = right.date_input(t("milestone.due_on"), value=None, format="YYYY-MM-DD")
                    if st.form_submit_button(t("milestone.add")) and saved(
                        service.add_milestone, action_id=action.id, title=title, due_on=due
                    ):
                        st.rerun()
                open_steps = steps[steps["done_on"].isna()]
                if len(open_steps):
                    with st.form(f"milestone_done_{action.id}"):
                        step_titles = dict(zip(open_steps["id"], open_steps["title"], strict=True))
                        left, right = st.columns([3, 1])
                        step = left.selectbox(t("milestone.which"), list(step_titles), format_func=step_titles.get)
                        done = right.date_input(t("milestone.done_on"), value=date.today(), format="YYYY-MM-DD")
                        if st.form_submit_button(t("milestone.mark_done")) and saved(
                            service.set_milestone_done,
                            milestone_id=step,
                            done_on=done,
                            expected_version=drawn.get(f"milestone:{step}"),
                        ):
                            st.rerun()

with timeline_tab:
    figure = charts.timeline(
        actions_table,
        milestones,
        status_labels={s: t(f"action.status.{s}") for s in ACTION_STATUSES},
        title=t("chart.timeline"),
        milestone_label=t("chart.milestone"),
        today=date.today(),
        today_label=t("chart.today"),
    )
    if actions_table.dropna(subset=["start_on", "end_on"]).empty:
        st.info(t("step4.no_dates"))
    else:
        st.plotly_chart(figure, width="stretch", key="timeline_chart")

with funding_tab:
    if funding.empty:
        st.info(t("step4.no_funding"))
    else:
        st.plotly_chart(
            charts.funding_bars(funding, action_titles, title=t("chart.funding"), axis_label=t("chart.amount")),
            width="stretch",
            key="funding_chart",
        )
        per_action = funding.assign(action=funding["action_id"].map(action_titles))
        st.dataframe(
            pd.DataFrame(
                {
                    t("commitment.action"): per_action["action"],
                    t("commitment.partner"): per_action["partner"],
                    t("chart.amount"): per_action["amount"],
                    t("commitment.unit"): per_action["unit"],
                    "%": (per_action["share"] * 100).round(0),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.subheader(t("step4.funding_total"))
        total = (
            funding.groupby(["partner", "unit"], as_index=False)["amount"].sum().sort_values("amount", ascending=False)
        )
        st.dataframe(
            total.rename(
                columns={"partner": t("commitment.partner"), "unit": t("commitment.unit"), "amount": t("chart.amount")}
            ),
            hide_index=True,
            width="stretch",
        )

with followup_tab:
    st.subheader(t("step4.commitments_followup"))
    counts = followup.state_counts(commitments)
    for column, state in zip(st.columns(len(counts)), counts, strict=True):
        column.metric(t(f"commitment.state.{state}"), counts[state])
    if len(commitments):
        commitments_table(commitments)
        labels = commitment_labels
        with st.form("fulfilment"):
            chosen = st.selectbox(t("commitment.which"), list(labels), format_func=labels.get)
            left, right = st.columns(2)
            fulfilment = left.radio(
                t("commitment.fulfilment"),
                FULFILMENTS,
                format_func=lambda f: t(f"commitment.fulfilment.{f}"),
                horizontal=True,
            )
            done = right.date_input(t("milestone.done_on"), value=date.today(), format="YYYY-MM-DD")
            if st.form_submit_button(t("commitment.record")) and saved(
                service.set_fulfilment,
                commitment_id=chosen,
                fulfilment=fulfilment,
                fulfilled_on=done,
                expected_version=drawn.get(f"commitment:{chosen}"),
            ):
                st.rerun()
    st.subheader(t("step4.progress"))
    if progress.table.empty:
        st.info(t("step4.no_expost"))
    for action_id, rows in progress.table.groupby("action_id"):
        st.markdown(f"**{shell.md_escape(action_titles.get(action_id, '?'))}**")
        yes_no = {True: t("progress.yes"), False: t("progress.no"), None: t("progress.unknown")}
        st.dataframe(
            pd.DataFrame(
                {
                    t("progress.indicator"): rows["indicator_id"].map(indicator_names),
                    t("progress.target"): rows["target_level"],
                    t("progress.before"): rows["mean_before"].round(2),
                    t("progress.after"): rows["mean_after"].round(2),
                    t("progress.change"): rows["diff"].round(2),
                    t("progress.reached"): rows["reached"].map(yes_no),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        labels = {"before": t("progress.before"), "after": t("progress.after"), "target": t("progress.target")}
        st.plotly_chart(
            charts.progress_bars(rows, indicator_names, title=t("progress.chart"), labels=labels),
            width="stretch",
            key=f"progress_{action_id}",
        )

with action_tab:
    if not indicators:
        st.info(t("step4.no_indicator"))
    with st.form("new_action"):
        title = st.text_input(t("action.title"), max_chars=120)
        description = st.text_area(t("action.description"), max_chars=4000)
        # The coordination group's priority axes come first, starred.
        aimable = [*[i for i in axes if i in indicator_names], *[i for i in indicator_names if i not in axes]]
        targets = st.multiselect(
            t("action.indicators"),
            aimable,
            format_func=lambda i: ("★ " if i in axes else "") + indicator_names[i],
            placeholder=t("shell.choose"),
        )
        target_level = st.slider(t("action.target_level"), 1, 5, 4)
        left, right = st.columns(2)
        pilot = left.selectbox(
            t("action.pilot"), [None, *active_partners], format_func=lambda p: active_partners.get(p, "—")
        )
        commission = right.selectbox(
            t("action.commission"), [None, *commission_names], format_func=lambda c: commission_names.get(c, "—")
        )
        status = st.selectbox(t("action.status"), ACTION_STATUSES, format_func=lambda s: t(f"action.status.{s}"))
        left, right = st.columns(2)
        start = left.date_input(t("action.start_on"), value=None, format="YYYY-MM-DD")
        end = right.date_input(t("action.end_on"), value=None, format="YYYY-MM-DD")
        if st.form_submit_button(t("step4.create_action"), type="primary") and saved(
            service.create_action,
            title=title,
            description=description,
            status=status,
            pilot_partner_id=pilot,
            commission_id=commission,
            targets=dict.fromkeys(targets, target_level),
            start_on=start,
            end_on=end,
        ):
            st.rerun()

with commitment_tab:
    if not (actions and active_partners):
        st.info(t("step4.need_action_partner"))
    else:
        reciprocal_labels = commitment_labels
        with st.form("new_commitment", clear_on_submit=True):
            action_id = st.selectbox(t("commitment.action"), list(action_titles), format_func=action_titles.get)
            partner_id = st.selectbox(t("commitment.partner"), list(active_partners), format_func=active_partners.get)
            kind = st.selectbox(t("commitment.kind"), COMMITMENT_KINDS, format_func=lambda k: t(f"commitment.kind.{k}"))
            left, right = st.columns(2)
            amount = left.text_input(t("commitment.amount"), max_chars=20)
            unit = right.text_input(t("commitment.unit"), max_chars=40)
            what = st.text_input(t("commitment.description"), max_chars=500)
            left, right = st.columns(2)
            due = left.date_input(t("commitment.due_on"), value=None, format="YYYY-MM-DD")
            reciprocal = right.selectbox(
                t("commitment.reciprocal"),
                [None, *reciprocal_labels],
                format_func=lambda c: t("commitment.reciprocal_none") if c is None else reciprocal_labels[c],
            )
            if st.form_submit_button(t("step4.add_commitment"), type="primary") and saved(
                service.add_commitment,
                action_id=action_id,
                partner_id=partner_id,
                kind=kind,
                amount=amount,
                unit=unit,
                description=what,
                due_on=due,
                reciprocal_id=reciprocal,
            ):
                st.rerun()
        pending_ids = set(commitments.loc[commitments["fulfilment"] == PENDING, "id"])
        pending = {i: label for i, label in commitment_labels.items() if i in pending_ids}
        if pending:
            with st.expander(t("commitment.remove_title")), st.form("remove_commitment"):
                st.caption(t("commitment.remove_help"))
                chosen = st.selectbox(t("commitment.which"), list(pending), format_func=pending.get)
                confirmed = st.checkbox(t("commitment.remove_confirm"))
                if st.form_submit_button(t("commitment.remove"), icon="🗑️") and confirmed and saved(
                    service.remove_commitment,
                    commitment_id=chosen,
                    expected_version=drawn.get(f"commitment:{chosen}"),
                ):
                    st.toast(t("commitment.removed"))
                    st.rerun()
