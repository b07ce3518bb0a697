"""Step 1 in a real browser: a project, a homogeneous group, notes typed on the wall, delete and undo."""

import re

import pytest

from tests.browser.conftest import rerun, settled, wait_for_run

pytestmark = pytest.mark.browser

NOTE = "Un parc propre où les enfants jouent en sécurité"
MARKUP = "<b>gras</b> **étoiles**"


def add_note(page, tr, text: str) -> None:
    """Type a note in the well-being column and submit it with the form's button.

    A new group makes the page run twice (create, then rerun on it): typing before the second run
    ends would type into a form that is about to be drawn again.
    """
    wait_for_run(page)
    field = page.locator(".st-key-note_text_wellbeing").get_by_role("textbox")
    field.fill(text)
    from playwright.sync_api import expect

    expect(field).to_have_value(text)
    rerun(page, lambda: page.locator(".st-key-note_add_wellbeing").get_by_role("button", name=tr("step1.add")).click())


def test_project_group_note_delete_and_undo(page, tr):
    from playwright.sync_api import expect

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label(tr("project.name")).fill("Quartier des Tilleuls")
    sidebar.get_by_label(tr("project.place")).fill("Valmont")
    rerun(page, lambda: sidebar.get_by_role("button", name=tr("project.create")).click())
    expect(sidebar.get_by_role("combobox", name=tr("project.current"))).to_have_value("Quartier des Tilleuls")

    settled(page)
    rerun(page, lambda: page.get_by_role("link", name=tr("nav.step1")).click())
    expect(page.get_by_role("heading", name=tr("step1.title"))).to_be_visible()
    expect(page.get_by_text(tr("step1.no_group"))).to_be_visible()
    page.get_by_label(tr("group.profile")).fill("Jeunes de 16 à 25 ans")
    rerun(page, lambda: page.get_by_role("button", name=tr("step1.create_group")).click())
    group = page.get_by_role("combobox", name=tr("step1.group"), exact=True)
    expect(group).to_have_value(re.compile("^Jeunes de 16 à 25 ans"))

    notes = page.get_by_test_id("note")
    expect(notes).to_have_count(0)
    add_note(page, tr, NOTE)
    expect(notes).to_have_count(1)
    expect(notes.first).to_have_text(NOTE)
    field = page.locator(".st-key-note_text_wellbeing").get_by_role("textbox")
    expect(field).to_have_value("")  # the form clears itself

    rerun(page, lambda: page.get_by_role("button", name=tr("step1.delete")).click())
    expect(notes).to_have_count(0)
    rerun(page, lambda: page.get_by_role("button", name=tr("step1.undo")).click())
    expect(notes).to_have_count(1)
    expect(notes.first).to_have_text(NOTE)
    expect(page.get_by_role("button", name=tr("step1.undo"))).to_have_count(0)


def test_note_markup_is_shown_literally(page, tr):
    from playwright.sync_api import expect

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label(tr("project.name")).fill("Centre-ville")
    rerun(page, lambda: sidebar.get_by_role("button", name=tr("project.create")).click())
    expect(sidebar.get_by_role("combobox", name=tr("project.current"))).to_have_value("Centre-ville")
    settled(page)
    rerun(page, lambda: page.get_by_role("link", name=tr("nav.step1")).click())
    page.get_by_label(tr("group.profile")).fill("Commerçants")
    rerun(page, lambda: page.get_by_role("button", name=tr("step1.create_group")).click())
    expect(page.get_by_role("combobox", name=tr("step1.group"), exact=True)).to_have_value(re.compile("^Commerçants"))

    add_note(page, tr, MARKUP)
    note = page.get_by_test_id("note")
    expect(note).to_have_count(1)
    expect(note).to_have_text(MARKUP)
    expect(note.locator("b, strong, em")).to_have_count(0)
