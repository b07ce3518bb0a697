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
    assert levels[1].startswith(i18n.translate("scale.draft.1", "fr", notes="")[:10])
    assert "« Logement humide »" in levels[1]


def test_english_drafts_and_quotes():
    levels = draft_levels(NOTES, "en")
    assert "“Logement humide”" in levels[1] and levels[5].startswith("Ideal")


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
    assert draft_name(["logement", " ", "logement", "toit"]) == "logement / toit"
