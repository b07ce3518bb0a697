"""The simulated facilitator: its moves are counted as a person on the board would make them."""

from indicators.engine import ClusterSettings
from indicators.simulate import facilitator_moves

TEXTS = ["Le bruit des voitures", "Trop de bruit la nuit", "Traffic noise", "Ma foi en Dieu",
         "Je prie tous les soirs", "Un logement trop cher", "Le loyer est trop élevé"]
CONCEPTS = ["noise", "noise", "noise", "faith", "faith", "housing", "housing"]


def test_every_note_alone_costs_one_move_per_note_beyond_the_first_of_its_idea() -> None:
    alone = ClusterSettings(threshold=0.0)  # the engine leaves every note on its own
    for learning in (False, True):
        result = facilitator_moves(TEXTS, CONCEPTS, learning=learning, settings=alone)
        assert result["moves_per_100"] == round(100 * (len(TEXTS) - 3) / len(TEXTS), 2)


def test_a_new_suggestion_after_each_batch_of_moves_spares_moves() -> None:
    together = ClusterSettings(threshold=1.99, max_size=None)  # everything in one cluster
    result = facilitator_moves(TEXTS, CONCEPTS, learning=False, settings=together, batch=2)
    # Noise pinned; the two faith notes moved out (2 moves); the engine re-suggests the two housing
    # notes left, as one cluster that is pinned as it is: 2 moves, not the 4 of a static count.
    assert result["moves_per_100"] == round(100 * 2 / len(TEXTS), 2)
    assert result["rounds"] == 2


def test_the_engine_in_the_loop_places_the_notes_of_clear_ideas() -> None:
    result = facilitator_moves(TEXTS, CONCEPTS, learning=True)
    assert result["moves_per_100"] < 100 * (len(TEXTS) - 3) / len(TEXTS)  # better than no engine at all
