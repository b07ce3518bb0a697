"""Step 4: pilot actions aimed at indicators, and what each partner commits to (co-responsibility)."""

import streamlit as st

from actions import service
from actions.models import ACTION_STATUSES, COMMITMENT_KINDS, PARTNER_KINDS
from indicators import service as indicators_service
from ui import shell
from ui.shell import t
from workshop.errors import SpiraleError

project_id = shell.require_project()
st.title(t("step4.title"))

with shell.session() as session:
    partners = service.list_partners(session=session, project_id=project_id)
    indicators = indicators_service.list_indicators(session=session, project_id=project_id)
    actions = service.list_actions(session=session, project_id=project_id)
partner_names = {p.id: p.name for p in partners}
indicator_names = {i.id: indicators_service.indicator_name(i, shell.lang()) for i in indicators}


def saved(call, **params) -> bool:  # noqa: ANN001, ANN003 - a service function and its arguments
    try:
        with shell.session() as session:
            call(session=session, project_id=project_id, **params)
    except SpiraleError as error:
        shell.show_error(error)
        return False
    return True


partners_tab, action_tab, commitment_tab = st.tabs([t("step4.partners"), t("step4.new_action"), t("step4.commit")])
with partners_tab:
    with st.form("new_partner", clear_on_submit=True):
        name = st.text_input(t("partner.name"), max_chars=160)
        kind = st.selectbox(t("partner.kind"), PARTNER_KINDS, format_func=lambda k: t(f"partner.kind.{k}"))
        contact = st.text_input(t("partner.contact"), max_chars=160)
        if st.form_submit_button(t("step4.add_partner"), type="primary") and saved(
            service.add_partner, name=name, kind=kind, contact=contact
        ):
            st.rerun()
    st.dataframe(
        [
            {t("partner.name"): p.name, t("partner.kind"): t(f"partner.kind.{p.kind}"), t("partner.contact"): p.contact}
            for p in partners
        ],
        hide_index=True,
        width="stretch",
    )

with action_tab:
    if not indicators:
        st.info(t("step4.no_indicator"))
    with st.form("new_action"):
        title = st.text_input(t("action.title"), max_chars=200)
        description = st.text_area(t("action.description"), max_chars=4000)
        targets = st.multiselect(t("action.indicators"), list(indicator_names), format_func=indicator_names.get)
        target_level = st.slider(t("action.target_level"), 1, 5, 4)
        pilot = st.selectbox(t("action.pilot"), [None, *partner_names], format_func=lambda p: partner_names.get(p, "—"))
        status = st.selectbox(t("action.status"), ACTION_STATUSES, format_func=lambda s: t(f"action.status.{s}"))
        if st.form_submit_button(t("step4.create_action"), type="primary") and saved(
            service.create_action,
            title=title,
            description=description,
            status=status,
            pilot_partner_id=pilot,
            targets=dict.fromkeys(targets, target_level),
        ):
            st.rerun()

with commitment_tab:
    action_titles = {a.id: a.title for a in actions}
    if not (actions and partners):
        st.info(t("step4.need_action_partner"))
    else:
        with st.form("new_commitment", clear_on_submit=True):
            action_id = st.selectbox(t("commitment.action"), list(action_titles), format_func=action_titles.get)
            partner_id = st.selectbox(t("commitment.partner"), list(partner_names), format_func=partner_names.get)
            kind = st.selectbox(t("commitment.kind"), COMMITMENT_KINDS, format_func=lambda k: t(f"commitment.kind.{k}"))
            amount = st.text_input(t("commitment.amount"), max_chars=20)
            unit = st.text_input(t("commitment.unit"), max_chars=40)
            what = st.text_input(t("commitment.description"), max_chars=500)
            if st.form_submit_button(t("step4.add_commitment"), type="primary") and saved(
                service.add_commitment,
                action_id=action_id,
                partner_id=partner_id,
                kind=kind,
                amount=amount,
                unit=unit,
                description=what,
            ):
                st.rerun()

st.header(t("step4.plan"))
with shell.session() as session:
    targets_frame = service.action_targets(session=session, project_id=project_id)
    commitments = service.commitments_frame(session=session, project_id=project_id)
if not actions:
    st.info(t("step4.no_action"))
for action in actions:
    with st.container(border=True):
        st.subheader(shell.md_escape(action.title))
        pilot_name = shell.md_escape(partner_names.get(action.pilot_partner_id, "—"))
        st.caption(f"{t('action.status.' + action.status)} · {t('action.pilot')} : {pilot_name}")
        if action.description:
            st.text(action.description)
        aimed = targets_frame[targets_frame["action_id"] == action.id]
        st.text(
            ", ".join(
                f"{indicator_names.get(row.indicator_id, '?')} → {row.target_level}/5" for row in aimed.itertuples()
            )
            or t("step4.no_target")
        )
        own = commitments[commitments["action_id"] == action.id].drop(columns="action_id")
        if not own.empty:
            own = own.assign(kind=own["kind"].map(lambda k: t(f"commitment.kind.{k}")))
            st.dataframe(
                own,
                hide_index=True,
                width="stretch",
                column_config={
                    "partner": t("commitment.partner"),
                    "kind": t("commitment.kind"),
                    "amount": t("commitment.amount"),
                    "unit": t("commitment.unit"),
                    "description": t("commitment.description"),
                },
            )
