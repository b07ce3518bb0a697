"""Follow-up: after an ex-post wave, each action's indicators against their targets; commitments kept or not.

Pure functions take frames and return frames; `action_progress` and `commitment_followup` fetch them.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from actions import service
from actions.models import KEPT, MISSING
from actions.priorities import diagnosis_wave
from surveys import analysis
from surveys import service as surveys_service
from surveys.models import EX_POST

PROGRESS_COLUMNS = [
    "action_id",
    "indicator_id",
    "target_level",
    "mean_before",
    "mean_after",
    "diff",
    "ci_low",
    "ci_high",
    "significant",
    "reached",
]
KEPT_STATE, LATE, MISSING_STATE, PENDING_STATE = "kept", "late", "missing", "pending"
STATES = (KEPT_STATE, LATE, MISSING_STATE, PENDING_STATE)


def progress(targets: pd.DataFrame, comparison: pd.DataFrame) -> pd.DataFrame:
    """Pure: each action's target indicators with the change between waves and whether the target is reached.

    `reached` is None when the later wave has no answer on the indicator.
    """
    if targets.empty:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    columns = ["indicator_id", "mean_before", "mean_after", "diff", "ci_low", "ci_high", "significant"]
    merged = targets.merge(comparison[columns], on="indicator_id", how="left")
    reached = [
        None if pd.isna(after) else bool(after >= target)
        for after, target in zip(merged["mean_after"], merged["target_level"], strict=True)
    ]
    merged["reached"] = pd.Series(reached, index=merged.index, dtype=object)
    return merged[PROGRESS_COLUMNS].sort_values(["action_id", "indicator_id"]).reset_index(drop=True)


def commitment_states(commitments: pd.DataFrame, today: date) -> pd.DataFrame:
    """Pure: adds `state` to commitments (details frame): kept, late (kept after its due date, or still
    pending past it), missing (recorded as not kept) or pending (not due yet)."""

    def state(row: pd.Series) -> str:
        due = row["due_on"] if pd.notna(row["due_on"]) else None
        if row["fulfilment"] == MISSING:
            return MISSING_STATE
        if row["fulfilment"] == KEPT:
            done = row["fulfilled_on"] if pd.notna(row["fulfilled_on"]) else None
            return LATE if due and done and done > due else KEPT_STATE
        return LATE if due and due < today else PENDING_STATE

    result = commitments.copy()
    result["state"] = [state(row) for _, row in result.iterrows()] if len(result) else pd.Series(dtype=str)
    return result


def state_counts(states: pd.DataFrame) -> dict[str, int]:
    counts = states["state"].value_counts() if len(states) else pd.Series(dtype=int)
    return {state: int(counts.get(state, 0)) for state in STATES}


@dataclass
class Progress:
    before_wave_id: int | None
    after_wave_id: int | None
    table: pd.DataFrame  # PROGRESS_COLUMNS; empty without an ex-post wave


def ex_post_wave(*, session: Session, project_id: int) -> int | None:
    """The latest ex-post wave, if there is one."""
    waves = [w for w in surveys_service.list_waves(session=session, project_id=project_id) if w.kind == EX_POST]
    return waves[-1].id if waves else None


def action_progress(*, session: Session, project_id: int) -> Progress:
    """The change on each action's target indicators from the ex-ante wave to the latest ex-post wave."""
    before = diagnosis_wave(session=session, project_id=project_id)
    after = ex_post_wave(session=session, project_id=project_id)
    if before is None or after is None or before == after:
        return Progress(before, after, pd.DataFrame(columns=PROGRESS_COLUMNS))
    answers = lambda wave: surveys_service.answers_frame(session=session, project_id=project_id, wave_id=wave)  # noqa: E731
    comparison = analysis.compare_waves(answers(before), answers(after))
    targets = service.action_targets(session=session, project_id=project_id)
    return Progress(before, after, progress(targets, comparison))


def commitment_followup(*, session: Session, project_id: int, today: date | None = None) -> pd.DataFrame:
    frame = service.commitments_frame(session=session, project_id=project_id, details=True)
    return commitment_states(frame, today or date.today())
