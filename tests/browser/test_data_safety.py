"""The administrators' data-safety page in a real browser: a backup now, then one participant's data erased."""

from pathlib import Path

import pytest

from groups import service as groups_service
from privacy import participant_reference
from tests.browser.conftest import open_page, rerun
from workshop import backup, database, projects

pytestmark = pytest.mark.browser
PHONE = "Qx7_mK2pLr9vT4nW8yZ3aB6cD1eF5gH0"


@pytest.fixture
def backup_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Set before the app starts (it reads the environment it is given)."""
    folder = tmp_path / "backups"
    monkeypatch.setenv("SPIRALE_BACKUP_DIR", str(folder))
    return folder


@pytest.fixture
def quarter(app_db: str) -> int:
    database.prepare(app_db)
    with database.session_scope(app_db) as session:
        pid = projects.create_project(session=session, name="Quartier des Tilleuls").id
        group = groups_service.create_group(session=session, project_id=pid, profile="Jeunes").id
        for text, token in [("Un banc à l'ombre", PHONE), ("Le bus du dimanche", "Hs3-uV8wXy1zA4bC7dE0fG2hJ5kL9mN6")]:
            groups_service.add_criterion(
                session=session,
                project_id=pid,
                group_id=group,
                question="wellbeing",
                text=text,
                participant_token=token,
            )
    return pid


def test_back_up_then_erase_one_participant(backup_folder, quarter, browser, app_url, app_db, tr):
    from playwright.sync_api import expect

    with open_page(browser, app_url) as page:
        navigation = page.get_by_test_id("stSidebarNav")
        rerun(page, lambda: navigation.get_by_role("link", name=tr("nav.data_safety")).click())
        expect(page.get_by_role("heading", name=tr("safety.title"))).to_be_visible()
        rerun(page, lambda: page.get_by_role("button", name=tr("safety.backup_now")).click())
        made = backup.list_backups(app_db)
        assert len(made) == 1 and made[0].path.parent == backup_folder
        expect(page.get_by_text(made[0].name).first).to_be_visible()

        field = page.get_by_role("textbox", name=tr("privacy.reference"))
        field.fill(participant_reference(PHONE))
        field.press("Tab")
        rerun(page, lambda: page.get_by_role("button", name=tr("privacy.find")).click())
        expect(page.get_by_text(tr("privacy.found").format(notes=1, responses=0, links=0))).to_be_visible()
        erase = page.get_by_role("button", name=tr("privacy.erase"))
        expect(erase).to_be_disabled()
        rerun(page, lambda: page.get_by_text(tr("privacy.erase_confirm")).click())
        rerun(page, lambda: erase.click())
        expect(
            page.get_by_text(tr("privacy.erased").format(notes=1, respondents=0, answers=0, links=0))
        ).to_be_visible()
    with database.session_scope(app_db) as session:
        left = [c.text for c in groups_service.list_criteria(session=session, project_id=quarter)]
    assert left == ["Le bus du dimanche"]
