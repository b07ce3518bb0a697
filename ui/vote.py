"""The room's vote on the priorities page: open it, its code and QR for the phones, the live count, the result
by profile beside the diagnosis score, and the priorities chosen from it (actions.vote does the deciding)."""

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
import streamlit as st

from actions import vote
from actions.models import PriorityVoteRead
from ui import notes, shell
from ui.shell import t
from workshop import formats, settings

LIVE_SECONDS = 2  # the facilitator's count follows the phones within this time
DEFAULT_CANDIDATES = 8  # the top of the ranking put to the vote unless the facilitator changes it
SEEN_KEY = "vote_seen"  # (what the count was drawn from, the result): redrawn only when it moved
VOTE_VIEW = "vote"  # the presentation's ?vue=


def panel(project_id: int, order: Sequence[int], names: Mapping[int, str]) -> None:
    """The vote's section: the form to open one, or the open vote's code and count, or the closed one's result."""
    st.subheader(t("vote.title"))
    st.caption(t("vote.intro"))
    with shell.read_session() as session:
        current = vote.latest_vote(session=session, project_id=project_id)
    if current is not None and vote.is_open(current):
        _open_vote(project_id, current, names)
    elif current is not None:
        live_count(project_id, names, False)
        choose_form(project_id, current)
        with st.expander(t("vote.new")):
            open_form(project_id, order, names)
    else:
        open_form(project_id, order, names)


def open_form(project_id: int, order: Sequence[int], names: Mapping[int, str]) -> None:
    with st.form("open_vote"):
        chosen = st.multiselect(
            t("vote.candidates"),
            list(order),
            default=list(order[:DEFAULT_CANDIDATES]),
            format_func=lambda i: f"{order.index(i) + 1}. {names.get(i, '?')}",
            placeholder=t("shell.choose"),
            max_selections=vote.MAX_CANDIDATES,
        )
        votes_col, cap_col, minutes_col = st.columns(3)
        votes = votes_col.number_input(t("vote.votes_per_person"), 1, vote.MAX_VOTES, 3, step=1)
        cap = cap_col.number_input(t("vote.cap_per_item"), 1, vote.MAX_VOTES, 2, step=1)
        minutes = minutes_col.number_input(t("vote.minutes"), 1, vote.MAX_MINUTES, 10, step=1)
        revealed = st.toggle(t("vote.revealed"), value=False, help=t("vote.revealed_help"))
        if st.form_submit_button(t("vote.open"), type="primary", icon="🗳️"):
            shell.attempt(vote.open_vote, project_id=project_id, indicator_ids=chosen, votes_per_person=int(votes),
                          cap_per_item=int(cap), minutes=int(minutes), revealed=revealed,
                          flash=lambda v: t("vote.opened", code=v.code), rerun=True)  # fmt: skip


def _open_vote(project_id: int, current: PriorityVoteRead, names: Mapping[int, str]) -> None:
    link = vote.vote_link(current.code, st.context.url)
    qr_col, text_col = st.columns([1, 2])
    qr_col.image(notes.qr_png(link), caption=t("vote.qr"), width="stretch")
    text_col.html(
        "<div data-testid='vote-code' style='font-size:2.6em;font-weight:800;letter-spacing:.12em;color:#000'>"
        f"{shell.escape(current.code)}</div>"
    )
    text_col.caption(t("vote.link", url=link))
    if settings.unreachable_by_phones(link):
        text_col.warning(t("step1.join.local", variable=settings.PUBLIC_URL_VARIABLE), icon="📵")
    text_col.caption(t("vote.rules", votes=current.votes_per_person, cap=current.cap_per_item))
    close_col, reveal_col, present_col = text_col.columns(3)
    if close_col.button(t("vote.close"), icon="🔒", type="primary"):
        shell.attempt(vote.close_vote, project_id=project_id, vote_id=current.id, rerun=True)
    reveal_label = t("vote.hide") if current.revealed else t("vote.reveal")
    if reveal_col.button(reveal_label, icon="🙈" if current.revealed else "👀"):
        shell.attempt(vote.reveal_vote, project_id=project_id, vote_id=current.id, revealed=not current.revealed,
                      rerun=True)  # fmt: skip
    present_col.link_button(t("vote.present"), notes.presentation_address(project_id, view=VOTE_VIEW), icon="📽️")
    live_count(project_id, names if current.revealed else None, True)  # hidden: not on a projected laptop


@st.fragment(run_every=LIVE_SECONDS)
def live_count(project_id: int, names: Mapping[int, str] | None, drawn_open: bool) -> None:
    """The count as the phones leave it: phones, votes, time left; the result by profile (names given)."""
    with shell.read_session() as session:
        changed = vote.vote_change(session=session, project_id=project_id)
        seen = st.session_state.get(SEEN_KEY)
        if changed is not None and (seen is None or seen[0] != changed):
            seen = (changed, vote.results(session=session, project_id=project_id, vote_id=changed[0]))
            st.session_state[SEEN_KEY] = seen
    if changed is None or seen is None:
        return
    if changed[3] != drawn_open:
        st.rerun(scope="app")  # closed by its clock meanwhile: the whole page shows the closed vote's part
    result = seen[1]
    phones, votes, left = st.columns(3)
    phones.metric(t("vote.ballots"), formats.text(result.ballots, shell.lang()))
    votes.metric(t("vote.votes"), formats.text(result.votes, shell.lang()))
    if result.open:
        seconds = vote.seconds_left(result.vote)
        left.metric(t("vote.left"), f"{seconds // 60}:{seconds % 60:02d}")
    else:
        left.metric(t("vote.state"), t("vote.closed"))
    if names is not None:
        st.dataframe(result_table(result, names), hide_index=True, width="stretch")


def result_table(result: vote.VoteResult, names: Mapping[int, str]) -> pd.DataFrame:
    """A row a candidate, by votes: the votes, the phones behind them, the diagnosis' rank and score beside
    them, then each profile's votes."""
    lang = shell.lang()
    columns = {p: t("vote.by_profile", profile=p or t("vote.profile_unsaid")) for p in result.profiles}
    frame = pd.DataFrame(
        {
            t("progress.indicator"): [names.get(r.indicator_id, "?") for r in result.rows],
            t("vote.votes"): [r.votes for r in result.rows],
            t("vote.voters"): [r.voters for r in result.rows],
            t("priority.rank"): [r.rank for r in result.rows],
            t("priority.score"): [r.score for r in result.rows],
            **{label: [r.by_profile.get(p, 0) for r in result.rows] for p, label in columns.items()},
        }
    )
    return formats.readable(frame, lang, decimals={t("priority.score"): 2})


def choose_form(project_id: int, current: PriorityVoteRead) -> None:
    """The priorities with most votes become the axes, each keeping the vote that supported it."""
    st.markdown(f"**{t('vote.choose_title')}**")
    with st.form("choose_from_vote"):
        count_col, by_col, on_col = st.columns([1, 2, 1])
        count = count_col.number_input(t("vote.choose_count"), 1, vote.MAX_CANDIDATES, 3, step=1)
        decided_by = by_col.text_input(t("priority.decided_by"), max_chars=200)
        decided_on = on_col.date_input(t("priority.decided_on"), value=date.today(), format=formats.DATE_INPUT)
        note = st.text_area(t("priority.note"), max_chars=2000)
        if st.form_submit_button(t("vote.choose"), type="primary", icon="✅"):
            shell.attempt(vote.choose_from_vote, project_id=project_id, vote_id=current.id, count=int(count),
                          decided_by=decided_by, decided_on=decided_on, note=note,
                          flash=lambda axes: t("priority.recorded", count=len(axes)), rerun=True)  # fmt: skip
