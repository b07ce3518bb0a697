"""Text preparation for criteria (post-its) written in French or English.

Two views of a note are produced:
- `topic_text`: the note as written, minus emoji and the negation/lack cues that do
  not change its topic ("pas de travail" -> "travail"), for the sentence embedding,
  which wants natural language;
- `key_tokens`: accent- and case-folded content words, stop words and cues removed,
  lightly stemmed, for TF-IDF and cluster names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

STOPWORDS_DIR = Path(__file__).resolve().parents[1] / "data" / "stopwords"
LANGUAGES = ("fr", "en")

# Cues of lack, negation or excess: an ill-being note ("le manque de logement") is about
# the same topic as the well-being note ("un logement décent"), so the cue is dropped.
NEGATION_CUES: frozenset[str] = frozenset(
    {
        "pas", "ne", "n", "plus", "jamais", "aucun", "aucune", "sans", "manque", "manquer", "manquent",
        "absence", "trop", "peu", "moins", "rien", "impossible", "difficile", "difficiles", "dur", "mal",
        "mauvais", "mauvaise", "insuffisant", "insuffisante", "no", "not", "never", "without", "lack",
        "lacking", "lacks", "none", "nothing", "nobody", "cannot", "cant", "can't", "dont", "don't",
        "doesn't", "isn't", "aren't", "won't", "too", "less", "more", "hard", "poor", "bad",
    }
)
# Multi-word cue phrases removed from the natural text given to the embedding.
_CUE_PHRASES = re.compile(
    r"\b(?:le |la |l'|l’)?(?:manque|absence|pénurie|penurie|défaut) d(?:e |'|’|es |u )"
    r"|\b(?:pas|plus|point|jamais) (?:de |d'|d’|d )"
    r"|\b(?:il )?(?:n'|n’|ne )?(?:y )?(?:a|ai|as|avons|avez|ont) (?:pas|plus|jamais) (?:de |d'|d’)?"
    r"|\bsans "
    r"|\b(?:the )?(?:lack|absence|shortage) of "
    r"|\b(?:no|not enough|too few|too little|without) ",
    re.IGNORECASE,
)
_ELISION = re.compile(r"\b(?:qu|[cdjlmnst])['’]", re.IGNORECASE)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")
# Emoji and pictographs: symbols (So), plus joiners and variation selectors.
_EMOJI_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co", "Cn"})
_LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "’": "'", "‘": "'"}


@lru_cache(maxsize=4)
def stop_words(lang: str) -> frozenset[str]:
    """Folded stop words of one language, read from data/stopwords/<lang>.txt."""
    path = STOPWORDS_DIR / f"{lang}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(w) for w in lines if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def all_stop_words() -> frozenset[str]:
    """Stop words of every language plus the lack/negation cues (both topic-free)."""
    words: set[str] = set()
    for lang in LANGUAGES:
        words |= stop_words(lang)
    return frozenset(words | {fold(cue) for cue in NEGATION_CUES})


def strip_emoji(text: str) -> str:
    """Replace emoji and pictographs with spaces; keep letters, digits, punctuation."""
    chars = [
        " " if unicodedata.category(c) in _EMOJI_CATEGORIES or c in "\u200d\ufe0f" else c for c in text
    ]
    return "".join(chars)


@lru_cache(maxsize=200_000)  # the same words and notes come back on every page rerun
def fold(text: str) -> str:
    """Lowercase, expand ligatures and strip accents: 'Œuvre Été' -> 'oeuvre ete'."""
    for src, dst in _LIGATURES.items():
        text = text.replace(src, dst)
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean(text: str) -> str:
    """Emoji removed, whitespace collapsed: the note as a person would read it."""
    return _SPACES.sub(" ", strip_emoji(text or "")).strip()


def topic_text(text: str) -> str:
    """Natural text without lack/negation cues, for the sentence embedding."""
    stripped = _CUE_PHRASES.sub(" ", clean(text))
    stripped = _SPACES.sub(" ", stripped).strip(" .,;:!?-")
    return stripped or clean(text)


def stem(token: str) -> str:
    """Very light French/English stemming: plurals and a few frequent endings."""
    if len(token) <= 3 or token.isdigit():
        return token
    for suffix, repl in (("aux", "al"), ("ies", "y")):
        if token.endswith(suffix) and len(token) > len(suffix) + 2:
            return token[: -len(suffix)] + repl
    if token.endswith(("s", "x")) and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def words(text: str) -> list[str]:
    """Folded word tokens, elisions removed ("l'hôpital" -> "hopital")."""
    text = _ELISION.sub(" ", clean(text).replace("’", "'"))
    return [w for w in _NON_WORD.split(fold(text)) if w]


def key_tokens(text: str) -> list[str]:
    """Content words: folded, stop words and cues removed, lightly stemmed."""
    stops = all_stop_words()
    return [stem(w) for w in words(text) if w not in stops and len(w) > 1]


@lru_cache(maxsize=200_000)
def key_text(text: str) -> str:
    """`key_tokens` joined by spaces: the input of the TF-IDF vectorizers."""
    return " ".join(key_tokens(text))


def detect_language(text: str) -> str:
    """'fr' or 'en' from stop-word counts; French wins ties when accents are present."""
    tokens = words(text)
    fr_hits = sum(w in stop_words("fr") for w in tokens)
    en_hits = sum(w in stop_words("en") for w in tokens)
    if fr_hits == en_hits:
        has_accent = any(unicodedata.combining(c) for c in unicodedata.normalize("NFKD", text))
        return "fr" if has_accent or _ELISION.search(text) else "en"
    return "fr" if fr_hits > en_hits else "en"
