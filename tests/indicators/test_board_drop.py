"""Reading one drag on the board (issue 13, point 3): a note moved, a cluster dropped onto another, or nothing."""

import pytest

from indicators.board import ALONE, CLUSTER, NEW, NOTE, Drop, read_drop
from workshop.errors import SpiraleError

DRAWN = [
    (10, [(CLUSTER, 10), (NOTE, 1), (NOTE, 2)]),
    (20, [(CLUSTER, 20), (NOTE, 3)]),
    (ALONE, [(NOTE, 4)]),
    (NEW, []),
]


def items(*containers):
    return [list(c) for c in containers]


def test_a_note_dragged_to_another_cluster_is_a_move():
    dropped = items([(CLUSTER, 10), (NOTE, 2)], [(CLUSTER, 20), (NOTE, 1), (NOTE, 3)], [(NOTE, 4)], [])
    assert read_drop(DRAWN, dropped) == Drop("move", 1, 20)


def test_a_note_alone_or_from_a_cluster_dropped_on_the_new_place_starts_a_cluster():
    dropped = items([(CLUSTER, 10), (NOTE, 1), (NOTE, 2)], [(CLUSTER, 20), (NOTE, 3)], [], [(NOTE, 4)])
    assert read_drop(DRAWN, dropped) == Drop("move", 4, NEW)


def test_a_clusters_handle_dropped_into_another_cluster_merges_them():
    dropped = items([(CLUSTER, 10), (NOTE, 1), (NOTE, 2), (CLUSTER, 20)], [(NOTE, 3)], [(NOTE, 4)], [])
    assert read_drop(DRAWN, dropped) == Drop("merge", 20, 10)


def test_an_order_inside_a_cluster_means_nothing():
    dropped = items([(NOTE, 2), (CLUSTER, 10), (NOTE, 1)], [(CLUSTER, 20), (NOTE, 3)], [(NOTE, 4)], [])
    assert read_drop(DRAWN, dropped) is None


@pytest.mark.parametrize(
    "dropped",
    [
        items([(CLUSTER, 10), (NOTE, 2)], [(CLUSTER, 20), (NOTE, 3)], [(NOTE, 4), (NOTE, 1)], []),  # among the alone
        items([(NOTE, 1), (NOTE, 2)], [(CLUSTER, 20), (NOTE, 3)], [(NOTE, 4)], [(CLUSTER, 10)]),  # a handle, no target
    ],
)
def test_a_drop_that_leads_nowhere_is_refused(dropped):
    with pytest.raises(SpiraleError) as error:
        read_drop(DRAWN, dropped)
    assert error.value.key == "error.board_drop_nowhere"


def test_a_drag_on_a_board_drawn_differently_is_refused_as_changed():
    with pytest.raises(SpiraleError) as error:
        read_drop(DRAWN, items([(CLUSTER, 10)], [(CLUSTER, 20)], [], []))
    assert error.value.key == "error.board_changed"
    with pytest.raises(SpiraleError) as error:
        read_drop(DRAWN, items([], []))
    assert error.value.key == "error.board_changed"
