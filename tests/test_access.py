"""Accounts, passwords, login sessions, lockout, roles and permissions (workshop/access.py), and its command line."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import ROOT
from workshop import access, database, projects
from workshop.access import ADMIN, EDIT, EXPORT, VIEW
from workshop.access_models import ANALYST, FACILITATOR, LEAD, Account, LoginSession
from workshop.errors import SpiraleError

PASSWORD = "correct horse battery"


def refused(key: str, action, **params) -> SpiraleError:
    with pytest.raises(SpiraleError) as info:
        action(**params)
    assert info.value.key == key, info.value
    return info.value


def make(session, username: str = "camille", **params) -> access.AccountRead:
    return access.create_account(session=session, username=username, password=PASSWORD, **params)


def test_the_stored_hash_is_argon2_not_the_password(session):
    account = make(session)
    stored = session.get(Account, account.id).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert "password_hash" not in access.AccountRead.model_fields  # never handed to a page


def test_login_ok_then_wrong_password_and_unknown_username(session):
    make(session, display_name="Camille Martin")
    account, token = access.authenticate(session=session, username="  Camille ", password=PASSWORD)
    assert account.username == "camille" and account.display_name == "Camille Martin"
    assert access.account_for_token(session=session, token=token).id == account.id
    stored = session.exec(select(LoginSession)).one()
    assert stored.token_hash != token and len(stored.token_hash) == 64  # only the token's SHA-256
    refused("error.login_failed", access.authenticate, session=session, username="camille", password="nope")
    refused("error.login_failed", access.authenticate, session=session, username="personne", password=PASSWORD)
    refused("error.login_failed", access.authenticate, session=session, username="", password="")
    refused("error.login_failed", access.authenticate, session=session, username="camille", password="x" * 5000)


def test_a_wrong_username_costs_an_argon2_check_like_a_wrong_password(session, monkeypatch):
    make(session)
    checked = []
    real = access._verify
    monkeypatch.setattr(access, "_verify", lambda stored, given: checked.append(stored) or real(stored, given))
    for username in ("camille", "personne", "<script>"):
        with pytest.raises(SpiraleError) as refused:
            access.authenticate(session=session, username=username, password="pas le bon")
        assert refused.value.key == "error.login_failed"  # the same words whether the name exists or not
    assert len(checked) == 3 and all(h.startswith("$argon2id$") for h in checked)


def test_failures_are_counted_even_when_the_callers_session_rolls_back(db_url):
    with database.session_scope(db_url) as session:
        make(session)
    for _ in range(2):
        with pytest.raises(SpiraleError) as refused, database.session_scope(db_url) as session:
            access.authenticate(session=session, username="camille", password="mauvais mot")
        assert refused.value.key == "error.login_failed"
    with database.session_scope(db_url) as session:
        assert session.exec(select(Account)).one().failed_logins == 2


def test_lockout_after_five_failures_doubles_up_to_fifteen_minutes(session):
    make(session)
    start = database.utcnow()
    login = lambda password, now: access.authenticate(  # noqa: E731
        session=session, username="camille", password=password, now=now
    )
    for _ in range(4):
        refused("error.login_failed", login, password="faux", now=start)
    error = refused("error.login_locked", login, password="faux", now=start)
    assert error.params == {"seconds": 30}
    # While it waits, even the right password is refused, with the time left.
    assert refused("error.login_locked", login, password=PASSWORD, now=start + timedelta(seconds=10)).params == {
        "seconds": 20
    }
    waits = []
    now = start
    for _ in range(7):
        now += timedelta(seconds=waits[-1] if waits else 30)
        waits.append(refused("error.login_locked", login, password="faux", now=now).params["seconds"])
    assert waits == [60, 120, 240, 480, 900, 900, 900]
    account, _ = login(PASSWORD, now + timedelta(seconds=900))
    assert account.locked_until is None
    assert session.get(Account, account.id).failed_logins == 0


def test_an_unknown_name_is_made_to_wait_like_an_account_so_names_cannot_be_told_apart(session):
    make(session)
    start = database.utcnow()
    for name in ("camille", "quelquun-inconnu"):
        answers = []
        for _ in range(6):
            with pytest.raises(SpiraleError) as info:
                access.authenticate(session=session, username=name, password="faux mot", now=start)
            answers.append((info.value.key, info.value.params))
        assert answers == [("error.login_failed", {})] * 4 + [("error.login_locked", {"seconds": 30})] * 2, name
    access._UNKNOWN_TRIES.pop("quelquun-inconnu")


def test_two_first_start_forms_at_once_make_one_administrator(pg_url):
    import threading

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def first_start(name: str) -> None:
        try:
            with database.session_scope(pg_url) as opened:
                barrier.wait()
                access.first_administrator(session=opened, username=name, password=PASSWORD)
            outcomes.append("created")
        except SpiraleError as error:
            outcomes.append(error.key)

    database.prepare(pg_url)
    threads = [threading.Thread(target=first_start, args=(name,)) for name in ("alice", "bruno")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["created", "error.first_admin_exists"]
    with database.session_scope(pg_url) as opened:
        assert len(access.list_accounts(session=opened)) == 1


def test_sessions_expire_and_logout_revokes(session, monkeypatch):
    monkeypatch.setenv("SPIRALE_SESSION_HOURS", "2")
    make(session)
    now = database.utcnow()
    _, token = access.authenticate(session=session, username="camille", password=PASSWORD, now=now)
    assert access.account_for_token(session=session, token=token, now=now + timedelta(hours=1)) is not None
    assert access.account_for_token(session=session, token=token, now=now + timedelta(hours=2, seconds=1)) is None
    _, other = access.authenticate(session=session, username="camille", password=PASSWORD)
    access.logout(session=session, token=other)
    assert access.account_for_token(session=session, token=other) is None
    for nonsense in (None, "", "x" * 5000, "inconnu", 42):
        assert access.account_for_token(session=session, token=nonsense) is None
    access.logout(session=session, token="inconnu")  # nothing to do, no error


def test_session_hours_setting(monkeypatch):
    from workshop import settings

    for value, hours in (("", 12), ("abc", 12), ("nan", 12), ("0", 1 / 12), ("8", 8), ("99999", 720)):
        monkeypatch.setenv("SPIRALE_SESSION_HOURS", value)
        assert settings.session_hours() == hours


def test_roles_give_permissions_per_project(session):
    first = projects.create_project(session=session, name="Quartier nord")
    second = projects.create_project(session=session, name="Quartier sud")
    admin = make(session, "admin", is_admin=True)
    people = {role: make(session, role) for role in (FACILITATOR, LEAD, ANALYST)}
    for role, account in people.items():
        access.set_role(session=session, project_id=first.id, account_id=account.id, role=role)
    allowed = lambda account, project_id: access.permissions(  # noqa: E731
        session=session, account_id=account.id, project_id=project_id
    )
    assert allowed(people[FACILITATOR], first.id) == {VIEW, EXPORT, EDIT}
    assert allowed(people[ANALYST], first.id) == {VIEW, EXPORT}
    assert allowed(people[LEAD], first.id) == {VIEW}
    assert allowed(people[LEAD], second.id) == set()
    assert allowed(people[LEAD], None) == set()
    assert allowed(admin, second.id) == allowed(admin, None) == {VIEW, EXPORT, EDIT, ADMIN}
    listed = access.project_roles(session=session, project_id=first.id)
    assert {(r.username, r.role) for r in listed} == {(FACILITATOR, FACILITATOR), (LEAD, LEAD), (ANALYST, ANALYST)}
    assert [p.name for p in access.visible_projects(session=session, account_id=people[LEAD].id)] == ["Quartier nord"]
    assert len(access.visible_projects(session=session, account_id=admin.id)) == 2
    access.set_role(session=session, project_id=first.id, account_id=people[LEAD].id, role=FACILITATOR)
    assert allowed(people[LEAD], first.id) == {VIEW, EXPORT, EDIT}  # one role per person and project
    access.remove_role(session=session, project_id=first.id, account_id=people[LEAD].id)
    assert allowed(people[LEAD], first.id) == set()
    refused("error.role_unknown", access.set_role, session=session, project_id=first.id,
            account_id=people[LEAD].id, role="owner")  # fmt: skip
    refused("error.project_missing", access.set_role, session=session, project_id=999,
            account_id=people[LEAD].id, role=LEAD)  # fmt: skip


def test_first_administrator_only_on_an_empty_instance(session):
    assert not access.has_accounts(session=session)
    admin = access.first_administrator(session=session, username="admin", password=PASSWORD)
    assert admin.is_admin
    refused("error.first_admin_exists", access.first_administrator, session=session, username="autre",
            password=PASSWORD)  # fmt: skip
    refused("error.first_admin_exists", access.first_administrator, session=session, username="admin",
            password=PASSWORD)  # fmt: skip


@pytest.mark.parametrize(
    ("username", "key"),
    [
        ("", "error.username_empty"),
        ("   ", "error.username_empty"),
        ("<script>alert(1)</script>", "error.username_invalid"),
        ("**gras**", "error.username_invalid"),
        ("deux mots", "error.username_invalid"),
        ("a", "error.username_invalid"),
        ("x" * 65, "error.username_invalid"),
        ("nul\x00", "error.username_invalid"),
        ("robert'); DROP TABLE account;--", "error.username_invalid"),
    ],
)
def test_hostile_usernames_are_refused(session, username, key):
    refused(key, make, session=session, username=username)
    assert not access.has_accounts(session=session)


@pytest.mark.parametrize(
    ("password", "key"),
    [("", "error.password_empty"), (" " * 12, "error.password_empty"), ("court", "error.password_too_short"),
     ("x" * 1025, "error.password_too_long"), (None, "error.password_empty")],
)  # fmt: skip
def test_bad_passwords_are_refused(session, password, key):
    refused(key, access.create_account, session=session, username="camille", password=password)


def test_usernames_are_unique_whatever_the_case_and_accept_letters_of_any_alphabet(session):
    assert make(session, "Élodie.Durand@ville.fr").username == "élodie.durand@ville.fr"
    refused("error.username_taken", make, session=session, username="ÉLODIE.durand@VILLE.fr")


def test_change_and_reset_password(session):
    account = make(session)
    refused("error.password_wrong", access.change_password, session=session, account_id=account.id,
            current_password="pas le bon", new_password="nouveau mot de passe")  # fmt: skip
    access.change_password(session=session, account_id=account.id, current_password=PASSWORD,
                           new_password="nouveau mot de passe")  # fmt: skip
    refused("error.login_failed", access.authenticate, session=session, username="camille", password=PASSWORD)
    _, token = access.authenticate(session=session, username="camille", password="nouveau mot de passe")
    access.reset_password(session=session, account_id=account.id, new_password="remis par l'admin")
    assert access.account_for_token(session=session, token=token) is None  # its open logins are closed
    access.authenticate(session=session, username="camille", password="remis par l'admin")


def test_archived_accounts_cannot_log_in_and_the_last_administrator_stays(session):
    admin = make(session, "admin", is_admin=True)
    account = make(session)
    _, token = access.authenticate(session=session, username="camille", password=PASSWORD)
    access.archive_account(session=session, account_id=account.id)
    assert access.account_for_token(session=session, token=token) is None
    refused("error.login_failed", access.authenticate, session=session, username="camille", password=PASSWORD)
    assert [a.username for a in access.list_accounts(session=session)] == ["admin"]
    refused("error.last_admin", access.archive_account, session=session, account_id=admin.id)
    refused("error.account_missing", access.reset_password, session=session, account_id=account.id,
            new_password="whatever long")  # fmt: skip


def test_a_password_hashed_with_old_parameters_is_rehashed_at_login(session):
    from argon2 import PasswordHasher

    account = make(session)
    row = session.get(Account, account.id)
    row.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    session.flush()
    access.authenticate(session=session, username="camille", password=PASSWORD)
    assert not access._hasher.check_needs_rehash(session.get(Account, account.id).password_hash)


def _cli(db_url: str, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SPIRALE_DATABASE_URL": db_url, "SPIRALE_LANGUAGE": "fr"}
    env.pop("SPIRALE_ADMIN_PASSWORD", None)
    if password is not None:
        env["SPIRALE_ADMIN_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "workshop.access", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_command_line_creates_an_administrator_and_refuses_a_taken_name(db_url):
    done = _cli(db_url, "create-admin", "--username", "Admin", password=PASSWORD)
    assert done.returncode == 0, done.stderr
    assert "« admin »" in done.stdout
    with database.session_scope(db_url) as session:
        account, _ = access.authenticate(session=session, username="admin", password=PASSWORD)
        assert account.is_admin
    again = _cli(db_url, "create-admin", "--username", "admin", password=PASSWORD)
    assert again.returncode == 1 and "existe déjà" in again.stderr
    weak = _cli(db_url, "create-admin", "--username", "autre", password="court")
    assert weak.returncode == 1 and "trop court" in weak.stderr


def test_command_line_asks_the_password_twice(db_url, monkeypatch, capsys):
    answers = iter(["un long mot de passe", "un autre mot de passe"])
    monkeypatch.setattr(access.getpass, "getpass", lambda prompt: next(answers))
    monkeypatch.delenv("SPIRALE_ADMIN_PASSWORD", raising=False)
    assert access.main(["create-admin", "--username", "claire"]) == 1
    assert "diffèrent" in capsys.readouterr().err
    answers = iter(["un long mot de passe"] * 2)
    assert access.main(["create-admin", "--username", "claire"]) == 0
    with database.session_scope(db_url) as session:
        assert access.authenticate(session=session, username="claire", password="un long mot de passe")[0].is_admin


def test_create_admin_help_speaks_the_servers_language(capsys, monkeypatch):
    monkeypatch.delenv("SPIRALE_LANGUAGE", raising=False)
    with pytest.raises(SystemExit) as done:
        access.main(["create-admin", "--help"])
    french = capsys.readouterr().out
    assert done.value.code == 0 and french.startswith("utilisation : ") and "afficher cette aide" in french
    assert not any(word in french for word in ("usage:", "show this help", "USERNAME", "DISPLAY_NAME"))
    monkeypatch.setenv("SPIRALE_LANGUAGE", "en")
    with pytest.raises(SystemExit):
        access.main(["--help"])
    english = capsys.readouterr().out
    assert english.startswith("usage: ") and "show this help" in english and "utilisation" not in english
