"""Hostile text for every field a person types: every unicode category, controls, NUL, astral planes,
bidirectional marks, markup, SQL, whitespace only, and far too long."""

import unicodedata

from hypothesis import strategies as st

SAMPLES = (
    "",
    "   ",
    "\t\n \r\n",
    "\x00",
    "a\x00b",
    "\u202eexe.txt",
    "\u200f\u200e\u061c",
    "\ufeffBOM",
    "𝔘𝔱𝔬𝔭𝔦𝔞 😀🏳️‍🌈",
    "<script>alert('x')</script>",
    "<b>gras</b> &amp; <img src=x onerror=alert(1)>",
    "**gras** _it_ [lien](javascript:alert(1)) # titre",
    "'; DROP TABLE criterion; --",
    "Robert'); DELETE FROM project WHERE ('1'='1",
    "{name} {0} %s %(x)s {{}}",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\\N NULL None null",
    "ﷺ" * 50,
    "e\u0301" * 10,
)
# Whitespace, controls and marks that a cleaning step may or may not strip.
_TRICKY = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u00a0", "\u3000", "\u202e", "\u200b", " ", "\t", "\n",
           "\r", "<", ">", "&", "'", '"', "{", "}", "𝔘", "😀", "é", "a"]  # fmt: skip

hostile_text = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=150),
    st.sampled_from(SAMPLES),
    st.text(st.sampled_from(_TRICKY), max_size=40),
    st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.sampled_from([119, 121, 281, 2001, 100_000])),
)

# Told independently of workshop/text.py's regex: the ASCII control characters (Unicode category Cc below
# 0x80: C0 and DEL) break exports and PostgreSQL (NUL); tab, line feed and carriage return are a note's own.
# The C1 controls (0x80-0x9f, e.g. NEL) are kept as written, like any other character.
CONTROLS = frozenset(c for c in map(chr, range(0x80)) if unicodedata.category(c) == "Cc") - {"\t", "\n", "\r"}


def cleaned(value: str) -> str:
    """What a stored text must read back as: the input without control characters and surrounding whitespace."""
    return "".join(c for c in value if c not in CONTROLS).strip()


_TYPED = st.characters(codec="utf-8", exclude_characters="".join(CONTROLS), exclude_categories=("Cs",))


def valid_text(limit: int, *, required: bool = True) -> st.SearchStrategy[str]:
    """Text of the same shape that a field must take and give back as written: any character but the ASCII
    controls (markup, SQL, formulas, emoji, bidi marks, accents...), inner line breaks and tabs, spaces around
    it, and up to `limit` characters once its edges are stripped (exactly `limit` too)."""
    core = st.one_of(
        st.text(_TYPED, min_size=1, max_size=min(limit, 80)),
        st.sampled_from([s for s in SAMPLES if cleaned(s) and len(cleaned(s)) <= limit]),
        st.builds(lambda c: c * limit, st.sampled_from(["é", "a", "😀", "<", "𝔘"])),
    ).filter(lambda text: 0 < len(cleaned(text)) <= limit)
    padded = st.builds(lambda before, text, after: before + text + after, st.sampled_from(["", " ", "\n", "\t "]),
                       core, st.sampled_from(["", " ", "\r\n"]))  # fmt: skip
    return padded if required else st.one_of(st.just(""), st.just("   "), padded)
