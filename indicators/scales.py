"""Drafts of an indicator's five situations, written from the notes of its clusters.

The method: ill-being notes inspire the low levels, well-being notes the high ones, and
action notes the way up; the four steps between levels follow the sense categories
possibility (1 -> 2), attainment (2 -> 3), quality (3 -> 4) and sustainability (4 -> 5).
Drafts are a starting point that the mixed group rewrites in its own words.
"""

from collections.abc import Sequence

from groups.models import ACTION, ILLBEING, WELLBEING
from indicators.models import LEVELS
from workshop import i18n
from workshop.text import LONG_TEXT_MAX

NOTES_PER_LEVEL = 2
QUOTES = {"fr": ("« ", " »"), "en": ("“", "”")}


def _quoted(texts: Sequence[str], lang: str) -> str:
    left, right = QUOTES.get(lang, QUOTES["en"])
    return " ; ".join(f"{left}{' '.join(text.split())}{right}" for text in texts)


def _halves(texts: list[str]) -> tuple[list[str], list[str]]:
    """The first notes for the extreme level, the next ones for the level beside it (the same when few)."""
    first = texts[:NOTES_PER_LEVEL]
    second = texts[NOTES_PER_LEVEL : 2 * NOTES_PER_LEVEL] or first
    return first, second


def draft_levels(notes: Sequence[tuple[str, str]], lang: str = "fr") -> dict[int, str]:
    """Five draft situations from (text, question) notes; {} when there is no note at all.

    Shorter notes come first: they tend to say the general idea, longer ones a detail.
    """
    by_question: dict[str, list[str]] = {ILLBEING: [], WELLBEING: [], ACTION: []}
    for text, question in notes:
        if question in by_question and text.strip() and text.strip() not in by_question[question]:
            by_question[question].append(text.strip())
    if not any(by_question.values()):
        return {}
    ill, well, act = (sorted(by_question[q], key=len) for q in (ILLBEING, WELLBEING, ACTION))
    ill_1, ill_2 = _halves(ill)
    well_5, well_4 = _halves(well)

    def say(key: str, texts: Sequence[str]) -> str:
        return i18n.translate(key, lang, notes=_quoted(texts, lang))

    drafts = {
        1: say("scale.draft.1", ill_1) if ill else say("scale.draft.1_from_well", well_5),
        2: say("scale.draft.2", ill_2) if ill else say("scale.draft.2_from_well", well_4),
        3: say("scale.draft.3", act[:NOTES_PER_LEVEL]) if act else say("scale.draft.3_between", (ill_2 + well_4)[:2]),
        4: say("scale.draft.4", well_4) if well else say("scale.draft.4_from_ill", ill_2),
        5: say("scale.draft.5", well_5) if well else say("scale.draft.5_from_ill", ill_1),
    }
    return {level: drafts[level][:LONG_TEXT_MAX] for level in LEVELS}


def draft_name(cluster_names: Sequence[str]) -> str:
    """An indicator's draft name: its clusters' names (the group rewrites it)."""
    names = [n.strip() for n in cluster_names if n.strip()]
    return " / ".join(dict.fromkeys(names))[:200]
