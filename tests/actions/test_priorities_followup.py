"""Priorities ranked from the diagnosis with their reasons; follow-up after an ex-post wave."""

import json
from datetime import date

import pandas as pd
import pytest

from actions import followup, priorities, service
from surveys import service as surveys_service
from tests.actions.conftest import answer
from workshop.errors import SpiraleError


def test_ranking_reads_low_levels_gaps_and_illbeing_notes(session, setting):
    s = setting
    ranked = priorities.ranking(session=session, project_id=s.project_id)
    assert ranked["indicator_id"].tolist() == [s.housing, s.work]
    first = ranked.iloc[0]
    assert (first["mean"], first["share_good"], first["gap"], first["illbeing"]) == (2.0, 0.0, 2.0, 3)
    keys = [key for key, _ in first["reasons"]]
    assert set(keys) == {
        "priority.reason.low",
        "priority.reason.share",
        "priority.reason.gap",
        "priority.reason.illbeing",
    }
    text = priorities.reason_text(first["reasons"], "fr")
    assert "2,0/5" in text and "« Jeunes » (1,0)" in text and "3 post-it de mal-être" in text
    assert [key for key, _ in ranked.iloc[1]["reasons"]] == ["priority.reason.fine"]
    assert priorities.reason_text(ranked.iloc[1]["reasons"], "en") == "rather good situation (4.0/5)"


def test_rank_is_a_pure_function_and_handles_no_answers():
    summary = pd.DataFrame({"indicator_id": [1, 2], "mean": [3.5, 2.5], "share_good": [0.6, 0.3]})
    gaps = pd.DataFrame(columns=["indicator_id", "low_group", "low", "high_group", "high", "gap"])
    ranked = priorities.rank_indicators(summary, gaps, {1: 10}, indicator_ids=[1, 2, 3])
    assert ranked["indicator_id"].tolist()[-1] == 3  # no answer, no note: last
    assert ranked.iloc[-1]["reasons"] == [("priority.reason.no_answer", {})]
    assert set(ranked["rank"]) == {1, 2, 3}
    assert priorities.rank_indicators(summary.iloc[0:0], gaps, {}).empty


def test_choice_of_axes_is_recorded_with_its_reasons(session, setting):
    s = setting
    with pytest.raises(SpiraleError) as info:
        priorities.choose_axes(session=session, project_id=s.project_id, indicator_ids=[])
    assert info.value.key == "error.priority_none"
    chosen = priorities.choose_axes(session=session, project_id=s.project_id, indicator_ids=[s.work, s.housing],
                                    decided_by="Groupe de coordination", decided_on=date(2026, 5, 20))  # fmt: skip
    assert [(a.indicator_id, a.rank) for a in chosen] == [(s.housing, 1), (s.work, 2)]
    assert chosen[0].wave_id == s.wave and chosen[0].decided_by == "Groupe de coordination"
    assert priorities.axis_reasons(chosen[0])[0][0] in {"priority.reason.low", "priority.reason.gap"}
    assert json.loads(chosen[0].reason)
    again = priorities.choose_axes(session=session, project_id=s.project_id, indicator_ids=[s.housing])
    assert [a.indicator_id for a in priorities.list_axes(session=session, project_id=s.project_id)] == [s.housing]
    assert again[0].id == chosen[0].id


def test_followup_after_ex_post_wave(session, setting):
    s = setting
    action = service.create_action(session=session, project_id=s.project_id, title="Réparer",
                                   targets={s.housing: 3, s.work: 5}, pilot_partner_id=s.town)  # fmt: skip
    assert followup.action_progress(session=session, project_id=s.project_id).table.empty
    after = surveys_service.create_wave(session=session, project_id=s.project_id, name="Vague 2", kind="ex-post").id
    answer(session, s.project_id, after, "Jeunes", (s.housing, 3), (s.work, 4), count=3)
    answer(session, s.project_id, after, "Aînés", (s.housing, 4), (s.work, 4), count=3)
    result = followup.action_progress(session=session, project_id=s.project_id)
    assert (result.before_wave_id, result.after_wave_id) == (s.wave, after)
    rows = result.table.set_index("indicator_id")
    assert rows.loc[s.housing, ["mean_before", "mean_after", "diff"]].tolist() == [2.0, 3.5, 1.5]
    assert rows.loc[s.housing, "reached"] is True and rows.loc[s.work, "reached"] is False
    assert set(rows["action_id"]) == {action.id}


def test_commitments_kept_late_missing_pending():
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "due_on": [date(2026, 5, 1), date(2026, 5, 1), date(2026, 5, 1), None, date(2026, 9, 1)],
            "fulfilment": ["kept", "kept", "missing", "pending", "pending"],
            "fulfilled_on": [date(2026, 4, 1), date(2026, 6, 1), None, None, None],
        }
    )
    states = followup.commitment_states(frame, today=date(2026, 7, 1))
    assert states["state"].tolist() == ["kept", "late", "missing", "pending", "pending"]
    later = followup.commitment_states(frame, today=date(2026, 10, 1))
    assert later["state"].tolist()[-1] == "late"
    assert followup.state_counts(later) == {"kept": 1, "late": 2, "missing": 1, "pending": 1}
