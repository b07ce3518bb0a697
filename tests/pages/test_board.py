"""AppTest of the clustering board: laid out on first visit, pin, rename, merge, split, move, undo, stale screens."""

import pytest

from indicators import board
from indicators import service as indicators_service
from tests.pages.conftest import by_label, load_demo
from ui.shell import escape as shell_escape
from workshop import database, grid, i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def clusters_html(app) -> list[str]:
    return [h.proto.body for h in app.get("html") if "spirale-cluster" in h.proto.body]


def click(app, label: str, index: int = 0):
    [b for b in app.button if b.label == label][index].click().run()
    assert not app.exception
    return app


def view(app, db_url):
    with database.session_scope(db_url) as session:
        return board.load_board(session=session, project_id=app.session_state["project_id"])


@pytest.fixture
def demo_board(app):
    """The demo's board in its cards view (the drag view is a component AppTest cannot drag: see the browser test)."""
    load_demo(app)
    app.switch_page("pages/board.py").run()
    assert not app.exception
    assert app.radio(key="board_mode").value == "drag"  # the board opens to drag
    app.radio(key="board_mode").set_value("cards").run()
    assert not app.exception and app.title[0].value == fr("board.title")
    return app


def test_first_visit_lays_out_clusters_with_coloured_notes_and_groups(demo_board, db_url):
    app = demo_board
    shown = clusters_html(app)
    laid = view(app, db_url)
    assert len(shown) == len(laid.clusters) > 5
    assert "#f9d6d5" in "".join(shown) and "Jeunes 16-25 ans" in "".join(shown)
    alone = len(laid.unclustered)
    assert fr("board.counts", clusters=len(laid.clusters), pinned=0, notes=len(laid.notes), alone=alone) in [
        c.value for c in app.caption
    ]


def test_cards_show_each_name_with_its_most_representative_note_and_the_notes_no_indicator_carries(demo_board, db_url):
    app = demo_board
    shown = clusters_html(app)
    laid = view(app, db_url)
    for html, cluster in zip(shown, laid.clusters, strict=True):
        assert "data-testid='cluster-representative'" in html  # « the note that says it best »
        said = html.split("data-testid='cluster-representative'")[1].split("</div>")[0]
        assert any(shell_escape(n.text)[:40] in said or shell_escape(n.text)[:20] in said for n in cluster.notes)
    with database.session_scope(db_url) as session:
        left = indicators_service.diversity(session=session, project_id=app.session_state["project_id"])
    assert left.uncarried_ids  # the demo leaves some notes to no indicator
    assert app.info[0].value.startswith(
        fr("board.voices_left", count=len(left.uncarried_ids & {n.criterion_id for n in laid.notes}))
    )
    marked = "".join(h.proto.body for h in app.get("html")).count(f"title='{shell_escape(fr('board.uncarried'))}'>◌")
    assert marked == len(left.uncarried_ids & {n.criterion_id for n in laid.notes})  # each of them, on its card


def test_a_search_keeps_the_clusters_holding_the_word(demo_board, db_url):
    app = demo_board
    app.text_input(key="board_search").set_value("loyer").run()
    shown = clusters_html(app)
    assert 0 < len(shown) < len(view(app, db_url).clusters)
    assert all("loyer" in html.casefold() for html in shown)


def test_pin_rename_merge_and_undo(demo_board, db_url):
    app = demo_board
    first, second = view(app, db_url).clusters[:2]
    click(app, fr("board.pin"))
    assert view(app, db_url).cluster(first.id).pinned
    click(app, fr("board.choose"))
    app.text_input(key=f"board_name_{first.id}").set_value("Un toit pour tous")
    click(app, fr("board.rename"))
    assert view(app, db_url).cluster(first.id).name == "Un toit pour tous"
    assert any("Un toit pour tous" in body for body in clusters_html(app))
    app.selectbox(key=f"board_merge_into_{first.id}").set_value(second.id)
    click(app, fr("board.merge"))
    merged = view(app, db_url)
    assert merged.cluster(first.id) is None and len(merged.cluster(second.id).notes) == len(first.notes) + len(
        second.notes
    )
    click(app, fr("board.undo"))
    back = view(app, db_url)
    assert back.cluster(first.id).name == "Un toit pour tous" and len(back.cluster(second.id).notes) == len(
        second.notes
    )


def test_merge_into_itself_cannot_be_chosen_and_split_needs_notes(demo_board, db_url):
    app = demo_board
    first = view(app, db_url).clusters[0]
    click(app, fr("board.choose"))
    assert first.id not in app.selectbox(key=f"board_merge_into_{first.id}").options
    click(app, fr("board.split"))
    assert app.error[0].value == fr("error.split_empty")
    app.multiselect(key=f"board_split_notes_{first.id}").set_value([first.notes[0].criterion_id])
    click(app, fr("board.split"))
    assert not app.error
    after = view(app, db_url)
    assert [n.criterion_id for n in after.clusters[-1].notes] == [first.notes[0].criterion_id]


def test_move_by_selection_and_a_stale_screen_is_refused(demo_board, db_url):
    app = demo_board
    laid = view(app, db_url)
    note = laid.clusters[0].notes[0].criterion_id
    target = laid.clusters[1].id
    # Another screen moves the same note first.
    with database.session_scope(db_url) as session:
        board.move_notes(session=session, project_id=app.session_state["project_id"], criterion_ids=[note],
                         target_id=None, seen=laid.versions)  # fmt: skip
    by_label(app.multiselect, fr("board.move_notes")).set_value([note])
    by_label(app.selectbox, fr("board.move_to")).set_value(target)
    click(app, fr("board.move_button"))
    assert app.error[0].value == fr("error.board_changed")
    assert view(app, db_url).cluster_of(note).id != target
    # Now the screen shows the new board: the same move goes through.
    by_label(app.multiselect, fr("board.move_notes")).set_value([note])
    by_label(app.selectbox, fr("board.move_to")).set_value(target)
    click(app, fr("board.move_button"))
    assert not app.error
    assert view(app, db_url).cluster_of(note).id == target


def test_resuggest_keeps_accepted_clusters(demo_board, db_url):
    app = demo_board
    first = view(app, db_url).clusters[0]
    click(app, fr("board.pin"))
    before = view(app, db_url)
    app.slider(key="board_finesse").set_value(2).run()  # moving the finesse only shows what it would give
    assert not app.exception and not app.error
    assert view(app, db_url).versions == before.versions
    apply = next(b for b in app.button if b.key == "board_suggest")
    count = int("".join(ch for ch in apply.label if ch.isdigit()))
    assert apply.label == fr("board.finesse_apply", count=count)
    preview = fr("board.finesse_preview", count=count, pinned=1, alone=0)[:30]
    assert any(c.value.startswith(preview) for c in app.caption)
    apply.click().run()
    after = view(app, db_url)
    assert len(after.clusters) == count
    assert after.cluster(first.id).pinned and after.cluster(first.id).notes == first.notes
    next(b for b in app.button if b.key == "board_suggest").click().run()  # the same again, e.g. new notes came in
    with database.session_scope(db_url) as session:
        kinds = [e.kind for e in board.history(session=session, project_id=app.session_state["project_id"])]
    assert kinds[:3] == ["suggest", "suggest", "pin"]  # newest first; then how the demo laid its board out
    assert set(kinds[3:]) == {"family", "suggest"}


def test_to_indicator_opens_the_editor_with_the_cluster(demo_board, db_url):
    app = demo_board
    first = view(app, db_url).clusters[0]
    click(app, fr("board.choose"))
    click(app, fr("board.to_indicator"))
    assert app.title[0].value == fr("step2.title")
    assert app.session_state["new_clusters"] == [first.id]


def test_in_projector_mode_the_controls_sit_in_one_row_and_undo_stays_one_click_away(app, db_url):
    from ui import shell

    load_demo(app)
    app.session_state[shell.PROJECTOR_KEY] = True
    app.switch_page("pages/board.py").run()
    assert not app.exception
    assert fr("board.intro") not in [c.value for c in app.caption]
    # The settings and the tools open over the board (popovers), not above it; no expander pushes the notes down.
    assert [e.label for e in app.expander if e.label in (fr("board.settings"), fr("board.tools"))] == []
    assert [p.proto.popover.label for p in app.get("popover")] == [fr("board.settings_short"), fr("board.tools_short")]
    assert any(b.label == fr("board.undo_short") for b in app.button)
    # Their widgets are there, once each: the finesse, the search, the cluster picker.
    assert app.slider(key="board_finesse").value == 5
    assert app.text_input(key="board_search").value == ""
    assert app.selectbox(key="board_chosen").value is None


def test_a_cluster_family_or_component_chosen_on_the_board_is_stored(demo_board, db_url):
    app = demo_board
    first = view(app, db_url).clusters[0]
    with database.session_scope(db_url) as session:
        entries = grid.list_grid(session=session, project_id=app.session_state["project_id"])
    component = next(e for e in entries if e.code != e.family)
    family = next(e for e in entries if e.code == e.family and e.code != component.family)
    click(app, fr("board.choose"))
    app.selectbox(key=f"board_family_{first.id}").set_value(component.code)
    click(app, fr("board.set_family"))
    stored = view(app, db_url).cluster(first.id)
    assert (stored.family_code, stored.component_code) == (component.family, component.code)  # its family follows
    app.selectbox(key=f"board_family_{first.id}").set_value(family.code)
    click(app, fr("board.set_family"))
    stored = view(app, db_url).cluster(first.id)
    assert (stored.family_code, stored.component_code) == (family.code, None)
