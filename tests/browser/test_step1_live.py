"""Step 1 live in a real browser: a facilitator's projected screen and three phones joining by code.

The phones (390x844 viewports, their own browser contexts, so their own Streamlit sessions) send notes;
the facilitator's wall shows them by itself (its fragment polls), counts who wrote how many; undo works.
"""

import re
import time

import pytest

from tests.browser.conftest import RUN_TIMEOUT_MS, rerun, settled

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WALL_SECONDS = 6  # the wall refreshes every 2 s; allow for a loaded CI machine
PHONES = [
    ("Léa", "Bien-être", "Un parc propre où les enfants jouent"),
    ("Karim", "Mal-être", "Le bruit des scooters la nuit"),
    ("", "Bien-être", "<b>Des voisins</b> qui se **parlent**"),
]


def open_phone(browser, url: str):
    """A phone on the participants' light route (plain HTML: no Streamlit run to wait for)."""
    context = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    tab = context.new_page()
    tab.goto(url)
    return context, tab


def start_meeting(page, tr) -> str:
    """Project, group, code opened: return the code read from the projected screen."""
    from playwright.sync_api import expect

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label(tr("project.name")).fill("Quartier des Tilleuls")
    rerun(page, lambda: sidebar.get_by_role("button", name=tr("project.create")).click())
    expect(sidebar.get_by_role("combobox", name=tr("project.current"))).to_have_value("Quartier des Tilleuls")
    settled(page)
    rerun(page, lambda: page.get_by_role("link", name=tr("nav.step1")).click())
    expect(page.get_by_text(tr("step1.no_group"))).to_be_visible()
    page.get_by_label(tr("group.profile")).fill("Jeunes de 16 à 25 ans")
    rerun(page, lambda: page.get_by_role("button", name=tr("step1.create_group")).click())
    rerun(page, lambda: page.get_by_role("button", name=tr("step1.join.open")).click())
    code_box = page.get_by_test_id("join-code")
    expect(code_box).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
    expect(page.locator("[data-testid=stMain] img").first).to_be_visible()  # the QR code
    return code_box.inner_text().strip()


def send_from_phone(tab, tr, alias: str, question: str, text: str) -> None:
    from playwright.sync_api import expect

    if alias:
        tab.get_by_label(tr("step1.author")).fill(alias)
    tab.get_by_role("radio", name=re.compile("^" + re.escape(question))).check()
    tab.get_by_label(tr("join.write")).fill(text)
    tab.get_by_role("button", name=tr("join.send")).click()
    expect(tab.locator("#outcome")).to_have_text(tr("join.sent"))
    expect(tab.locator("#mine .note-text")).to_have_text([text])
    expect(tab.get_by_label(tr("join.write"))).to_have_value("")


def test_facilitator_and_three_phones(browser, page, app_url, tr):
    from playwright.sync_api import expect

    code = start_meeting(page, tr)
    notes = page.get_by_test_id("note")
    expect(notes).to_have_count(0)

    wrong_context, wrong = open_phone(browser, f"{app_url}/?code=ZZZZZZ")  # an old link: to the phone route
    expect(wrong.get_by_text(tr("error.join_code_unknown").format(code="ZZZZZZ"))).to_be_visible()
    expect(wrong.get_by_test_id("stSidebar")).to_have_count(0)
    wrong_context.close()

    phones = [open_phone(browser, f"{app_url}/p/rejoindre?code={code.lower()}") for _ in PHONES]
    try:
        for (_, tab), (alias, question, text) in zip(phones, PHONES, strict=True):
            expect(tab.get_by_text(tr("join.welcome").format(group="Jeunes de 16 à 25 ans"))).to_be_visible()
            expect(tab.get_by_test_id("stSidebar")).to_have_count(0)  # nothing else to reach
            expect(tab.locator("script[src*='/static/js/']")).to_have_count(0)  # no Streamlit bundle on phones
            sent = time.monotonic()
            send_from_phone(tab, tr, alias, question, text)
            # No click on the facilitator's screen: its wall refreshes by itself.
            expect(notes.filter(has_text=re.compile(re.escape(text[-12:])))).to_have_count(
                1, timeout=WALL_SECONDS * 1000
            )
            assert time.monotonic() - sent < WALL_SECONDS + 10

        expect(notes).to_have_count(3)
        expect(page.get_by_test_id("note").locator("b, strong")).to_have_count(0)  # markup shown literally
        authors = page.get_by_test_id("authors")
        expect(authors).to_contain_text("Léa : 1")
        expect(authors).to_contain_text("Karim : 1")
        expect(authors).to_contain_text(f"{tr('step1.author_anonymous')} : 1")
        expect(page.get_by_role("heading", name=re.compile(r"\(2\)$"))).to_have_count(1)  # two on well-being

        # Undo, one click, on the projected screen.
        rerun(page, lambda: page.get_by_role("button", name=tr("step1.delete")).first.click())
        expect(notes).to_have_count(2)
        rerun(page, lambda: page.get_by_role("button", name=tr("step1.undo")).click())
        expect(notes).to_have_count(3)

        # A phone edits its own note; the wall shows the correction with the words first written.
        _, first = phones[0]
        first.get_by_text(tr("join.edit"), exact=True).click()
        first.locator("#mine textarea").fill("Un parc propre et ombragé")
        first.get_by_role("button", name=tr("join.save")).click()
        expect(first.locator("#mine .note-text")).to_contain_text(["Un parc propre et ombragé"])
        expect(notes.filter(has_text="Un parc propre et ombragé")).to_have_count(1, timeout=WALL_SECONDS * 1000)
    finally:
        for context, _ in phones:
            context.close()


def test_fast_entry_type_enter_next(page, tr):
    """The facilitator types a note, presses Enter, and types the next one: the cursor stays in the field.

    Enter goes through the column's outbox (ui/notes.py), so the next note can be typed at once, before the
    first is stored, while the wall redraws itself every 2 s; no note is lost or merged with the next.
    """
    from playwright.sync_api import expect

    start_meeting(page, tr)
    field = page.locator(".st-key-note_text_action input")
    notes = page.get_by_test_id("note")
    field.click()
    page.keyboard.type("Une fête des voisins")
    page.keyboard.press("Enter")
    expect(field).to_have_value("")  # at once, before the server answers
    expect(notes.filter(has_text="Une fête des voisins")).to_have_count(1)
    expect(field).to_be_focused()

    # Typed while the wall keeps redrawing: the close notes follow, no character is lost, nothing is added.
    typed = "Une fête de quartier avec les voisins"
    page.keyboard.type(typed, delay=60)
    expect(page.get_by_test_id("similar")).to_contain_text("Une fête des voisins", timeout=30_000)
    expect(field).to_have_value(typed)
    expect(field).to_be_focused()
    expect(notes).to_have_count(1)
    page.keyboard.press("Enter")

    burst = [f"<b>Idée</b> n°{number}" for number in range(6)]  # typed without waiting for the server
    for text in burst:
        page.keyboard.type(text, delay=10)
        page.keyboard.press("Enter")
    expect(notes).to_have_count(2 + len(burst))
    for text in burst:
        expect(notes.filter(has_text=re.compile(re.escape(text) + "$"))).to_have_count(1)
    expect(notes.locator("b, strong")).to_have_count(0)  # shown literally
    expect(field).to_have_value("")
    expect(field).to_be_focused()
    expect(page.get_by_role("heading", name=re.compile(r"\(8\)$"))).to_have_count(1)

    # The Add button, tapped twice in a hurry, stores the note once.
    field.fill("Un banc devant l'école")
    page.locator(".st-key-note_add_action").get_by_role("button").dblclick()
    expect(notes.filter(has_text="Un banc devant l'école")).to_have_count(1)
    expect(field).to_have_value("")
    page.wait_for_timeout(2500)  # a wall redraw later, still one
    expect(notes.filter(has_text="Un banc devant l'école")).to_have_count(1)
