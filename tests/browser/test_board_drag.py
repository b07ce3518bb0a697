"""The board you drag (issue 13, point 3), in a real browser: a note dragged to another cluster moves there and
undo brings it back; a cluster's handle dropped onto another merges them. The component is streamlit-sortables."""

import pytest

from indicators import board
from tests.browser.conftest import rerun, run_count, wait_for_run
from workshop import database

pytestmark = pytest.mark.browser

SLOW_MS = 180_000  # the first clustering loads the embedding model in the app's process


def laid_out(url: str) -> board.BoardView:
    with database.session_scope(url) as session:
        return board.load_board(session=session, project_id=1)


def drag(page, source, target) -> None:
    """Press, move in small steps (the component waits for a few pixels before it starts a drag), release."""
    start, end = source.bounding_box(), target.bounding_box()
    since = run_count(page)
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 8, start["y"] + start["height"] / 2 + 8, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] + 4, steps=25)
    page.wait_for_timeout(300)
    page.mouse.up()
    wait_for_run(page, since=since, timeout=SLOW_MS)


def test_a_drag_moves_a_note_undo_brings_it_back_and_a_handle_dropped_merges(page, tr, tmp_path):
    from playwright.sync_api import expect

    url = f"sqlite:///{tmp_path / 'spirale.db'}"  # the database app_url gave the app
    rerun(page, lambda: page.get_by_role("button", name=tr("home.demo.load")).click(), timeout=SLOW_MS)
    rerun(page, lambda: page.get_by_role("link", name=tr("nav.board")).click(), timeout=SLOW_MS)
    start = laid_out(url)
    first, second = start.clusters[:2]
    frame = page.frame_locator("iframe[src*='streamlit_sortables']").first
    containers = frame.locator(".sortable-container")
    expect(containers).to_have_count(len(start.clusters) + 2)  # the notes alone, and a place for a new cluster
    note = first.notes[0]
    dragged = containers.nth(0).locator(".sortable-item").nth(1)
    expect(dragged).to_contain_text(note.text[:30])

    drag(page, dragged, containers.nth(1).locator(".sortable-item").first)
    moved = laid_out(url)
    assert moved.cluster_of(note.criterion_id).id == second.id
    assert len(moved.cluster(first.id).notes) == len(first.notes) - 1
    expect(containers.nth(1)).to_contain_text(note.text[:30])

    rerun(page, lambda: page.get_by_role("button", name=tr("board.undo")).click())
    back = laid_out(url)
    assert [n.criterion_id for n in back.cluster(first.id).notes] == [n.criterion_id for n in first.notes]
    expect(containers.nth(0)).to_contain_text(note.text[:30])

    # The second cluster's handle dropped into the first: merged, in one operation.
    drag(page, containers.nth(1).locator(".sortable-item").first, containers.nth(0).locator(".sortable-item").nth(1))
    merged = laid_out(url)
    assert merged.cluster(second.id) is None
    assert len(merged.cluster(first.id).notes) == len(first.notes) + len(second.notes)
    expect(containers).to_have_count(len(start.clusters) + 1)
    expect(page.get_by_test_id("stException")).to_have_count(0)
