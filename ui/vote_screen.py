"""The room's vote on the second screen (/presentation?vue=vote): the code and QR code, how many have voted, the
time left, and the count as bars, or the candidates alone while the count is hidden until it is revealed.

`vote_html` is pure (data in, HTML out) so tests read it; `vote_screen` is the presentation's one-second check.
"""

import time
from collections.abc import Mapping

import streamlit as st

from actions import vote
from indicators import service as indicators_service
from ui import presentation, shell
from ui.shell import t

REFRESH_SECONDS = 1  # a phone's vote is on the room's screen within this time
DRAWN_KEY = "presentation_vote_drawn"  # (what it was drawn from, its HTML)

CSS = """
.spz-vote { flex: 1; min-height: 0; display: flex; flex-direction: column; gap: 1vh; overflow: hidden; }
.spz-row { flex: 1; min-height: 0; max-height: 9vh; display: grid; grid-template-columns: 38% 1fr 6vw;
  align-items: center; gap: 1vw; }
.spz-row .spz-name { overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
  line-height: 1.15; font-weight: 700; }
.spz-bar { height: 70%; background: #1d3557; border-radius: .6vh; min-width: .4vh; }
.spz-track { height: 100%; display: flex; align-items: center; border-bottom: .2vh solid #ccc; }
.spz-votes { font-weight: 800; text-align: right; }
.spz-list { margin: 0; padding: 0 1vw; columns: 2; column-gap: 4vw; list-style-position: inside; }
.spz-list li { break-inside: avoid; margin: 0 0 1vh; font-weight: 700; line-height: 1.2; }
"""


def _corner(code: str | None, link: str | None) -> str:
    if not code or not link:
        return ""
    return (
        f"<div class='spz-join'><div class='spz-join-text'>{shell.escape(t('vote.screen.join'))}<br>"
        f"<span class='spz-code' data-testid='presented-code'>{shell.escape(code)}</span></div>"
        f"<img src='{presentation.qr_data_uri(link)}' alt='{shell.escape(t('vote.qr'))}'></div>"
    )


def _bars(result: vote.VoteResult, names: Mapping[int, str], font_vh: float) -> str:
    most = max((r.votes for r in result.rows), default=0) or 1
    rows = "".join(
        f"<div class='spz-row' data-testid='presented-vote' data-indicator='{r.indicator_id}' "
        f"style='font-size:{font_vh}vh'><div class='spz-name'>{shell.escape(names.get(r.indicator_id, '?'))}</div>"
        f"<div class='spz-track'><div class='spz-bar' style='width:{100 * r.votes / most:.1f}%'></div></div>"
        f"<div class='spz-votes'>{r.votes}</div></div>"
        for r in result.rows
    )
    return f"<div class='spz-vote'>{rows}</div>"


def _hidden(result: vote.VoteResult, names: Mapping[int, str], font_vh: float) -> str:
    """The candidates in the diagnosis' order, and how many have voted; not a vote's count."""
    listed = "".join(
        f"<li>{shell.escape(names.get(r.indicator_id, '?'))}</li>" for r in sorted(result.rows, key=lambda r: r.rank)
    )
    return (
        f"<div class='spz-vote'><div class='spz-veiled' data-testid='veiled' style='flex:none;padding:2vh 0'>"
        f"<div class='spz-veiled-count'>{result.ballots}</div>"
        f"<div class='spz-veiled-text'>{shell.escape(t('vote.screen.hidden'))}</div></div>"
        f"<ol class='spz-list' style='font-size:{font_vh}vh'>{listed}</ol></div>"
    )


def vote_html(
    result: vote.VoteResult, names: Mapping[int, str], *, code: str | None, link: str | None, timer: str
) -> str:
    """The vote for the room: header (title, phones that voted, time left, code and QR), then bars or the list."""
    font_vh = max(1.6, min(3.6, 60 / max(len(result.rows), 1)))
    body = _bars(result, names, font_vh) if result.vote.revealed else _hidden(result, names, font_vh)
    subtitle = (
        t("vote.screen.ballots", count=result.ballots)
        + " · "
        + t("vote.rules", votes=result.vote.votes_per_person, cap=result.vote.cap_per_item)
    )
    head = (
        f"<header class='spz-head'><div><div class='spz-title'>{shell.escape(t('vote.screen.title'))}</div>"
        f"<div class='spz-sub'>{shell.escape(subtitle)}</div></div>"
        f"<div class='spz-timer'>{shell.escape(timer)}</div>{_corner(code, link)}</header>"
    )
    return f"<style>{presentation.CSS}{CSS}</style><div class='spz' data-testid='presentation'>{head}{body}</div>"


def _timer(result: vote.VoteResult) -> str:
    if not result.open:
        return t("vote.screen.closed")
    left = vote.seconds_left(result.vote)
    return t("vote.screen.closes", time=f"{left // 60}:{left % 60:02d}")


@st.fragment(run_every=REFRESH_SECONDS)
def vote_screen(project_id: int) -> None:
    """Redrawn when a ballot, the reveal or the closing moved (and each second of the countdown)."""
    with shell.read_session() as session:
        changed = vote.vote_change(session=session, project_id=project_id)
    if changed is None:
        st.html(presentation.message_html(t("vote.none")))
        return
    key = (project_id, shell.lang(), changed, int(time.time()) if changed[3] else 0)
    drawn = st.session_state.get(DRAWN_KEY)
    if drawn is None or drawn[0] != key:
        with shell.read_session() as session:
            result = vote.results(session=session, project_id=project_id, vote_id=changed[0])
            indicators = indicators_service.list_indicators(session=session, project_id=project_id,
                                                            include_retired=True)  # fmt: skip
        names = {i.id: indicators_service.indicator_name(i, shell.lang()) for i in indicators}
        code = result.vote.code if result.open else None
        link = vote.vote_link(code, st.context.url) if code else None
        drawn = st.session_state[DRAWN_KEY] = (
            key,
            vote_html(result, names, code=code, link=link, timer=_timer(result)),
        )
    st.html(drawn[1])
