"""The action plan as step 4's page shows it: everything read in one transaction, and the few decisions the
page would otherwise take itself (what a target edit changes, the order indicators are offered in, each
indicator's change after an ex-post wave, the funding totals). No Streamlit here: tests/actions/test_plan_view.py.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from actions import followup, partners, priorities, service
from actions.models import PENDING, ActionRead, PartnerRead
from indicators import service as indicators_service


@dataclass(frozen=True)
class Change:
    """One target indicator of an action after an ex-post wave: its means before and after, target reached."""

    before: float | None
    after: float | None  # None: the ex-post wave has no answer on it
    reached: bool | None


@dataclass(frozen=True)
class Plan:
    actions: list[ActionRead]
    partners: list[PartnerRead]  # archived ones too: old commitments still name them
    indicator_names: dict[int, str]  # in the plan's language, in the indicators' order
    commission_names: dict[int, str]
    axes: list[int]  # the coordination group's priority indicators
    targets: pd.DataFrame  # service.action_targets
    commitments: pd.DataFrame  # followup.commitment_followup
    milestones: pd.DataFrame
    actions_table: pd.DataFrame
    funding: pd.DataFrame
    progress: followup.Progress

    @property
    def partner_names(self) -> dict[int, str]:
        return {p.id: p.name for p in self.partners}

    @property
    def active_partners(self) -> dict[int, str]:
        """Partners who may still pilot or commit (archived ones are kept for the record only)."""
        return {p.id: p.name for p in self.partners if p.archived_at is None}

    @property
    def action_titles(self) -> dict[int, str]:
        return {a.id: a.title for a in self.actions}

    def versions(self) -> dict[str, int]:
        """The version of every action, milestone and commitment shown: a form saves against these."""
        shown = {f"action:{a.id}": a.version for a in self.actions}
        for kind, frame in (("milestone", self.milestones), ("commitment", self.commitments)):
            shown |= {f"{kind}:{i}": int(v) for i, v in zip(frame["id"], frame["version"], strict=True)}
        return shown

    def targets_of(self, action_id: int) -> dict[int, int]:
        """{indicator id: target level} of one action, for indicators still in the plan."""
        aimed = self.targets[self.targets["action_id"] == action_id]
        return {
            int(i): int(level)
            for i, level in zip(aimed["indicator_id"], aimed["target_level"], strict=True)
            if i in self.indicator_names
        }

    def aimable(self) -> list[int]:
        """The indicators an action may aim at, the priority axes first."""
        return aimable(self.indicator_names, self.axes)

    def pending_commitments(self) -> set[int]:
        """Commitments neither kept nor missed yet: the only ones that may still be removed."""
        return set(self.commitments.loc[self.commitments["fulfilment"] == PENDING, "id"])

    def change(self, action_id: int, indicator_id: int) -> Change | None:
        return change(self.progress.table, action_id, indicator_id)


def load_plan(*, session: Session, project_id: int, lang: str) -> Plan:
    indicators = indicators_service.list_indicators(session=session, project_id=project_id)
    return Plan(
        actions=service.list_actions(session=session, project_id=project_id),
        partners=service.list_partners(session=session, project_id=project_id, include_archived=True),
        indicator_names={i.id: indicators_service.indicator_name(i, lang) for i in indicators},
        commission_names={c.id: c.name for c in partners.list_commissions(session=session, project_id=project_id)},
        axes=[a.indicator_id for a in priorities.list_axes(session=session, project_id=project_id)],
        targets=service.action_targets(session=session, project_id=project_id),
        commitments=followup.commitment_followup(session=session, project_id=project_id),
        milestones=service.milestones_frame(session=session, project_id=project_id),
        actions_table=service.actions_frame(session=session, project_id=project_id),
        funding=service.funding_frame(session=session, project_id=project_id),
        progress=followup.action_progress(session=session, project_id=project_id),
    )


def aimable(indicators: Iterable[int], axes: Iterable[int]) -> list[int]:
    """Pure: the indicators, the priority axes first (in the axes' order), then the others in theirs."""
    known = list(indicators)
    first = [i for i in axes if i in known]
    return [*first, *[i for i in known if i not in first]]


def edited_targets(
    current: Mapping[int, int], chosen: Iterable[int], levels: Mapping[int, int], new_level: int
) -> dict[int, int] | None:
    """Pure: the targets after an edit, or None when it changes nothing (so the action's targets are left alone).

    A target kept keeps the level typed for it; an indicator added gets `new_level`; one left out is dropped.
    """
    targets = {int(i): int(levels.get(i, new_level)) for i in chosen}
    return None if targets == dict(current) else targets


def change(progress: pd.DataFrame, action_id: int, indicator_id: int) -> Change | None:
    """Pure: one action's indicator in followup's progress table, or None before any ex-post wave."""
    if progress.empty:
        return None
    row = progress[(progress["action_id"] == action_id) & (progress["indicator_id"] == indicator_id)]
    if row.empty:
        return None
    first = row.iloc[0]
    after = None if pd.isna(first["mean_after"]) else float(first["mean_after"])
    return Change(
        before=None if pd.isna(first["mean_before"]) else float(first["mean_before"]),
        after=after,
        reached=None if after is None else bool(first["reached"]),
    )


def funding_totals(funding: pd.DataFrame) -> pd.DataFrame:
    """Pure: service.funding_table summed per partner and unit (euros are not added to hours), largest first."""
    if funding.empty:
        return pd.DataFrame(columns=["partner", "unit", "amount"])
    totals = funding.groupby(["partner", "unit"], as_index=False)["amount"].sum()
    return totals.sort_values("amount", ascending=False).reset_index(drop=True)
