"""Every facilitator page read as a person would, in French then in English (issue 16, point 9).

On the demo, every page of the navigation and every tab of it: the visible text, the charts' labels, the
screen-reader names and tooltips (aria-label, title, placeholder, alt) and the report's preview. Fails on a word
of the other language's interface (the lists below: extend them as leaks are found), on "None", "nan" or an empty
marker, a raw catalog key or field name, a button's label cut ("…"), an ISO date, a decimal point in French, a
traceback, or a page whose `<html lang>` is not the language shown. People's own words (the demo's French notes
and names) stay what they are on the English screens: the French list holds interface words only, which no demo
text uses.

SPIRALE_SCREENSHOTS=folder keeps a screenshot of each page, tab and language there (in a 3,000 px high window, so
that a page's whole length is in it).
"""

import ast
import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import open_page, rerun, settled, translations
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

# Tell-tale English on a French screen: Streamlit's and plotly's own words, and our interface's.
ENGLISH = [
    "Upload", "per file", "Drag and drop", "Press Enter", "Choose an option", "No options", "No results",
    "Show password", "Hide password", "Help for", "Close", "Open", "Sidebar", "Collapse", "Expand", "App pages",
    "Page not found", "Download", "Search", "Fullscreen", "Zoom", "Autoscale", "Reset", "Clear", "Remove",
    "Running", "Settings", "Print", "Deploy", "Save", "Cancel", "Delete", "Submit", "Loading", "Select",
    "Increment", "Decrement", "Choose date", "Link to heading", "Skip to", "empty", "Empty", "day,", "month,",
    "year,", "Step", "Group", "Survey", "Dashboard", "Report", "Partner", "Wave", "Indicator", "Respondents",
    "Answers", "Mean", "Share", "Weighted", "Project", "Account", "Backup", "Home", "Mixed", "Priorities",
    "Family", "Families", "Target", "Level", "Planned", "Commitment", "Milestone", "yyyy", "dd/mm",
]  # fmt: skip
# Tell-tale French on an English screen: interface words only (no demo note, name or place uses them).
FRENCH = [
    "Enregistrer", "Ajouter", "Supprimer", "Retirer", "Annuler", "Choisir", "Télécharger", "Aucun", "Aucune",
    "Fermer", "Ouvrir", "Afficher", "Masquer", "Rechercher", "Corriger", "Valider", "Étape", "Vague",
    "Tableau de bord", "Mot de passe", "Groupes homogènes", "Enquête", "Rapport", "Partenaire", "Indicateur",
    "Répondant",
    "Moyenne", "pondér", "Projet", "Compte", "Sauvegarde", "Accueil", "Priorité", "Famille", "Niveau", "prévu",
    "Engagement", "Jalon", "jj", "aaaa", "Barre latérale", "Page introuvable", "Aide :", "Déposer", "Calcul en cours",
]  # fmt: skip
RAW = ["None", "nan", "NaN", "NaT", "null", "undefined", "Traceback", "Error:", "age_band", "[object Object]"]
DECIMAL_POINT = re.compile(r"(?<![\w.,/])\d+\.\d+(?![\w.])")  # "2.73" (not a version, an address nor a code)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a field's name ("age_band"), never a word
KEYLIKE = re.compile(r"\b[a-z0-9_]+(?:\.[a-z0-9_-]+)+\b")

# What a person reads: visible text (icons' ligature names and code left out), the tables' cells, the charts'
# labels, and the names and tooltips a screen reader or a mouse gives (element attributes).
READ_JS = """() => {
  const skip = '[data-testid="stIconMaterial"], code, pre, script, style, noscript';
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !node.nodeValue.trim() || parent.closest(skip)) continue;
    const inGrid = parent.closest('[role="grid"], .js-plotly-plot');
    if (!inGrid && !parent.checkVisibility({visibilityProperty: true})) continue;
    parts.push(node.nodeValue.trim());
  }
  const names = [];
  for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], [data-title]')) {
    if (element.closest(skip)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'data-title', 'aria-valuetext']) {
      const value = element.getAttribute(name);
      if (value && value.trim()) names.push(value.trim());
    }
  }
  const cut = [...document.querySelectorAll('[data-testid^="stBaseButton"], [data-testid^="stBaseLinkButton"]')]
    .map(b => b.querySelector('[data-testid="stMarkdownContainer"]'))
    .filter(m => m && m.checkVisibility() && m.firstElementChild
      && m.firstElementChild.getBoundingClientRect().width > m.getBoundingClientRect().width + 0.5)
    .map(m => m.innerText);
  return {text: parts.join('\\n'), names: names.join('\\n'), lang: document.documentElement.lang, cut: cut};
}"""


def page_paths() -> list[str]:
    """Every page's address, from the router's one table (its 4th column)."""
    tree = ast.parse((ROOT / "router.py").read_text(encoding="utf-8"))
    table = next(n.value for n in tree.body if isinstance(n, ast.AnnAssign) and n.target.id == "PAGES")
    return [ast.literal_eval(row.elts[3]) for row in table.values]


def words_of(words: list[str], text: str) -> list[str]:
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?![^\W_])", text)]


def raw_keys(text: str, keys: set[str]) -> list[str]:
    return sorted({found for found in KEYLIKE.findall(text) if found in keys} | set(SNAKE.findall(text)))


def problems(read: dict, lang: str, keys: set[str]) -> list[str]:
    every = read["text"] + "\n" + read["names"]
    found = []
    if read["lang"] != lang:
        found.append(f"<html lang={read['lang']!r}>")
    other = words_of(ENGLISH if lang == "fr" else FRENCH, every)
    found += [f"{'English' if lang == 'fr' else 'French'} {w!r}: {context(every, w)}" for w in other]
    found += [f"raw {w!r}: {context(every, w)}" for w in words_of(RAW, every)]
    found += [f"raw key {k!r}: {context(every, k)}" for k in raw_keys(every, keys)]
    found += [f"ISO date {d!r}" for d in sorted(set(ISO_DATE.findall(every)))]
    found += [f"label cut: {label!r}" for label in read.get("cut", [])]
    if lang == "fr":
        found += [f"decimal point {n!r}: {context(every, n)}" for n in sorted(set(DECIMAL_POINT.findall(every)))]
    return found


def context(text: str, word: str) -> str:
    at = text.find(word)
    return repr(text[max(0, at - 50) : at + len(word) + 30])


def read_page(page) -> dict:
    read = page.evaluate(READ_JS)
    for frame in page.frames[1:]:  # the report's preview, components
        try:
            inner = frame.evaluate(READ_JS)
        except Exception:  # a frame gone while reading (a chart redrawn) has nothing to read
            continue
        read["text"] += "\n" + inner["text"]
        read["names"] += "\n" + inner["names"]
    return read


def visit_every_tab(page, lang: str, path: str, keys: set[str], shots: Path | None) -> dict[str, list[str]]:
    from playwright.sync_api import expect

    found: dict[str, list[str]] = {}
    expect(page.get_by_test_id("stException")).to_have_count(0)
    tabs = page.get_by_test_id("stMain").get_by_role("tab")
    for index in range(max(1, tabs.count())):
        where = f"{lang} /{path}"
        if tabs.count() > index:
            tab = tabs.nth(index)
            where += f" [{tab.inner_text().strip()}]"
            tab.click()  # tabs switch in the browser, with no run
        page.wait_for_timeout(400)  # charts and the report's preview draw after the run
        if shots is not None:
            page.screenshot(path=str(shots / f"{lang}_{path}_{index}.png"), full_page=True)
        if issues := problems(read_page(page), lang, keys):
            found[where] = issues
    return found


def switch_language(page, lang: str) -> None:
    name = {"fr": "Français", "en": "English"}[lang]
    picker = page.get_by_test_id("stSidebar").get_by_role("radiogroup", name="Langue / Language")
    rerun(page, lambda: picker.get_by_role("radio", name=name).click())


def test_an_unknown_address_is_said_in_french(page, tr, app_url):
    """Streamlit's own "Page not found" dialog, and its message, in the language shown."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/nulle-part")
    settled(page)
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=tr("streamlit.page_not_found"))).to_be_visible()
    expect(dialog).to_contain_text(tr("streamlit.page_missing"))
    expect(dialog.get_by_role("button", name=tr("streamlit.close"))).to_be_visible()
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    assert problems(read_page(page), "fr", set(translations())) == []


def test_a_presentation_window_speaks_the_language_of_the_window_that_opened_it(browser, app_url, app_db, tr):
    """A new window (a new session) opened on ?langue=en: English from its first run, <html lang> included."""
    from playwright.sync_api import expect

    from workshop import database, projects

    with database.session_scope(app_db) as session:
        project = projects.create_project(session=session, name="Valmont", place="Valmont", language="fr")
    with open_page(browser, app_url) as window:  # logged in by its cookie; the presentation is a new load
        window.goto(f"{app_url}/presentation?projet={project.id}&vue=tableau&langue=en")
        settled(window)
        expect(window.get_by_text(tr("step3.no_wave", "en"))).to_be_visible()
        assert window.evaluate("() => document.documentElement.lang") == "en"
        assert problems(read_page(window), "en", set(translations())) == []


def test_every_page_reads_in_one_language(page, tr, app_url):
    from playwright.sync_api import expect

    shots = Path(os.environ["SPIRALE_SCREENSHOTS"]) if os.environ.get("SPIRALE_SCREENSHOTS") else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1400, "height": 3000})  # Streamlit scrolls inside its main block
    keys = set(translations())
    rerun(page, lambda: page.get_by_role("button", name=tr("home.demo.load")).click(), timeout=120_000)
    expect(page.get_by_role("combobox", name=tr("project.current"))).to_have_value(re.compile("Valmont"))
    paths = page_paths()
    assert len(paths) >= 18
    found: dict[str, list[str]] = {}
    for lang in ("fr", "en"):
        if lang == "en":
            switch_language(page, "en")
        for path in paths:
            address = f"{app_url}/{'' if path == 'accueil' else path}"
            if page.url.split("?")[0] != address:  # a click on the page shown starts no run
                settled(page, timeout=120_000)
                page.get_by_test_id("stSidebarNav").locator(f'a[href="{address}"]').click()
                # The address changes when the page's run starts (a short run may go unseen by run_count).
                page.wait_for_url(address, timeout=120_000)
            settled(page, timeout=120_000)
            if path == "rapport":  # the report itself, in the language shown (its list's default), in the preview
                make = page.get_by_role("button", name=tr("report.make", lang))
                rerun(page, make.click, timeout=300_000)
                expect(page.get_by_test_id("stIFrame")).to_be_visible()
            found.update(visit_every_tab(page, lang, path, keys, shots))
    assert found == {}, "\n".join(f"{where}:\n  " + "\n  ".join(issues) for where, issues in found.items())
