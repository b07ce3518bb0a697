"""Drafts of an indicator's five situations, written from the notes of its clusters.

The method: ill-being notes inspire the low levels, well-being notes the high ones, and
action notes the way up; the four steps between levels follow the sense categories
possibility (1 -> 2), attainment (2 -> 3), quality (3 -> 4) and sustainability (4 -> 5).

A draft reads as a citizen could have said it: the notes' own words as sentences, with at most a
few spoken words around them ("Logement humide, trop souvent." "Avoir un logement à soi, et ça
dure."), never a form letter around quotations. Every draft is only a starting point: it is marked
"to rewrite" until a person of the mixed group edits or accepts it (see service).
"""

import re
from collections.abc import Sequence

from groups.models import ACTION, ILLBEING, WELLBEING
from indicators.models import LEVELS
from workshop import i18n
from workshop.text import LONG_TEXT_MAX

NOTES_PER_LEVEL = 2
NAME_MAX = 120  # what the indicator's name field takes
_END = re.compile(r"[\s.!;:,…]+$")


def sentence(text: str) -> str:
    """A note as the start of a sentence: spaces collapsed, final punctuation off, first letter capital."""
    text = _END.sub("", " ".join(text.split()))
    return text[:1].upper() + text[1:]


def _full(texts: Sequence[str]) -> str:
    """Notes one after the other, each its own sentence."""
    return " ".join(f"{sentence(t)}." for t in texts)


def _halves(texts: list[str]) -> tuple[list[str], list[str]]:
    """The first notes for the extreme level, the next one for the level beside it (the same when few)."""
    first = texts[:NOTES_PER_LEVEL]
    second = texts[NOTES_PER_LEVEL : NOTES_PER_LEVEL + 1] or first[-1:]
    return first, second


def draft_levels(notes: Sequence[tuple[str, str]], lang: str = "fr") -> dict[int, str]:
    """Five draft situations from (text, question) notes; {} when there is no note at all.

    Shorter notes come first: they tend to say the general idea, longer ones a detail.
    """
    by_question: dict[str, list[str]] = {ILLBEING: [], WELLBEING: [], ACTION: []}
    for text, question in notes:
        said = sentence(text)
        if question in by_question and said and said not in by_question[question]:
            by_question[question].append(said)
    if not any(by_question.values()):
        return {}
    ill, well, act = (sorted(by_question[q], key=len) for q in (ILLBEING, WELLBEING, ACTION))
    if not ill and not well:
        well, act = act, []  # only what people do: that it is done is the good side of the scale
    ill_1, ill_2 = _halves(ill)
    well_5, well_4 = _halves(well)

    def say(key: str, text: str) -> str:
        return i18n.translate(f"scale.say.{key}", lang, note=sentence(text))

    middle = say("sometimes", well_4[0]) if well else say("now_and_then", ill_2[0])
    drafts = {
        1: _full(ill_1) if ill else say("never", well_5[0]),
        2: say("too_often", ill_2[0]) if ill else say("rarely", well_4[0]),
        3: " ".join([middle, *([f"{act[0]}."] if act else [])]),
        4: say("mostly", well_4[0]) if well else say("rarely", ill_2[0]),
        5: " ".join([*(f"{t}." for t in well_5[:-1]), say("lasting", well_5[-1])]) if well
        else say("never_again", ill_1[0]),
    }  # fmt: skip
    return {level: drafts[level][:LONG_TEXT_MAX] for level in LEVELS}


def draft_name(cluster_names: Sequence[str]) -> str:
    """An indicator's draft name from its clusters' names, largest cluster first: "Avoir un travail et se loger".

    One name is kept as it is; a second joins it with "et"/"and"; more would make a list, not a name.
    """
    names = list(dict.fromkeys(n.strip() for n in cluster_names if n.strip()))
    if len(names) < 2:
        return (names[0] if names else "")[:NAME_MAX]
    first, second = names[0], names[1]
    if len(second) > 1 and not second[1:2].isupper():  # "CAF", "MDPH": an acronym keeps its capitals
        second = second[:1].lower() + second[1:]
    joined = f"{first} {i18n.translate('scale.name_and', 'fr')} {second}"
    return (joined if len(joined) <= NAME_MAX else first)[:NAME_MAX]
