"""AppTest for the data-safety page (administrators): backups, a project archive onto an empty instance,
and a participant's data request (find, export, erase with a confirmation), in both languages.

The page is run as its own script, logged in as an administrator (tests/pages/conftest.py), so these
tests do not depend on its row in app.py's table; test_pages.py covers it inside the whole app.
"""

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from groups import service as groups_service
from privacy import participant_reference
from tests.pages.conftest import by_label, login, raw_keys
from tests.pages.readback import downloaded
from ui.access import TOKEN_KEY
from workshop import backup, database, i18n, projects, settings
from workshop.access import FACILITATOR

PAGE = Path(__file__).resolve().parents[2] / "pages" / "data_safety.py"
PHONE = "Qx7_mK2pLr9vT4nW8yZ3aB6cD1eF5gH0"


@pytest.fixture
def backups(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "backups"
    monkeypatch.setenv(settings.BACKUP_DIR_VARIABLE, str(folder))
    return folder


@pytest.fixture
def project_id(db_url) -> int:
    with database.session_scope(db_url) as session:
        pid = projects.create_project(session=session, name="Quartier des Tilleuls").id
        group = groups_service.create_group(session=session, project_id=pid, profile="Jeunes").id
        for text, token, author in [
            ("Un banc à l'ombre", PHONE, "Marie"),
            ("<b>Des voisins</b> **qui se parlent**", PHONE, "Marie"),
            ("Le bus du dimanche", "Hs3-uV8wXy1zA4bC7dE0fG2hJ5kL9mN6", "Paul"),
        ]:
            groups_service.add_criterion(
                session=session, project_id=pid, group_id=group, question="wellbeing", text=text, author=author,
                participant_token=token,
            )  # fmt: skip
    return pid


def page(lang: str = "fr", project_id: int | None = None) -> AppTest:
    test = AppTest.from_file(str(PAGE), default_timeout=60)
    test.session_state["lang"] = lang
    if project_id is not None:
        test.session_state["project_id"] = project_id
    test.run()
    assert not test.exception, test.exception
    return test


def tr(key: str, lang: str = "fr", **params) -> str:
    return i18n.translate(key, lang, **params)


def click(test: AppTest, key: str, lang: str = "fr") -> AppTest:
    by_label(test.button, tr(key, lang)).click().run()
    assert not test.exception, test.exception
    return test


def find(test: AppTest, reference: str, lang: str = "fr") -> AppTest:
    by_label(test.text_input, tr("privacy.reference", lang)).set_value(reference)
    return click(test, "privacy.find", lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_page_speaks_both_languages(db_url, backups, project_id, lang):
    test = page(lang, project_id)
    assert test.title[0].value == tr("safety.title", lang)
    assert [h.value for h in test.header] == [
        tr(k, lang) for k in ("safety.backups", "safety.archive", "privacy.title")
    ]
    assert raw_keys(test) == []
    find(test, participant_reference(PHONE), lang)
    assert test.success[0].value == tr("privacy.found", lang, notes=2, responses=0, links=0)
    assert raw_keys(test) == []
    find(test, "abc", lang)
    assert test.error[0].value == tr("error.privacy_reference_short", lang, length=8)


def test_backup_now_lists_it_and_offers_the_download(db_url, backups):
    test = page()
    assert tr("safety.backup_none") in [c.value for c in test.caption]
    click(test, "safety.backup_now")
    made = backup.list_backups(db_url)
    assert len(made) == 1
    assert test.success[0].value.startswith(tr("safety.backup_made", name=made[0].name, size="")[:20])
    assert test.dataframe[0].value.iloc[0, 0] == made[0].name
    assert test.selectbox(key="backup_pick").value == made[0].name
    assert downloaded(test, tr("safety.backup_download")) == made[0].path.read_bytes()  # read when clicked
    with closing(sqlite3.connect(f"file:{made[0].path}?mode=ro", uri=True)) as copy:  # the backup file, read back
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM account").fetchone() == (1,)  # this instance's administrator


def test_a_bad_backup_setting_is_a_message_not_a_crash(db_url, backups, monkeypatch):
    monkeypatch.setenv(settings.BACKUP_KEEP_VARIABLE, "many")
    test = page("en")
    assert test.error[0].value == tr(
        "error.setting_number", "en", variable=settings.BACKUP_KEEP_VARIABLE, value="many", minimum=1, maximum=10000
    )


def test_find_export_and_erase_one_participant(db_url, backups, project_id):
    test = find(page(project_id=project_id), participant_reference(PHONE).lower())
    notes = next(d.value for d in test.dataframe if tr("privacy.col.text") in d.value.columns)
    texts = list(notes[tr("privacy.col.text")])
    assert texts == ["Un banc à l'ombre", "<b>Des voisins</b> **qui se parlent**"]  # literally, never rendered
    assert len(test.get("download_button")) == 2  # JSON and CSV
    exported = json.dumps(json.loads(downloaded(test, tr("privacy.export_json"))), ensure_ascii=False)
    assert "Un banc à l'ombre" in exported and "<b>Des voisins</b> **qui se parlent**" in exported
    assert "Le bus du dimanche" not in exported  # someone else's note
    assert "Des voisins" in downloaded(test, tr("privacy.export_csv")).decode("utf-8-sig")
    erase = by_label(test.button, tr("privacy.erase"))
    assert erase.disabled  # nothing is erased without the confirmation
    test.checkbox(key="privacy_erase_confirm").check().run()
    click(test, "privacy.erase")
    assert test.success[0].value == tr("privacy.erased", notes=2, respondents=0, answers=0, links=0)
    with database.session_scope(db_url) as session:
        left = [c.text for c in groups_service.list_criteria(session=session, project_id=project_id)]
    assert left == ["Le bus du dimanche"]
    log = test.dataframe[-1].value
    assert len(log) == 1 and log.iloc[0][tr("privacy.col.by")] != ""  # the administrator's account
    find(test, participant_reference(PHONE))
    assert test.error[0].value == tr("error.privacy_nothing")


def test_name_in_a_group_and_an_ambiguous_or_empty_request(db_url, backups, project_id):
    test = page("en", project_id)
    test.session_state["privacy_kind"] = "author"  # (set_value would format the options outside the page's run)
    test.run()
    click(test, "privacy.find", "en")
    assert test.error[0].value == tr("error.privacy_selector_empty", "en")
    test.selectbox[-1].set_value(_first_group(db_url, project_id))  # inside the form: sent with its button
    by_label(test.text_input, tr("privacy.author", "en")).set_value("  paul ")
    click(test, "privacy.find", "en")
    assert test.success[0].value == tr("privacy.found", "en", notes=1, responses=0, links=0)


def _first_group(db_url: str, project_id: int) -> int:
    with database.session_scope(db_url) as session:
        return groups_service.list_groups(session=session, project_id=project_id)[0].id


def test_no_project_still_offers_backups_and_the_archive(db_url, backups):
    test = page()
    assert test.info[0].value == tr("project.choose_first")
    assert by_label(test.button, tr("safety.backup_now"))
    assert test.get("file_uploader")  # a project archive can come onto an instance that has none yet


def test_only_administrators_open_it(db_url, backups, project_id, app_as):
    facilitator = app_as(FACILITATOR, project_id)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        facilitator.switch_page("pages/data_safety.py")  # not in their navigation
    page = AppTest.from_file(str(PAGE), default_timeout=60)  # and run without the router, it still refuses
    page.session_state[TOKEN_KEY] = login(db_url, "fanny", role=FACILITATOR, project_id=project_id)
    page.session_state["project_id"] = project_id
    page.run()
    assert page.error[0].value == tr("access.denied")
    assert not page.title and not page.button
