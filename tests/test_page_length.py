"""Thin pages: no page over 250 lines. What a page shows is read and decided in a service (tested without
Streamlit) and drawn by its ui/ module; a page that grows past this is doing one of their jobs."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(ROOT.glob("pages/*.py"))
LIMIT = 250


def test_the_pages_are_found():
    assert len(PAGES) > 10


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_page_is_over_250_lines(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{path.name}: {lines} lines; move reads and decisions to a service, drawing to ui/"
