"""Mixed ("rainbow") groups: one delegate of each homogeneous group at the table."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from groups import service as groups_service
from groups.models import HOMOGENEOUS, MIXED, GroupRead
from indicators.models import Delegate
from workshop.errors import SpiraleError
from workshop.text import NAME_MAX, clean_optional


@dataclass(frozen=True)
class DelegateRead:
    represented_group_id: int
    group: str
    name: str


@dataclass(frozen=True)
class Composition:
    """Who sits at a mixed group's table, and which homogeneous groups have nobody there yet."""

    group: GroupRead
    delegates: list[DelegateRead]
    missing: list[GroupRead]

    @property
    def complete(self) -> bool:
        return not self.missing


def create_mixed_group(
    *, session: Session, project_id: int, profile: str, meeting_date: date | None = None, facilitator: str = ""
) -> GroupRead:
    return groups_service.create_group(
        session=session,
        project_id=project_id,
        profile=profile,
        kind=MIXED,
        meeting_date=meeting_date,
        facilitator=facilitator,
    )


def _mixed(session: Session, project_id: int, group_id: int) -> GroupRead:
    group = groups_service.get_group(session=session, project_id=project_id, group_id=group_id)
    if group.kind != MIXED:
        raise SpiraleError("error.group_not_mixed", group=group.profile)
    return group


def compose(*, session: Session, project_id: int, mixed_group_id: int, delegates: Mapping[int, str]) -> Composition:
    """Set the whole table at once: {homogeneous group id: delegate's name (may be empty)}.

    Groups left out have no delegate; a group that is not a homogeneous group of the project is refused.
    """
    _mixed(session, project_id, mixed_group_id)
    homogeneous = {
        g.id: g for g in groups_service.list_groups(session=session, project_id=project_id, kind=HOMOGENEOUS)
    }
    if unknown := sorted(gid for gid in delegates if gid not in homogeneous):
        raise SpiraleError("error.delegate_group", ids=unknown)
    names = {int(gid): clean_optional(name, max_length=NAME_MAX) for gid, name in delegates.items()}
    existing = {
        d.represented_group_id: d
        for d in session.exec(
            select(Delegate).where(Delegate.project_id == project_id, Delegate.mixed_group_id == mixed_group_id)
        )
    }
    for gid, row in existing.items():
        if gid not in names:
            session.delete(row)
    for gid, name in names.items():
        row = existing.get(gid) or Delegate(
            project_id=project_id, mixed_group_id=mixed_group_id, represented_group_id=gid
        )
        row.name = name
        session.add(row)
    session.flush()
    return composition(session=session, project_id=project_id, mixed_group_id=mixed_group_id)


def composition(*, session: Session, project_id: int, mixed_group_id: int) -> Composition:
    group = _mixed(session, project_id, mixed_group_id)
    homogeneous = groups_service.list_groups(session=session, project_id=project_id, kind=HOMOGENEOUS)
    rows = {
        d.represented_group_id: d
        for d in session.exec(
            select(Delegate).where(Delegate.project_id == project_id, Delegate.mixed_group_id == mixed_group_id)
        )
    }
    delegates = [DelegateRead(g.id, g.profile, rows[g.id].name) for g in homogeneous if g.id in rows]
    missing = [g for g in homogeneous if g.id not in rows]
    return Composition(group, delegates, missing)
