"""The clustering board in a real browser: accept, merge, undo, move by selection, then an indicator from a cluster."""

import pytest

from indicators import board
from indicators import service as indicators_service
from tests.browser.conftest import rerun
from workshop import database, i18n

pytestmark = pytest.mark.browser

SLOW_MS = 180_000  # the first clustering loads the embedding model in the app's process


def laid_out(url: str) -> board.BoardView:
    with database.session_scope(url) as session:
        return board.load_board(session=session, project_id=1)


def test_accept_merge_undo_move_and_indicator_from_a_cluster(page, tr, tmp_path):
    from playwright.sync_api import expect

    url = f"sqlite:///{tmp_path / 'spirale.db'}"  # the database app_url gave the app
    rerun(page, lambda: page.get_by_role("button", name=tr("home.demo.load")).click(), timeout=SLOW_MS)
    rerun(page, lambda: page.get_by_role("link", name=tr("nav.board")).click(), timeout=SLOW_MS)
    expect(page.get_by_role("heading", name=tr("board.title"))).to_be_visible()
    # The cards view, with its buttons (the drag view has its own test, test_board_drag.py).
    rerun(page, lambda: page.get_by_text(tr("board.mode.cards"), exact=True).click())
    cards = page.get_by_test_id("cluster")
    start = laid_out(url)
    assert len(start.clusters) > 5
    expect(cards).to_have_count(len(start.clusters))
    expect(page.get_by_test_id("board-note").first).to_be_visible()

    # Accept the first cluster.
    rerun(page, lambda: page.get_by_role("button", name=tr("board.pin")).first.click())
    expect(page.get_by_role("button", name=tr("board.unpin"))).to_have_count(1)
    expect(cards.first).to_contain_text("📌")

    # Merge the second cluster into the first (the tools panel's default target).
    first, second = start.clusters[:2]
    rerun(page, lambda: page.get_by_role("button", name=tr("board.choose")).nth(1).click())
    expect(page.get_by_text(i18n.translate("board.chosen", "fr", name=second.name))).to_be_visible()
    rerun(page, lambda: page.get_by_role("button", name=tr("board.merge")).click())
    expect(cards).to_have_count(len(start.clusters) - 1)
    assert len(laid_out(url).cluster(first.id).notes) == len(first.notes) + len(second.notes)

    # Undo brings both back.
    rerun(page, lambda: page.get_by_role("button", name=tr("board.undo")).click())
    expect(cards).to_have_count(len(start.clusters))
    assert [n.criterion_id for n in laid_out(url).cluster(second.id).notes] == [n.criterion_id for n in second.notes]

    # Move a note of the third cluster to the first, by selection.
    note = start.clusters[2].notes[0]
    picker = page.get_by_role("combobox", name=tr("board.move_notes"))
    picker.click()
    picker.fill(note.text[:30])
    page.get_by_role("option").filter(has_text=note.text[:30]).first.click()  # in a form: no rerun yet
    page.keyboard.press("Escape")
    # Leave the field first: a focused multiselect is taller, and the button would move under the mouse.
    page.get_by_role("heading", name=tr("board.title")).click()
    rerun(page, lambda: page.get_by_role("button", name=tr("board.move_button")).click())
    assert laid_out(url).cluster_of(note.criterion_id).id == first.id
    expect(page.get_by_test_id("stException")).to_have_count(0)

    # An indicator from the first cluster: the editor opens with five drafted situations.
    rerun(page, lambda: page.get_by_role("button", name=tr("board.choose")).first.click())
    rerun(page, lambda: page.get_by_role("button", name=tr("board.to_indicator")).click())
    expect(page.get_by_role("heading", name=tr("step2.title"))).to_be_visible()
    for level in range(1, 6):  # each drafted situation marked to rewrite
        marked = f"{tr(f'level.{level}')} · ✍️ {tr('step2.to_rewrite')}"
        expect(page.get_by_label(marked, exact=True).first).not_to_have_value("")
    page.get_by_label(tr("indicator.name_fr"), exact=True).first.fill("Un toit pour tous")
    page.get_by_label(tr("indicator.name_fr"), exact=True).first.press("Tab")
    rerun(page, lambda: page.get_by_role("button", name=tr("step2.create_indicator")).click())
    saved = i18n.translate("step2.created.to_rewrite", "fr", name="Un toit pour tous", count=5)
    expect(page.get_by_text(saved)).to_be_visible()  # saved, but kept off phones until people rewrite or accept
    with database.session_scope(url) as session:
        made = next(i for i in indicators_service.list_indicators(session=session, project_id=1)
                    if i.name_fr == "Un toit pour tous")  # fmt: skip
        support = indicators_service.supporting_notes(session=session, project_id=1, indicator_id=made.id)
    assert sorted(support["id"]) == sorted({n.criterion_id for n in laid_out(url).cluster(first.id).notes})
