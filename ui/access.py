"""Who is logged in, what they may do here, and the screens to log in, log out and create the first administrator.

The login lives in the session (its token in session_state) and in the browser (the `spirale_session`
cookie, read when a new session connects), so it survives page changes and reloads. The database keeps
only the token's hash and can revoke it: logging out revokes it, so a stale cookie logs no one back in.
"""

from pathlib import Path

import streamlit as st
from sqlmodel import Session

from ui import cookies, shell
from ui.shell import t
from workshop import access, settings
from workshop.access import ADMIN, EDIT, EXPORT, VIEW  # noqa: F401 - the permissions pages ask for
from workshop.access_models import USERNAME_MAX, AccountRead
from workshop.errors import SpiraleError

COOKIE = "spirale_session"
TOKEN_KEY = "access_token"
LOGGED_OUT_KEY = "access_logged_out"  # after a logout, the cookie the browser sent at connection is ignored
_RUN_KEY = "access_run"  # the account (and its permissions per project) settled for this script run
SIGNED_IN = None  # in the page table: any logged-in person
_MISSING = "missing"

# Page file -> the permission it needs on the current project; app.py registers its table here.
PAGE_PERMISSIONS: dict[str, str | None] = {}


def register_pages(table: dict[str, str | None]) -> None:
    PAGE_PERMISSIONS.clear()
    PAGE_PERMISSIONS.update(table)


def _token() -> str | None:
    if token := st.session_state.get(TOKEN_KEY):
        return token
    return None if st.session_state.get(LOGGED_OUT_KEY) else cookies.read(COOKIE)


def settle() -> AccountRead | None:
    """Once at the top of each run (app.py): who is logged in, from the session or the browser's cookie."""
    token = _token()
    account = None
    if token:
        with shell.session() as session:
            account = access.account_for_token(session=session, token=token)
        if account is None:  # expired, revoked or archived: forget it for this session
            st.session_state.pop(TOKEN_KEY, None)
            st.session_state[LOGGED_OUT_KEY] = True
        else:
            st.session_state[TOKEN_KEY] = token
    st.session_state[_RUN_KEY] = {"account": account, "permissions": {}}
    return account


def _run() -> dict:
    if _RUN_KEY not in st.session_state:
        settle()
    return st.session_state[_RUN_KEY]


def current_account() -> AccountRead | None:
    return _run()["account"]


def permissions(project_id: int | None = None) -> frozenset[str]:
    """What the logged-in person may do on the project (the current one by default)."""
    run = _run()
    account = run["account"]
    if account is None:
        return frozenset()
    project_id = shell.project_id() if project_id is None else project_id
    if project_id not in run["permissions"]:
        with shell.session() as session:
            run["permissions"][project_id] = access.permissions(
                session=session, account_id=account.id, project_id=project_id
            )
    return run["permissions"][project_id]


def can(permission: str | None) -> bool:
    """May the logged-in person do this on the current project? (`None`: is anyone logged in?)"""
    if current_account() is None:
        return False
    return permission is None or permission in permissions()


def refuse() -> None:
    """The refusal screen: a clear message in the person's language, and nothing of the page."""
    if current_account() is None:
        st.error(t("access.login_required"), icon="🔒")
    else:
        st.error(t("access.denied"), icon="🔒")
        st.page_link("pages/home.py", label=t("nav.home"), icon="🏠")
    st.stop()


def require(permission: str | None) -> AccountRead:
    """First line of a page: the logged-in person if they may `permission` here, else a refusal and a stop."""
    if not can(permission):
        refuse()
    return current_account()


def require_page(page_file: str) -> AccountRead:
    """First line of each page: the permission its row of app.py's table asks for (a page not in it: refused)."""
    try:
        path = Path(page_file).resolve().relative_to(settings.ROOT).as_posix()
    except ValueError:
        path = page_file
    permission = PAGE_PERMISSIONS.get(path, _MISSING)
    if permission == _MISSING:
        refuse()
    return require(permission)


def keep_cookie() -> None:
    """Every run: the browser keeps the login's cookie while logged in, and drops a stale one once logged out.

    Written on every run (not just before an st.rerun(), whose output the browser never sees).
    """
    token = st.session_state.get(TOKEN_KEY)
    with st.sidebar:
        if token and current_account() is not None:
            cookies.write(COOKIE, token, max_age_seconds=int(settings.session_hours() * 3600))
        elif cookies.read(COOKIE):
            cookies.forget(COOKIE)


def _open(token: str) -> None:
    st.session_state[TOKEN_KEY] = token
    st.session_state.pop(LOGGED_OUT_KEY, None)
    st.session_state.pop(_RUN_KEY, None)


def logout() -> None:
    token = st.session_state.pop(TOKEN_KEY, None) or _token()
    with shell.session() as session:
        access.logout(session=session, token=token)
    st.session_state[LOGGED_OUT_KEY] = True
    for key in (_RUN_KEY, shell.PROJECT_KEY, "project_choice"):
        st.session_state.pop(key, None)


def logout_button() -> None:
    """In the sidebar: who is logged in, and the way out."""
    account = current_account()
    if account is None:
        return
    st.sidebar.text(t("access.signed_in", name=account.display_name))  # st.text: the name shown literally
    if st.sidebar.button(t("access.logout"), icon="🚪", key="access_logout"):
        logout()
        st.rerun()


def login_screen() -> None:
    """The page of a logged-out visitor, whatever address they typed: the login form (or the first administrator)."""
    with shell.session() as session:
        any_account = access.has_accounts(session=session)
    if not any_account:
        first_administrator_form()
        return
    st.title(t("access.login.title"))
    st.write(t("access.login.intro"))
    login_form()


def login_form() -> None:
    with st.form("login"):
        username = st.text_input(t("access.username"), max_chars=USERNAME_MAX, autocomplete="username")
        password = st.text_input(
            t("access.password"), type="password", max_chars=access.PASSWORD_MAX, autocomplete="current-password"
        )
        if not st.form_submit_button(t("access.login.submit"), type="primary", icon="🔑"):
            return
    _log_in(username, password)


def _log_in(username: str, password: str, *, first_display_name: str | None = None) -> None:
    """Open a login (after creating the first administrator when `first_display_name` is given), then rerun."""
    ok, token = shell.attempt(_authenticate, username=username, password=password, display_name=first_display_name)
    if ok:
        _open(token)
        st.rerun()


def _authenticate(*, session: Session, username: str, password: str, display_name: str | None) -> str:
    """A new login's token, in the same transaction as the first administrator when `display_name` is given."""
    if display_name is not None:
        access.first_administrator(session=session, username=username, password=password, display_name=display_name)
    return access.authenticate(session=session, username=username, password=password)[1]


def new_password_fields(label_key: str = "access.password", *, left=st, right=st) -> tuple[str, str]:  # noqa: ANN001
    """A new password typed twice (inside a form); `left`/`right` are where each field goes (columns or st)."""
    fields = ((left, label_key), (right, "access.password_again"))
    password, again = (
        where.text_input(t(key), type="password", max_chars=access.PASSWORD_MAX, autocomplete="new-password")
        for where, key in fields
    )
    return password, again


def same_passwords(password: str, again: str) -> bool:
    """True when both typings agree; otherwise the refusal is shown."""
    if password != again:
        shell.show_error(SpiraleError("error.password_mismatch"))
    return password == again


def first_administrator_form() -> None:
    """Shown only while the instance has no account at all: its first administrator, with a password of theirs."""
    st.title(t("access.first.title"))
    st.write(t("access.first.intro", minimum=access.PASSWORD_MIN))
    with st.form("first_admin"):
        username = st.text_input(t("access.username"), max_chars=USERNAME_MAX, autocomplete="username")
        display_name = st.text_input(t("access.display_name"), max_chars=120)
        password, again = new_password_fields()
        if not st.form_submit_button(t("access.first.create"), type="primary"):
            return
    if same_passwords(password, again):
        _log_in(username, password, first_display_name=display_name)


def refused_page() -> None:
    """Where a page the person may not open would be: its address leads here, never to the page."""
    refuse()


def change_password_form() -> None:
    """Any logged-in person changes their own password (the current one asked first)."""
    account = current_account()
    if account is None:
        return
    with st.expander(t("access.change.title"), icon="🔐"), st.form("change_password", clear_on_submit=True):
        current = st.text_input(
            t("access.change.current"), type="password", max_chars=access.PASSWORD_MAX, autocomplete="current-password"
        )
        new, again = new_password_fields("access.change.new")
        if not st.form_submit_button(t("access.change.submit")) or not same_passwords(new, again):
            return
        ok, _ = shell.attempt(access.change_password, account_id=account.id, current_password=current, new_password=new)
        if ok:
            st.success(t("access.change.done"))
