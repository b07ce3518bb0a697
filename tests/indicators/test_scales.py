"""Drafts of the five situations from a cluster's notes."""

from groups.models import ACTION, ILLBEING, WELLBEING
from indicators.scales import draft_levels, draft_name
from workshop import i18n

NOTES = [
    ("Un loyer trop cher pour moi", ILLBEING),
    ("Logement humide", ILLBEING),
    ("Avoir un logement à soi", WELLBEING),
    ("Un appartement lumineux et calme", WELLBEING),
    ("Je demande une aide au logement", ACTION),
]


def test_ill_being_inspires_low_levels_well_being_high_and_actions_the_way_up():
    levels = draft_levels(NOTES, "fr")
    assert sorted(levels) == [1, 2, 3, 4, 5]
    assert "Logement humide" in levels[1] and "Un loyer trop cher pour moi" in levels[1]
    assert "Je demande une aide au logement" in levels[3]
    assert "Avoir un logement à soi" in levels[5]
    assert not any(text in levels[5] for text, question in NOTES if question == ILLBEING)
    assert levels[1] == "Logement humide. Un loyer trop cher pour moi."  # the notes' own words, as sentences


def test_english_drafts_speak_english_around_the_notes():
    levels = draft_levels(NOTES, "en")
    assert levels[2].endswith(", too often.") and levels[5].endswith(", and it lasts.")
    assert levels[5] != draft_levels(NOTES, "fr")[5]
    assert i18n.translate("scale.say.lasting", "en", note="X") == "X, and it lasts."


def test_missing_questions_fall_back_on_the_other_side():
    only_good = draft_levels([("Des voisins qui se parlent", WELLBEING)], "fr")
    assert sorted(only_good) == [1, 2, 3, 4, 5]
    assert all("Des voisins qui se parlent" in text for text in only_good.values())
    only_bad = draft_levels([("La solitude", ILLBEING)], "fr")
    assert "La solitude" in only_bad[5] and only_bad[5] != only_bad[1]


def test_no_notes_no_drafts_and_hostile_text_kept_as_text():
    assert draft_levels([], "fr") == {}
    assert draft_levels([("   ", WELLBEING)], "fr") == {}
    levels = draft_levels([("<b>x</b> **y**", WELLBEING)], "fr")
    assert "<b>x</b> **y**" in levels[5]


def test_huge_cluster_keeps_levels_short():
    notes = [(f"note {'x' * 270} {i}", q) for i in range(100) for q in (ILLBEING, WELLBEING, ACTION)]
    assert all(len(text) <= 2000 for text in draft_levels(notes, "fr").values())


def test_draft_name():
    assert draft_name(["Logement", " ", "Logement", "Un toit"]) == "Logement et un toit"
