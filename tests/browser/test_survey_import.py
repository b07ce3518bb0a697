"""The survey data page's import in a real browser: a LimeSurvey export and its structure file, mapped,
recoded and checked, then imported; what the person sees is screenshotted for a look."""

from pathlib import Path

import pytest

from demo import load_demo
from surveys import service
from tests.browser.conftest import open_page, rerun
from workshop import database

pytestmark = pytest.mark.browser
GALLERY = Path(__file__).resolve().parents[1] / "surveys" / "data"


@pytest.fixture
def demo_wave(app_db: str) -> tuple[int, int]:
    database.prepare(app_db)
    with database.session_scope(app_db) as session:
        project = load_demo(session=session)
        wave = service.create_wave(session=session, project_id=project.id, name="Vague LimeSurvey", kind="ex-post")
        return project.id, wave.id


def test_a_limesurvey_export_imported_with_its_structure(demo_wave, browser, app_url, app_db, tr, tmp_path):
    from playwright.sync_api import expect

    pid, wid = demo_wave
    with open_page(browser, app_url) as page:
        navigation = page.get_by_test_id("stSidebarNav")
        rerun(page, lambda: navigation.get_by_role("link", name=tr("nav.survey_data")).click())
        page.get_by_role("tab", name=tr("data.import")).click()  # tabs switch in the browser: no run
        uploaders = page.locator("input[type=file]")
        rerun(page, lambda: uploaders.nth(0).set_input_files(str(GALLERY / "limesurvey6_codes.csv")))
        expect(page.get_by_text(tr("data.recode"))).to_be_visible()
        page.get_by_text(tr("data.recode_help")).scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "import-codes.png"))
        rerun(page, lambda: uploaders.nth(1).set_input_files(str(GALLERY / "limesurvey6_structure.txt")))
        expect(page.get_by_text(tr("data.valid").format(count=8))).to_be_visible()
        expect(page.get_by_text(tr("data.incomplete").format(count=2))).to_be_visible()
        page.get_by_text(tr("data.valid").format(count=8)).scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "import-structure.png"))
        rerun(page, lambda: page.get_by_role("button", name=tr("data.import_now").format(count=8)).click())
        expect(page.get_by_text(tr("data.imported").format(count=8))).to_be_visible()
    with database.session_scope(app_db) as session:
        assert service.respondent_count(session=session, project_id=pid, wave_id=wid) == 8


def test_a_file_imported_again_updates_its_respondents_by_choice(demo_wave, browser, app_url, app_db, tr, tmp_path):
    """The same LimeSurvey export again, after its reading was saved: read at once, its 8 ids found in the wave,
    and updated (not added twice) once the person chooses so."""
    from playwright.sync_api import expect

    pid, wid = demo_wave
    codes, structure = str(GALLERY / "limesurvey6_codes.csv"), str(GALLERY / "limesurvey6_structure.txt")
    with open_page(browser, app_url) as page:
        navigation = page.get_by_test_id("stSidebarNav")
        rerun(page, lambda: navigation.get_by_role("link", name=tr("nav.survey_data")).click())
        page.get_by_role("tab", name=tr("data.import")).click()
        uploaders = page.locator("input[type=file]")
        rerun(page, lambda: uploaders.nth(0).set_input_files(codes))
        rerun(page, lambda: uploaders.nth(1).set_input_files(structure))
        page.get_by_text(tr("data.recoding_save")).click()
        page.get_by_label(tr("data.recoding_name")).fill("LimeSurvey Valmont")
        rerun(page, lambda: page.get_by_role("button", name=tr("data.recoding_save_button")).click())
        rerun(page, lambda: page.get_by_role("button", name=tr("data.import_now").format(count=8)).click())
        expect(page.get_by_text(tr("data.imported").format(count=8))).to_be_visible()
        page.get_by_role("tab", name=tr("data.import")).click()
        uploaders = page.locator("input[type=file]")
        rerun(page, lambda: uploaders.nth(0).set_input_files(codes))
        rerun(page, lambda: uploaders.nth(1).set_input_files(structure))
        expect(page.get_by_text(tr("data.known").format(count=8))).to_be_visible()
        expect(page.get_by_text(tr("data.nothing_new"))).to_be_visible()
        rerun(page, lambda: page.get_by_text(tr("data.merge.update")).click())
        expect(page.get_by_text(tr("data.valid_only_updates").format(updated=8))).to_be_visible()
        page.get_by_text(tr("data.merge"), exact=True).scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "import-again.png"), full_page=True)
        rerun(
            page, lambda: page.get_by_role("button", name=tr("data.import_now_only_updates").format(updated=8)).click()
        )
        expect(page.get_by_text(tr("data.imported_only_updates").format(updated=8))).to_be_visible()
    with database.session_scope(app_db) as session:
        assert service.respondent_count(session=session, project_id=pid, wave_id=wid) == 8
