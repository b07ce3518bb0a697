"""The presentation on a 1920x1080 second screen, as the room sees it, driven from the facilitator's page.

Notes are written through the services (as a phone's route does); the presentation follows by itself.
Screenshots go to SPIRALE_SHOTS (a folder outside git, /tmp/spirale-shots by default) to be looked at.
"""

import os
import re
import time
from pathlib import Path

import pytest

from groups import join, service
from groups.models import ACTION, ILLBEING, WELLBEING
from tests.browser.conftest import open_page, rerun, translations, wait_for_run
from workshop import database, projects

pytestmark = pytest.mark.browser

SCREEN = {"width": 1920, "height": 1080}
FOLLOW_SECONDS = 5  # the presentation polls every second; allow for a loaded machine
SHOTS = Path(os.environ.get("SPIRALE_SHOTS", "/tmp/spirale-shots"))
LONG = (
    "Pouvoir se promener le soir dans le quartier sans avoir peur, avec des rues éclairées, des bancs pour "
    "se reposer, des voisins qui se saluent et des commerces ouverts tard, parce que la vie ne s'arrête pas "
    "à dix-huit heures"
)
IDEAS = {
    WELLBEING: [
        "Un parc propre où les enfants jouent",
        "Avoir un travail stable",
        "Des voisins qui se parlent",
        "Se loger dignement",
        "Des transports le dimanche",
        LONG,
        "Un médecin près de chez soi",
        "Des fêtes de quartier",
        "Être écouté par la mairie",
        "Des jardins partagés",
        "Un club de sport pas cher",
        "La bibliothèque ouverte le samedi",
        "Du temps pour sa famille",
        "Apprendre le français facilement",
        "Des bancs à l'ombre",
        "Un marché le matin",
        "Des cours d'informatique",
        "La sécurité à la sortie de l'école",
    ],
    ILLBEING: [
        "Le bruit des scooters la nuit",
        "La solitude des personnes âgées",
        "Les loyers trop chers",
        "Les déchets dans les cages d'escalier",
        "Le chômage des jeunes",
        "Attendre des mois un rendez-vous",
        "Les ascenseurs en panne pendant des semaines, surtout pour les mamans avec des poussettes et les "
        "personnes âgées qui restent enfermées chez elles",
        "Le manque de places en crèche",
        "Les regards sur les étrangers",
        "Les trottoirs encombrés",
        "Les factures d'énergie",
        "Ne pas savoir à qui s'adresser",
        "Le trafic devant l'immeuble",
    ],
    ACTION: [
        "Je participe au conseil citoyen",
        "J'aide mes voisins âgés à faire leurs courses",
        "Je trie mes déchets",
        "Je donne des cours de soutien",
        "Je propose une fête des voisins",
        "Je ramasse les papiers au parc",
        "Je vais aux réunions de l'école",
        "Je prête mes outils",
        "J'accueille les nouveaux arrivants",
    ],
}


@pytest.fixture
def workshop_group(app_db):
    """A project with one group, its code open: (project id, group id, code)."""
    with database.session_scope(app_db) as session:
        project = projects.create_project(session=session, name="Quartier des Tilleuls")
        group = service.create_group(session=session, project_id=project.id, profile="Jeunes de 16 à 25 ans")
        code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
    return project.id, group.id, code


def write(app_db: str, project_id: int, group_id: int, question: str, text: str) -> int:
    with database.session_scope(app_db) as session:
        return service.insert_criterion(
            session=session, project_id=project_id, group_id=group_id, question=question, text=text
        ).id


def at(browser, url: str):
    """A logged-in window on an address with a path (open_page's cookie is for the site's root)."""
    opened = open_page(browser, url.split("/presentation")[0].split("/groupes")[0])
    tab = opened.__enter__()
    tab.set_viewport_size(SCREEN)
    tab.goto(url)
    wait_for_run(tab)
    return opened, tab


def presentation(browser, app_url: str, project_id: int, group_id: int, view: str = ""):
    """The presentation window at 1920x1080, as the facilitator's button opens it."""
    opened, tab = at(browser, f"{app_url}/presentation?projet={project_id}&groupe={group_id}{view}")
    try:
        tab.get_by_test_id("presentation").wait_for()
    except Exception:
        shot(tab, "failed-presentation")
        print(tab.url, tab.evaluate("() => document.body.innerText")[:2000])
        raise
    return opened, tab


def shot(tab, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"))


def boxes(tab) -> list[dict]:
    return tab.get_by_test_id("presented-note").evaluate_all(
        "cards => cards.map(c => { const b = c.getBoundingClientRect();"
        " return {x: b.x, y: b.y, right: b.right, bottom: b.bottom, text: c.innerText, title: c.title}; })"
    )


def test_forty_notes_fill_the_screen_and_every_card_lies_inside_it(browser, app_url, app_db, workshop_group, tr):
    from playwright.sync_api import expect

    project_id, group_id, code = workshop_group
    for question, ideas in IDEAS.items():
        for idea in ideas:
            write(app_db, project_id, group_id, question, idea)
    opened, tab = presentation(browser, app_url, project_id, group_id)
    try:
        cards = tab.get_by_test_id("presented-note")
        expect(cards).to_have_count(40)
        for box in boxes(tab):
            assert box["x"] >= 0 and box["y"] >= 0, box
            assert box["right"] <= SCREEN["width"] and box["bottom"] <= SCREEN["height"], box
        assert tab.evaluate("() => document.scrollingElement.scrollHeight") <= SCREEN["height"]
        # Nothing of the facilitator's screen: no sidebar, no Streamlit header, no button.
        expect(tab.get_by_test_id("stSidebar")).to_be_hidden()
        expect(tab.get_by_test_id("stHeader")).to_be_hidden()
        expect(tab.get_by_role("button").filter(visible=True)).to_have_count(0)
        # Counts per question and the join code in a corner.
        counts = tab.get_by_test_id("presented-count")
        expect(counts).to_have_text([str(len(IDEAS[q])) for q in (WELLBEING, ILLBEING, ACTION)])
        expect(tab.get_by_test_id("presented-code")).to_have_text(code)
        expect(tab.locator("[data-testid=presentation] img")).to_be_visible()
        # A long note is cut at a word's end with an ellipsis; its whole text is in the card's title.
        long_card = next(b for b in boxes(tab) if b["title"] == LONG)
        shown = long_card["text"].strip()
        assert shown.endswith("…") and len(shown) < len(LONG)
        assert LONG.startswith(shown[:-1]) and LONG[len(shown) - 1] in " ,", shown
        # Type a person reads from the back of the room (at 40 notes, still over 20 px).
        smallest = min(tab.get_by_test_id("presented-note").evaluate_all(
            "cards => cards.map(c => parseFloat(getComputedStyle(c).fontSize))"
        ))  # fmt: skip
        assert smallest >= 20
        shot(tab, "presentation-40-notes")
    finally:
        opened.__exit__(None, None, None)


def test_a_note_sent_reaches_the_presentation_within_a_second_or_so(browser, app_url, app_db, workshop_group):
    from playwright.sync_api import expect

    project_id, group_id, _ = workshop_group
    write(app_db, project_id, group_id, WELLBEING, "Un parc propre")
    opened, tab = presentation(browser, app_url, project_id, group_id)
    try:
        expect(tab.get_by_test_id("presented-note")).to_have_count(1)
        first = tab.get_by_test_id("presented-note").first
        first.evaluate("card => { card.dataset.seen = 'yes'; }")
        tab.wait_for_timeout(2500)  # two polls with nothing new: the wall's cards are the same nodes
        assert first.evaluate("card => card.dataset.seen") == "yes"
        sent = time.monotonic()
        write(app_db, project_id, group_id, ILLBEING, "Le bruit la nuit")
        arrived = tab.get_by_test_id("presented-note").filter(has_text="Le bruit la nuit")
        expect(arrived).to_have_count(1, timeout=FOLLOW_SECONDS * 1000)
        delay = time.monotonic() - sent
        print(f"note on the presentation {delay:.2f} s after it was stored")
        assert delay < FOLLOW_SECONDS
        expect(arrived).to_have_class(re.compile("spz-fresh"))  # the gentle highlight of what just arrived
        expect(tab.get_by_test_id("presented-note").filter(has_text="Un parc propre")).not_to_have_class(
            re.compile("spz-fresh")
        )
    finally:
        opened.__exit__(None, None, None)


def facilitator(browser, app_url: str):
    opened, tab = at(browser, f"{app_url}/groupes")
    tab.set_viewport_size({"width": 1400, "height": 900})
    return opened, tab


def test_reveal_hides_then_shows_and_a_hidden_note_leaves_and_comes_back(browser, app_url, app_db, workshop_group, tr):
    from playwright.sync_api import expect

    project_id, group_id, _ = workshop_group
    write(app_db, project_id, group_id, WELLBEING, "Un parc propre")
    write(app_db, project_id, group_id, ILLBEING, "Le bruit la nuit")
    desk, control = facilitator(browser, app_url)
    room, screen = presentation(browser, app_url, project_id, group_id)
    try:
        cards = screen.get_by_test_id("presented-note")
        expect(cards).to_have_count(2)
        wellbeing = screen.locator("section[data-question=wellbeing]")

        # Individual, then collective: the facilitator veils the well-being question.
        veil = control.locator(".st-key-veil_wellbeing").get_by_role("button")
        expect(veil).to_have_accessible_name(tr("step1.veil.hide"))
        rerun(control, lambda: veil.click())
        expect(wellbeing.get_by_test_id("veiled")).to_be_visible(timeout=FOLLOW_SECONDS * 1000)
        expect(wellbeing.get_by_test_id("presented-note")).to_have_count(0)
        write(app_db, project_id, group_id, WELLBEING, "Avoir un travail")  # written alone, from a phone
        expect(wellbeing.get_by_test_id("presented-count")).to_have_text("2", timeout=FOLLOW_SECONDS * 1000)
        expect(wellbeing.get_by_test_id("presented-note")).to_have_count(0)
        expect(screen.get_by_text("Avoir un travail")).to_have_count(0)
        shot(screen, "presentation-veiled")
        expect(veil).to_have_accessible_name(tr("step1.veil.reveal"))
        rerun(control, lambda: veil.click())
        expect(wellbeing.get_by_test_id("presented-note")).to_have_count(2, timeout=FOLLOW_SECONDS * 1000)
        expect(wellbeing.get_by_test_id("veiled")).to_have_count(0)

        # Moderation: a note hidden from the room stays on the facilitator's wall, marked, and comes back.
        card = control.get_by_test_id("note").filter(has_text="Le bruit la nuit")
        hide = control.get_by_role("button", name=tr("step1.hide_note"), exact=True)
        wait_for_run(control)
        expect(hide).to_have_count(3)
        note_id = _note_id(app_db, project_id, "Le bruit la nuit")
        moderate = control.locator(f".st-key-moderate_{note_id}").get_by_role("button")
        expect(moderate).to_have_accessible_name(tr("step1.hide_note"))
        rerun(control, lambda: moderate.click())
        expect(screen.get_by_text("Le bruit la nuit")).to_have_count(0, timeout=FOLLOW_SECONDS * 1000)
        expect(card).to_contain_text(tr("step1.hidden_mark"))
        wait_for_run(control)
        expect(moderate).to_have_accessible_name(tr("step1.show_note"))  # its one button now shows it again
        expect(hide).to_have_count(2)
        expect(screen.locator("section[data-question=illbeing]").get_by_test_id("presented-count")).to_have_text("0")
        shot(control, "facilitator-wall-moderated")
        rerun(control, lambda: moderate.click())
        expect(screen.get_by_text("Le bruit la nuit")).to_have_count(1, timeout=FOLLOW_SECONDS * 1000)
        expect(card).not_to_contain_text(tr("step1.hidden_mark"))
        with database.session_scope(app_db) as session:
            log = service.moderation_log(session=session, project_id=project_id, criterion_id=note_id)
        assert [entry.action for entry in log] == ["hide", "show"] and all(e.account_id for e in log)
    finally:
        room.__exit__(None, None, None)
        desk.__exit__(None, None, None)


def _note_id(app_db: str, project_id: int, text: str) -> int:
    with database.session_scope(app_db) as session:
        return next(c.id for c in service.list_criteria(session=session, project_id=project_id) if c.text == text)


def english_only_words() -> set[str]:
    """Words of the English catalog that French never uses, and Streamlit's own English chrome."""
    catalog = translations()
    words = lambda lang: {w.lower() for entry in catalog.values() for w in re.findall(r"[A-Za-z]{3,}", entry[lang])}  # noqa: E731
    return (words("en") - words("fr")) | {"running", "stop", "deploy", "rerun", "loading", "connecting"}


def test_no_english_word_on_the_french_presentation(browser, app_url, app_db, workshop_group):
    project_id, group_id, _ = workshop_group
    write(app_db, project_id, group_id, WELLBEING, "Un parc propre")
    with database.session_scope(app_db) as session:
        service.set_veil(session=session, project_id=project_id, group_id=group_id, question=ILLBEING, veiled=True)
        service.start_timer(session=session, project_id=project_id, group_id=group_id, question=WELLBEING, minutes=5)
    opened, tab = presentation(browser, app_url, project_id, group_id)
    try:
        wait_for_run(tab)
        seen = {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]{3,}", tab.evaluate("() => document.body.innerText"))}
        assert seen & english_only_words() == set(), seen & english_only_words()
        assert "encore 4:" in tab.get_by_test_id("presentation").inner_text()  # the countdown, in French
        shot(tab, "presentation-french-timer-veiled")
    finally:
        opened.__exit__(None, None, None)


def test_mutual_knowledge_presentation_shows_the_other_groups(browser, app_url, app_db, workshop_group):
    from playwright.sync_api import expect

    project_id, group_id, _ = workshop_group
    write(app_db, project_id, group_id, WELLBEING, "Notre propre idée")
    with database.session_scope(app_db) as session:
        other = service.create_group(session=session, project_id=project_id, profile="Aînés du quartier")
    for question, ideas in IDEAS.items():
        for idea in ideas[:6]:
            write(app_db, project_id, other.id, question, idea)
    opened, tab = presentation(browser, app_url, project_id, group_id, "&vue=synthese")
    try:
        cards = tab.get_by_test_id("presented-note")
        expect(cards).to_have_count(18)
        expect(cards.filter(has_text="Aînés du quartier")).to_have_count(18)
        expect(tab.get_by_text("Notre propre idée")).to_have_count(0)  # the group's own notes are not "others"
        for box in boxes(tab):
            assert box["right"] <= SCREEN["width"] and box["bottom"] <= SCREEN["height"], box
        shot(tab, "presentation-mutual-knowledge")
    finally:
        opened.__exit__(None, None, None)


def test_projector_mode_meeting_screen_cuts_no_label_and_warns_of_a_local_link(
    browser, app_url, app_db, workshop_group, tr
):
    from playwright.sync_api import expect

    project_id, group_id, _ = workshop_group
    write(app_db, project_id, group_id, WELLBEING, LONG)
    desk, control = at(browser, f"{app_url}/groupes")
    try:
        sidebar = control.get_by_test_id("stSidebar")
        rerun(control, lambda: sidebar.get_by_text(tr("shell.projector")).click())
        wait_for_run(control)
        # The app runs on 127.0.0.1 here: phones could not open the join link, and the screen says why.
        warning = control.get_by_test_id("stAlertContentWarning").filter(has_text="SPIRALE_PUBLIC_URL")
        expect(warning).to_be_visible()
        # The presentation is a click away, in a window of its own.
        link = control.get_by_role("link", name=tr("step1.present"))
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute(
            "href", re.compile(rf"presentation\?projet={project_id}&groupe={group_id}&langue=fr$")
        )
        control.set_viewport_size(SCREEN)
        wait_for_run(control)
        shot(control, "facilitator-projector-mode")
        # Projector mode folds the sidebar away; its one button brings it back, wide enough for its labels.
        expect(sidebar).to_have_attribute("data-collapsed", "true")
        control.get_by_test_id("stExpandSidebarButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        control.wait_for_timeout(500)  # the sidebar's slide
        # No label cut short: every button's and every page link's text fits its box (no "…", no hidden part).
        cut = control.evaluate(
            """() => [...document.querySelectorAll(
                 '[data-testid=stSidebarNavLink] span, button p, [data-testid=stLinkButton] p')]
               .filter(e => e.offsetParent !== null && e.innerText.trim())
               .filter(e => { const box = (e.closest('a, button') || e.parentElement).getBoundingClientRect();
                              const r = e.getBoundingClientRect();
                              return (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
                                     || r.right > box.right + 1 || r.bottom > box.bottom + 1; })
               .map(e => e.innerText)"""
        )
        assert cut == [], cut
        shot(control, "facilitator-projector-mode-sidebar")
        # No word broken across two lines in the sidebar's buttons ("Se déconnect/er").
        broken = control.evaluate(
            """() => [...document.querySelectorAll('[data-testid=stSidebar] button p')]
               .filter(e => e.offsetParent !== null)
               .filter(e => { const words = e.innerText.trim().split(/\\s+/).length;
                              const lines = Math.round(e.getBoundingClientRect().height /
                                                       parseFloat(getComputedStyle(e).lineHeight));
                              return lines > words; })
               .map(e => e.innerText)"""
        )
        assert broken == [], broken
        # A long note on the facilitator's wall: cut at a word's end with "…", the whole text on a click.
        card = control.get_by_test_id("note").filter(has_text="Pouvoir se promener")
        summary = card.locator("summary")
        assert summary.inner_text().endswith("…") and LONG.startswith(summary.inner_text()[:-1])
        summary.click()
        expect(card).to_contain_text(LONG)
    finally:
        desk.__exit__(None, None, None)
