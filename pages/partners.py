"""Partners of the co-responsibility: the directory (charter signed or not), thematic commissions and plenaries."""

import pandas as pd
import streamlit as st

from actions import partners, service
from actions.models import PARTNER_KINDS
from ui import access, shell
from ui.shell import t
from workshop import formats

access.require_page(__file__)

project_id = shell.require_project()
st.title(t("partners.title"))

with shell.read_session() as session:
    directory = partners.directory(session=session, project_id=project_id)
    commissions = partners.commissions_overview(session=session, project_id=project_id)
    plenaries = partners.list_plenaries(session=session, project_id=project_id)
active = {row.id: row.name for row in directory.itertuples() if not row.archived}
archived = {row.id: row.name for row in directory.itertuples() if row.archived}


def saved(call, **params):  # noqa: ANN001, ANN003, ANN201 - a service function, its arguments, its result
    return shell.attempt(call, project_id=project_id, **params)[1]


directory_tab, commission_tab, plenary_tab = st.tabs(
    [t("partners.directory"), t("commission.title"), t("plenary.title")]
)

with directory_tab:
    with st.form("new_partner", clear_on_submit=True):
        name = st.text_input(t("partner.name"), max_chars=120)
        left, right = st.columns(2)
        kind = left.selectbox(t("partner.kind"), PARTNER_KINDS, format_func=lambda k: t(f"partner.kind.{k}"))
        signed = right.date_input(t("partners.charter_on"), value=None, format=formats.DATE_INPUT)
        contact = st.text_input(t("partner.contact"), max_chars=160)
        if st.form_submit_button(t("partners.add"), type="primary") and saved(
            service.add_partner, name=name, kind=kind, contact=contact, charter_signed_on=signed
        ):
            st.rerun()
    show_archived = st.toggle(t("partners.show_archived"), key="partners_archived")
    shown = directory if show_archived else directory[~directory["archived"]]
    if shown.empty:
        st.info(t("partners.no_partner"))
    else:
        st.dataframe(  # dates and counts as the language writes them; no "None" for a charter not signed
            formats.readable(pd.DataFrame(
                {
                    t("partner.name"): shown["name"],
                    t("partner.kind"): shown["kind"].map(lambda k: t(f"partner.kind.{k}")),
                    t("partner.contact"): shown["contact"],
                    t("partners.charter"): shown["charter_signed_on"].notna(),
                    t("partners.charter_on"): shown["charter_signed_on"],
                    t("partners.commitments"): shown["commitments"],
                    t("partners.archived"): shown["archived"],
                }
            ), shell.lang()),
            hide_index=True,
            width="stretch",
        )
    if active:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = left.selectbox(t("partners.which"), list(active), format_func=active.get, key="partner_remove")
        if right.button(t("partners.remove")):
            outcome = saved(partners.remove_partner, partner_id=chosen)
            if outcome:
                st.session_state["partner_outcome"] = (outcome, active[chosen])
                st.rerun()
    if outcome := st.session_state.pop("partner_outcome", None):
        st.info(t(f"partners.removed.{outcome[0]}", name=outcome[1]))
    if active:
        with st.expander(t("partners.edit")):
            editing = st.selectbox(t("partners.which"), list(active), format_func=active.get, key="partner_edit")
            row = directory.set_index("id").loc[editing]
            with st.form(f"edit_partner_{editing}"):
                left, right = st.columns(2)
                kind = left.selectbox(
                    t("partner.kind"),
                    PARTNER_KINDS,
                    index=PARTNER_KINDS.index(row["kind"]),
                    format_func=lambda k: t(f"partner.kind.{k}"),
                )
                signed = right.date_input(
                    t("partners.charter_on"),
                    value=None if pd.isna(row["charter_signed_on"]) else row["charter_signed_on"],
                    format=formats.DATE_INPUT,
                )
                contact = st.text_input(t("partner.contact"), value=row["contact"], max_chars=160)
                if st.form_submit_button(t("partners.save")) and saved(
                    partners.update_partner, partner_id=editing, kind=kind, contact=contact, charter_signed_on=signed
                ):
                    st.rerun()
    if archived and show_archived:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        back = left.selectbox(t("partners.which"), list(archived), format_func=archived.get, key="partner_restore")
        if right.button(t("partners.restore")) and saved(partners.restore_partner, partner_id=back):
            st.rerun()

with commission_tab:
    with st.form("new_commission", clear_on_submit=True):
        name = st.text_input(t("commission.name"), max_chars=120)
        theme = st.text_input(t("commission.theme"), max_chars=400)
        pilot = st.selectbox(t("commission.pilot"), [None, *active], format_func=lambda p: active.get(p, "—"))
        members = st.multiselect(
            t("commission.members"), list(active), format_func=active.get, placeholder=t("shell.choose")
        )
        if st.form_submit_button(t("commission.add"), type="primary") and saved(
            partners.create_commission, name=name, theme=theme, pilot_partner_id=pilot, member_ids=members
        ):
            st.rerun()
    if not commissions:
        st.info(t("commission.none"))
    for commission in commissions:
        with st.container(border=True):
            st.subheader(shell.md_escape(commission.name))
            if commission.theme:
                st.text(commission.theme)
            st.text(f"{t('commission.pilot')} : {commission.pilot or '—'}")
            st.text(f"{t('commission.members')} : {', '.join(commission.members) or '—'}")
            with st.form(f"members_{commission.id}"):
                chosen = st.multiselect(
                    t("commission.members"),
                    list(dict.fromkeys([*active, *commission.member_ids])),
                    default=commission.member_ids,
                    format_func=lambda p: active.get(p) or archived.get(p, "?"),
                    placeholder=t("shell.choose"),
                )
                if st.form_submit_button(t("commission.save_members")) and saved(
                    partners.set_members, commission_id=commission.id, member_ids=chosen
                ):
                    st.rerun()
            st.text(f"{t('commission.actions')} : {', '.join(commission.actions) or '—'}")

with plenary_tab:
    with st.form("new_plenary", clear_on_submit=True):
        left, right = st.columns([1, 3])
        held_on = left.date_input(t("plenary.held_on"), value=None, format=formats.DATE_INPUT)
        title = right.text_input(t("plenary.name"), max_chars=120)
        presented = st.text_area(t("plenary.presented"), max_chars=4000)
        attendance = st.text_input(t("plenary.attendance"), max_chars=6)
        if st.form_submit_button(t("plenary.add"), type="primary") and saved(
            partners.add_plenary, held_on=held_on, title=title, presented=presented, attendance=attendance
        ):
            st.rerun()
    if not plenaries:
        st.info(t("plenary.none"))
    else:
        st.dataframe(
            formats.readable(pd.DataFrame(
                {
                    t("plenary.held_on"): [p.held_on for p in plenaries],
                    t("plenary.name"): [p.title for p in plenaries],
                    t("plenary.presented"): [p.presented for p in plenaries],
                    t("plenary.attendance"): [p.attendance for p in plenaries],
                }
            ), shell.lang()),
            hide_index=True,
            width="stretch",
        )
