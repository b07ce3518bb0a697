"""Accounts and roles (administrators): create accounts, reset a password, archive, and who may do what per project."""

import streamlit as st

from ui import access, shell
from ui.shell import t
from workshop import access as accounts
from workshop import projects
from workshop.access_models import ROLES, USERNAME_MAX
from workshop.errors import SpiraleError

FLASH_KEY = "accounts_flash"

me = access.require_page(__file__)
st.title(t("accounts.title"))
if flash := st.session_state.pop(FLASH_KEY, None):
    st.success(flash)


def done(message: str) -> None:
    st.session_state[FLASH_KEY] = message
    st.rerun()


with shell.session() as session:
    people = accounts.list_accounts(session=session)
names = {a.id: f"{a.display_name} ({a.username})" for a in people}
role_names = {role: t(f"access.role.{role}") for role in ROLES}

st.dataframe(
    [
        {
            t("accounts.col.username"): a.username,
            t("accounts.col.display_name"): a.display_name,
            t("accounts.col.admin"): "✓" if a.is_admin else "",
            t("accounts.col.locked"): a.locked_until.strftime("%Y-%m-%d %H:%M UTC") if a.locked_until else "",
        }
        for a in people
    ],
    hide_index=True,
    width="stretch",
)

project_id = shell.project_id()
if project_id is None:
    st.info(t("project.choose_first"))  # roles are given per project
else:
    with shell.session() as session:
        project = projects.get_project(session=session, project_id=project_id)
        roles = accounts.project_roles(session=session, project_id=project_id)
    st.header(t("accounts.roles.title", project=shell.md_escape(project.name)))
    st.caption(t("accounts.roles.help"))
    if roles:
        st.dataframe(
            [
                {
                    t("accounts.col.display_name"): r.display_name,
                    t("accounts.col.username"): r.username,
                    t("accounts.col.role"): role_names[r.role],
                }
                for r in roles
            ],
            hide_index=True,
            width="stretch",
        )
    else:
        st.info(t("accounts.roles.none"))
    give, take = st.columns(2)
    with give.form("set_role"):
        who = st.selectbox(t("accounts.account"), list(names), format_func=names.get, key="role_account")
        role = st.selectbox(t("accounts.col.role"), ROLES, format_func=role_names.get, key="role_role")
        if st.form_submit_button(t("accounts.roles.set"), type="primary") and who is not None:
            ok, _ = shell.attempt(accounts.set_role, project_id=project_id, account_id=who, role=role)
            if ok:
                done(t("accounts.roles.saved", name=shell.md_escape(names[who]), role=role_names[role]))
    if roles:
        with take.form("remove_role"):
            holders = {r.account_id: f"{r.display_name} ({r.username})" for r in roles}
            who = st.selectbox(t("accounts.account"), list(holders), format_func=holders.get, key="unrole_account")
            if st.form_submit_button(t("accounts.roles.remove")):
                ok, _ = shell.attempt(accounts.remove_role, project_id=project_id, account_id=who)
                if ok:
                    done(t("accounts.roles.removed", name=shell.md_escape(holders[who])))

st.header(t("accounts.create"))
# A refused account keeps what was typed; a created one leaves an empty form (a new key).
with st.form(f"create_account_{st.session_state.get('accounts_created', 0)}"):
    left, right = st.columns(2)
    username = left.text_input(t("access.username"), max_chars=USERNAME_MAX, autocomplete="off")
    display_name = right.text_input(t("access.display_name"), max_chars=120)
    password, again = access.new_password_fields(left=left, right=right)
    is_admin = st.checkbox(t("accounts.is_admin"))
    submitted = st.form_submit_button(t("accounts.create_submit"), type="primary", icon="➕")
    if submitted and access.same_passwords(password, again):
        ok, created = shell.attempt(
            accounts.create_account,
            username=username,
            password=password,
            display_name=display_name,
            is_admin=is_admin,
        )
        if ok:
            st.session_state["accounts_created"] = st.session_state.get("accounts_created", 0) + 1
            done(t("accounts.created", username=shell.md_escape(created.username)))

others = {k: v for k, v in names.items() if k != me.id}
st.header(t("accounts.manage"))
reset, archive = st.columns(2)
with reset.form("reset_password", clear_on_submit=True):
    st.subheader(t("accounts.reset.title"))
    who = st.selectbox(t("accounts.account"), list(names), format_func=names.get, key="reset_account")
    password = st.text_input(
        t("access.change.new"), type="password", max_chars=accounts.PASSWORD_MAX, autocomplete="new-password"
    )
    if st.form_submit_button(t("accounts.reset.submit")) and who is not None:
        ok, _ = shell.attempt(accounts.reset_password, account_id=who, new_password=password)
        if ok:
            done(t("accounts.reset.done", name=shell.md_escape(names[who])))
with archive.form("archive_account"):
    st.subheader(t("accounts.archive.title"))
    st.caption(t("accounts.archive.help"))
    who = st.selectbox(t("accounts.account"), list(others), format_func=others.get, key="archive_account")
    sure = st.checkbox(t("accounts.archive.sure"))
    if st.form_submit_button(t("accounts.archive.submit")) and who is not None:
        if not sure:
            shell.show_error(SpiraleError("error.confirm_needed"))
        else:
            ok, _ = shell.attempt(accounts.archive_account, account_id=who)
            if ok:
                done(t("accounts.archive.done", name=shell.md_escape(others[who])))
