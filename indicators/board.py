"""The clustering board: persisted clusters of notes and what a mixed group does with them.

People accept (pin), rename, merge, split clusters, move notes between them, and set a
cluster's family and component. The notes never change: membership lives in `cluster_member`.
Every operation writes a `board_event` with the touched clusters' states before and after it,
so the last operation can be undone and the history is kept. Each operation carries the cluster
versions the screen saw (`seen`); when another screen changed one of them meanwhile, the
operation is refused and nothing changes.
"""

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text as sql_text
from sqlmodel import Session, col, delete, select

from groups import service as groups_service
from groups.models import Criterion
from indicators.engine import ClusterSettings, central_order, cluster_notes
from indicators.families import FamilySuggester, FamilySuggestion
from indicators.models import BoardEvent, Cluster, ClusterMember
from indicators.vectors import VectorWeights, fit_vectorizer
from workshop import grid
from workshop.errors import SpiraleError
from workshop.text import clean_text

CLUSTER_NAME_MAX = 200
HISTORY_SHOWN = 50
UNDO = "undo"
KINDS = ("suggest", "pin", "unpin", "rename", "merge", "split", "move", "family", UNDO)


# ---------- what a screen reads ----------


@dataclass(frozen=True)
class NoteCard:
    """A note as the board shows it: its text, question and group of origin."""

    criterion_id: int
    text: str
    question: str
    group_id: int
    group: str


@dataclass(frozen=True)
class ClusterView:
    id: int
    name: str
    pinned: bool
    family_code: str | None
    component_code: str | None
    position: int
    version: int
    notes: list[NoteCard]

    @property
    def groups(self) -> list[str]:
        return sorted({n.group for n in self.notes})


@dataclass(frozen=True)
class BoardEventRead:
    id: int
    kind: str
    created_at: datetime
    undone: bool
    names: list[str]
    notes: int


@dataclass(frozen=True)
class BoardView:
    """The whole board as one screen saw it: clusters, notes in none, versions, the last operation."""

    clusters: list[ClusterView]
    unclustered: list[NoteCard]
    last_event_id: int | None
    versions: dict[int, int] = field(default_factory=dict)

    def cluster(self, cluster_id: int) -> ClusterView | None:
        return next((c for c in self.clusters if c.id == cluster_id), None)

    def cluster_of(self, criterion_id: int) -> ClusterView | None:
        return next((c for c in self.clusters if any(n.criterion_id == criterion_id for n in c.notes)), None)

    @property
    def notes(self) -> list[NoteCard]:
        return [n for c in self.clusters for n in c.notes] + self.unclustered


def _cards(session: Session, project_id: int) -> dict[int, NoteCard]:
    frame = groups_service.criteria_frame(session=session, project_id=project_id)
    return {
        int(row["id"]): NoteCard(int(row["id"]), row["text"], row["question"], int(row["group_id"]), row["group"])
        for row in frame.to_dict("records")
    }


def _memberships(session: Session, project_id: int) -> dict[int, list[int]]:
    """Active clusters' members, {cluster_id: [criterion_id, ...]} in the order they joined."""
    rows = session.exec(
        select(ClusterMember).where(ClusterMember.project_id == project_id).order_by(col(ClusterMember.id))
    )
    members: dict[int, list[int]] = {}
    for row in rows:
        members.setdefault(row.cluster_id, []).append(row.criterion_id)
    return members


def _active(session: Session, project_id: int, *, lock: bool = False) -> list[Cluster]:
    query = select(Cluster).where(Cluster.project_id == project_id, col(Cluster.active).is_(True))
    if lock:
        query = query.with_for_update()
    return list(session.exec(query.order_by(col(Cluster.position), col(Cluster.id))))


def load_board(*, session: Session, project_id: int) -> BoardView:
    """The board: active clusters with their live notes (deleted notes are hidden, not removed)."""
    cards = _cards(session, project_id)
    members = _memberships(session, project_id)
    clusters = [
        ClusterView(
            c.id, c.name, c.pinned, c.family_code, c.component_code, c.position, c.version,
            [cards[i] for i in members.get(c.id, []) if i in cards],
        )
        for c in _active(session, project_id)
    ]  # fmt: skip
    placed = {i for c in clusters for i in members.get(c.id, [])}
    unclustered = [card for cid, card in cards.items() if cid not in placed]
    return BoardView(clusters, unclustered, _last_event_id(session, project_id), {c.id: c.version for c in clusters})


_BOARD_CHANGE = sql_text(
    """
    SELECT (SELECT max(e.id) FROM board_event e WHERE e.project_id = :project_id),
      (SELECT count(*) FROM criterion c WHERE c.project_id = :project_id),
      (SELECT max(c.updated_at) FROM criterion c WHERE c.project_id = :project_id)
    """
)


def board_change(*, session: Session, project_id: int) -> tuple:
    """A value that changes whenever anything the board shows changes: compare it, redraw if new (one statement).

    Every gesture on the board is an event (an undo too), and every change of a note bumps its updated_at.
    """
    return tuple(session.execute(_BOARD_CHANGE, {"project_id": project_id}).one())


def _last_event(session: Session, project_id: int) -> BoardEvent | None:
    return session.exec(
        select(BoardEvent)
        .where(BoardEvent.project_id == project_id, BoardEvent.kind != UNDO, col(BoardEvent.undone).is_(False))
        .order_by(col(BoardEvent.id).desc())
    ).first()


def _last_event_id(session: Session, project_id: int) -> int | None:
    event = _last_event(session, project_id)
    return event.id if event else None


def history(*, session: Session, project_id: int, limit: int = HISTORY_SHOWN) -> list[BoardEventRead]:
    """The operations, newest first; undone ones stay in the history, marked."""
    rows = session.exec(
        select(BoardEvent).where(BoardEvent.project_id == project_id).order_by(col(BoardEvent.id).desc()).limit(limit)
    )
    out = []
    for row in rows:
        payload = json.loads(row.payload or "{}")
        out.append(
            BoardEventRead(
                row.id, row.kind, row.created_at, row.undone, payload.get("names", []), payload.get("notes", 0)
            )
        )
    return out


# ---------- states, versions, events ----------


def _state(cluster: Cluster, members: list[int]) -> dict:
    return {
        "id": cluster.id,
        "name": cluster.name,
        "pinned": cluster.pinned,
        "family_code": cluster.family_code,
        "component_code": cluster.component_code,
        "position": cluster.position,
        "active": cluster.active,
        "members": list(members),
    }


def _cluster(session: Session, project_id: int, cluster_id: int) -> Cluster:
    cluster = session.exec(select(Cluster).where(Cluster.id == cluster_id).with_for_update()).first()
    if cluster is None or cluster.project_id != project_id or not cluster.active:
        raise SpiraleError("error.cluster_missing")
    return cluster


def _check(cluster: Cluster, seen: Mapping[int, int]) -> None:
    """Refuse when the screen did not see this cluster as it is now (another screen changed it)."""
    if seen.get(cluster.id) != cluster.version:
        raise SpiraleError("error.board_changed", cluster=cluster.id)


def _members_of(session: Session, project_id: int, cluster_id: int) -> list[int]:
    return list(
        session.exec(
            select(ClusterMember.criterion_id)
            .where(ClusterMember.project_id == project_id, ClusterMember.cluster_id == cluster_id)
            .order_by(col(ClusterMember.id))
        )
    )


def _set_members(session: Session, project_id: int, cluster_id: int, criterion_ids: Iterable[int]) -> None:
    session.exec(
        delete(ClusterMember).where(ClusterMember.project_id == project_id, ClusterMember.cluster_id == cluster_id)
    )
    session.flush()
    for criterion_id in criterion_ids:
        session.add(ClusterMember(project_id=project_id, cluster_id=cluster_id, criterion_id=criterion_id))
    session.flush()


def _bump(session: Session, *clusters: Cluster) -> None:
    for cluster in clusters:
        cluster.version += 1
        session.add(cluster)
    session.flush()


def _next_position(session: Session, project_id: int) -> int:
    positions = session.exec(select(Cluster.position).where(Cluster.project_id == project_id)).all()
    return max(positions, default=-1) + 1


def _new_cluster(session: Session, project_id: int, name: str, criterion_ids: Sequence[int]) -> Cluster:
    cluster = Cluster(project_id=project_id, name=name[:CLUSTER_NAME_MAX], position=_next_position(session, project_id))
    session.add(cluster)
    session.flush()
    _set_members(session, project_id, cluster.id, criterion_ids)
    return cluster


def _record(session: Session, project_id: int, kind: str, before: list[dict], after: list[dict]) -> int:
    names = list(dict.fromkeys(s["name"] for s in before + after if s["name"]))
    notes = len({i for s in after for i in s["members"]} | {i for s in before for i in s["members"]})
    payload = {"before": before, "after": after, "names": names[:6], "notes": notes}
    event = BoardEvent(project_id=project_id, kind=kind, payload=json.dumps(payload, ensure_ascii=False))
    session.add(event)
    session.flush()
    return event.id


def _change(
    session: Session,
    project_id: int,
    kind: str,
    clusters: Sequence[Cluster],
    seen: Mapping[int, int],
    apply: Callable[[], list[Cluster] | None],
) -> int:
    """Check versions, snapshot, apply, bump versions, record: the common frame of every operation."""
    for cluster in clusters:
        _check(cluster, seen)
    before = [_state(c, _members_of(session, project_id, c.id)) for c in clusters]
    created = apply() or []
    _bump(session, *clusters)
    after = [_state(c, _members_of(session, project_id, c.id)) for c in [*clusters, *created]]
    return _record(session, project_id, kind, before, after)


# ---------- operations ----------


def pin(*, session: Session, project_id: int, cluster_id: int, seen: Mapping[int, int], pinned: bool = True) -> int:
    """Accept a cluster (or release it): re-suggesting leaves pinned clusters as they are."""
    cluster = _cluster(session, project_id, cluster_id)

    def apply() -> None:
        cluster.pinned = pinned

    return _change(session, project_id, "pin" if pinned else "unpin", [cluster], seen, apply)


def rename(*, session: Session, project_id: int, cluster_id: int, name: str, seen: Mapping[int, int]) -> int:
    cluster = _cluster(session, project_id, cluster_id)
    new_name = clean_text(name, max_length=CLUSTER_NAME_MAX)

    def apply() -> None:
        cluster.name = new_name

    return _change(session, project_id, "rename", [cluster], seen, apply)


def set_family(
    *,
    session: Session,
    project_id: int,
    cluster_id: int,
    family_code: str | None,
    component_code: str | None = None,
    seen: Mapping[int, int],
) -> int:
    """Classify a cluster in the project's grid (a component belongs to its family)."""
    cluster = _cluster(session, project_id, cluster_id)
    family_code, component_code = check_codes(session=session, project_id=project_id, family_code=family_code,
                                              component_code=component_code)  # fmt: skip

    def apply() -> None:
        cluster.family_code, cluster.component_code = family_code, component_code

    return _change(session, project_id, "family", [cluster], seen, apply)


def check_codes(
    *, session: Session, project_id: int, family_code: str | None, component_code: str | None
) -> tuple[str | None, str | None]:
    """Family and component checked against the project's grid; the family follows from a component."""
    entries = {e.code: e for e in grid.list_grid(session=session, project_id=project_id)}
    family_code, component_code = (family_code or None), (component_code or None)
    if component_code:
        if component_code not in entries or entries[component_code].code == entries[component_code].family:
            raise SpiraleError("error.grid_unknown_component", code=component_code)
        if family_code and entries[component_code].family != family_code:
            raise SpiraleError("error.grid_code_family", code=component_code, family=family_code)
        family_code = entries[component_code].family
    if family_code and (family_code not in entries or entries[family_code].code != entries[family_code].family):
        raise SpiraleError("error.grid_unknown_family", family=family_code)
    return family_code, component_code


def merge(*, session: Session, project_id: int, source_id: int, target_id: int, seen: Mapping[int, int]) -> int:
    """The source's notes join the target; the source leaves the board (kept for undo)."""
    if source_id == target_id:
        raise SpiraleError("error.merge_same")
    source = _cluster(session, project_id, source_id)
    target = _cluster(session, project_id, target_id)

    def apply() -> None:
        moved = _members_of(session, project_id, source.id)
        kept = _members_of(session, project_id, target.id)
        _set_members(session, project_id, source.id, [])
        _set_members(session, project_id, target.id, kept + [i for i in moved if i not in kept])
        source.active = False
        if not target.family_code and source.family_code:
            target.family_code, target.component_code = source.family_code, source.component_code

    return _change(session, project_id, "merge", [source, target], seen, apply)


def split(
    *,
    session: Session,
    project_id: int,
    cluster_id: int,
    criterion_ids: Sequence[int],
    seen: Mapping[int, int],
    name: str = "",
) -> int:
    """The chosen notes leave the cluster and form a new one."""
    cluster = _cluster(session, project_id, cluster_id)
    members = _members_of(session, project_id, cluster.id)
    chosen = list(dict.fromkeys(int(i) for i in criterion_ids))
    if not chosen:
        raise SpiraleError("error.split_empty")
    if any(i not in members for i in chosen):
        _check(cluster, seen)  # the screen's view is old: say so first
        raise SpiraleError("error.split_foreign")
    if len(chosen) == len(members):
        raise SpiraleError("error.split_all")
    new_name = clean_text(name, max_length=CLUSTER_NAME_MAX, required=False) or cluster.name

    def apply() -> list[Cluster]:
        _set_members(session, project_id, cluster.id, [i for i in members if i not in chosen])
        return [_new_cluster(session, project_id, new_name, chosen)]

    return _change(session, project_id, "split", [cluster], seen, apply)


def move_notes(
    *,
    session: Session,
    project_id: int,
    criterion_ids: Sequence[int],
    target_id: int | None,
    seen: Mapping[int, int],
    name: str = "",
) -> int:
    """Move notes to another cluster (or to a new one when target_id is None).

    A note that another screen moved since this screen's view sits in a cluster whose version
    changed (or one this screen never saw): refused, nothing moves.
    """
    chosen = list(dict.fromkeys(int(i) for i in criterion_ids))
    if not chosen:
        raise SpiraleError("error.move_empty")
    live = {c.id for c in groups_service.list_criteria(session=session, project_id=project_id)}
    if missing := [i for i in chosen if i not in live]:
        raise SpiraleError("error.criterion_missing", ids=missing)
    target = _cluster(session, project_id, target_id) if target_id is not None else None
    where = dict(
        session.exec(
            select(ClusterMember.criterion_id, ClusterMember.cluster_id).where(
                ClusterMember.project_id == project_id, col(ClusterMember.criterion_id).in_(chosen)
            )
        ).all()
    )
    moving = [i for i in chosen if target is None or where.get(i) != target.id]
    if not moving:
        raise SpiraleError("error.move_already")
    sources = [_cluster(session, project_id, cid) for cid in sorted({where[i] for i in moving if i in where})]
    touched = [*sources, *([target] if target else [])]
    label = clean_text(name, max_length=CLUSTER_NAME_MAX, required=False)  # refused before anything moves

    def apply() -> list[Cluster]:
        for source in sources:
            left = [i for i in _members_of(session, project_id, source.id) if i not in moving]
            _set_members(session, project_id, source.id, left)
            source.active = bool(left)  # an emptied cluster leaves the board
        if target is None:
            first = session.get(Criterion, moving[0])
            # A typed name is kept whole (checked above); a note's text (NOTE_MAX) is cut to the limit by _new_cluster.
            return [_new_cluster(session, project_id, label or first.corrected_text or first.text, moving)]
        _set_members(session, project_id, target.id, _members_of(session, project_id, target.id) + moving)
        return []

    return _change(session, project_id, "move", touched, seen, apply)


@dataclass(frozen=True)
class SuggestedGroup:
    """A cluster the engine proposes: its name and notes (criterion ids)."""

    name: str
    criterion_ids: list[int]


def suggest_groups(
    notes: Sequence[tuple[int, str]],
    *,
    threshold: float | None = None,
    cut_factor: float | None = None,
    use_embedding: bool | None = None,
    lang: str | None = None,
    suggester: FamilySuggester | None = None,
) -> list[SuggestedGroup]:
    """Pure: the engine's clusters of these notes, largest first; notes left alone stay out of any cluster.

    `cut_factor` moves the cut the notes call for (the facilitator's finesse); `threshold` fixes it.
    """
    if not notes:
        return []
    settings = ClusterSettings(threshold=threshold, cut_factor=cut_factor, use_embedding=use_embedding)
    clustering = cluster_notes(
        [text for _, text in notes], ids=[str(i) for i, _ in notes], settings=settings, lang=lang, suggester=suggester
    )
    groups = [SuggestedGroup(c.name, [int(i) for i in c.note_ids]) for c in clustering.clusters if c.size > 1]
    return sorted(groups, key=lambda g: (-len(g.criterion_ids), min(g.criterion_ids)))


def representatives(
    texts_by_cluster: Sequence[Sequence[str]], *, use_embedding: bool | None = None
) -> list[int | None]:
    """Pure: per cluster, the index of its most representative note (closest to all the others); None when empty.

    The note a mixed group reads beside a cluster's name, to check that the name says what the notes say.
    """
    everything = [text for texts in texts_by_cluster for text in texts]
    if not everything:
        return [None for _ in texts_by_cluster]
    weights = VectorWeights(embedding=0.7, words=0.15, chars=0.15, profile=0.0)
    vectors = fit_vectorizer(everything, weights=weights, use_embedding=use_embedding).transform(everything)
    out: list[int | None] = []
    start = 0
    for texts in texts_by_cluster:
        rows = vectors.rows(slice(start, start + len(texts)))
        out.append(central_order(rows)[0] if texts else None)
        start += len(texts)
    return out


# ---------- a drag on the board ----------

NOTE, CLUSTER = "note", "cluster"
ALONE = None  # the container of the notes in no cluster
NEW = -1  # the empty container a note is dropped on to start a new cluster
Item = tuple[str, int]  # (NOTE, criterion id) or (CLUSTER, cluster id): a note, or a cluster's handle


@dataclass(frozen=True)
class Drop:
    """What one drag meant: a note moved (target NEW: into a new cluster), or a cluster dropped onto another."""

    kind: str  # "move" or "merge"
    item: int  # the criterion id, or the dropped cluster's id
    target: int


def read_drop(drawn: Sequence[tuple[int | None, Sequence[Item]]], dropped: Sequence[Sequence[Item]]) -> Drop | None:
    """Pure: compare the containers as drawn and as the drag left them; None when nothing changed place.

    `drawn` is [(cluster id, ALONE or NEW, its items)], `dropped` the same containers' items after the drag,
    in the same order. One drag moves one item; reordering inside a container means nothing. A cluster's
    handle dropped into another cluster merges them; a note dropped among the notes alone is refused, as a
    cluster's handle dropped there or onto the new-cluster place (neither is a cluster to merge into).
    """
    if len(dropped) != len(drawn):
        raise SpiraleError("error.board_changed")
    before = {item: container for container, items in drawn for item in items}
    after = {item: container for (container, _), items in zip(drawn, dropped, strict=True) for item in items}
    if set(before) != set(after):
        raise SpiraleError("error.board_changed")
    moved = [(item, after[item]) for item in after if after[item] != before[item]]
    if not moved:
        return None
    (kind, ident), target = moved[0]
    if target is ALONE or (kind == CLUSTER and target == NEW):
        raise SpiraleError("error.board_drop_nowhere")
    return Drop("merge" if kind == CLUSTER else "move", ident, int(target))


def free_notes(*, session: Session, project_id: int) -> list[tuple[int, str]]:
    """(id, text) of the live notes that no pinned cluster holds: what a re-suggestion may regroup."""
    board = load_board(session=session, project_id=project_id)
    held = {n.criterion_id for c in board.clusters if c.pinned for n in c.notes}
    return [
        (n.criterion_id, n.text)
        for n in sorted(board.notes, key=lambda n: n.criterion_id)
        if n.criterion_id not in held
    ]


def apply_suggestion(
    *, session: Session, project_id: int, groups: Sequence[SuggestedGroup], seen: Mapping[int, int]
) -> int:
    """Replace every unpinned cluster by the engine's suggestion; pinned clusters stay as they are."""
    clusters = _active(session, project_id, lock=True)
    unpinned = [c for c in clusters if not c.pinned]
    pinned_notes = {i for c in clusters if c.pinned for i in _members_of(session, project_id, c.id)}
    suggested = [i for g in groups for i in g.criterion_ids]
    if len(set(suggested)) != len(suggested):
        raise ValueError("a note cannot be suggested in two clusters")
    if pinned_notes & set(suggested):
        raise SpiraleError("error.board_changed")  # pinned meanwhile by another screen
    live = {c.id for c in groups_service.list_criteria(session=session, project_id=project_id)}

    def apply() -> list[Cluster]:
        for cluster in unpinned:
            _set_members(session, project_id, cluster.id, [])
            cluster.active = False
        created = []
        for group in groups:
            ids = [i for i in group.criterion_ids if i in live]
            if ids:
                created.append(_new_cluster(session, project_id, group.name or "—", ids))
        return created

    return _change(session, project_id, "suggest", unpinned, seen, apply)


def undo(*, session: Session, project_id: int, event_id: int | None) -> int:
    """Reverse the last operation (the one the screen showed as last); it stays in the history, marked undone."""
    last = _last_event(session, project_id)
    if last is None:
        raise SpiraleError("error.undo_nothing")
    if event_id != last.id:
        raise SpiraleError("error.board_changed")
    payload = json.loads(last.payload)
    before = {s["id"]: s for s in payload["before"]}
    touched = {s["id"] for s in payload["before"] + payload["after"]}
    clusters = {c.id: c for c in session.exec(select(Cluster).where(col(Cluster.id).in_(touched)).with_for_update())}
    if set(clusters) != touched or any(c.project_id != project_id for c in clusters.values()):
        raise SpiraleError("error.undo_stale")
    for cluster_id in touched:
        _set_members(session, project_id, cluster_id, [])
    for cluster_id, cluster in clusters.items():
        state = before.get(cluster_id)
        if state is None:  # created by the operation
            cluster.active = False
        else:
            for key in ("name", "pinned", "family_code", "component_code", "position", "active"):
                setattr(cluster, key, state[key])
            _take(session, project_id, state["members"])
            _set_members(session, project_id, cluster_id, state["members"])
    _bump(session, *clusters.values())
    last.undone = True
    session.add(last)
    names = payload.get("names", [])
    undo_payload = {"event": last.id, "undid": last.kind, "names": names, "notes": payload.get("notes", 0)}
    event = BoardEvent(project_id=project_id, kind=UNDO, payload=json.dumps(undo_payload, ensure_ascii=False))
    session.add(event)
    session.flush()
    return event.id


def _take(session: Session, project_id: int, criterion_ids: Sequence[int]) -> None:
    """Free notes from any cluster before they go back where they were."""
    if criterion_ids:
        session.exec(
            delete(ClusterMember).where(
                ClusterMember.project_id == project_id, col(ClusterMember.criterion_id).in_(list(criterion_ids))
            )
        )
        session.flush()


def notes_of_clusters(*, session: Session, project_id: int, cluster_ids: Sequence[int]) -> list[int]:
    """The live notes of some clusters, in board order (for an indicator made from them)."""
    board = load_board(session=session, project_id=project_id)
    out: list[int] = []
    for cluster_id in cluster_ids:
        cluster = board.cluster(cluster_id)
        if cluster is None:
            raise SpiraleError("error.cluster_missing")
        out += [n.criterion_id for n in cluster.notes if n.criterion_id not in out]
    return out


# ---------- family suggestions ----------


@dataclass(frozen=True)
class FamilyInputs:
    """What the family suggester needs from the database: the project's grid and the notes people classified."""

    grid: list[dict[str, str]]
    confirmed: list[tuple[str, str]]


def family_inputs(*, session: Session, project_id: int) -> FamilyInputs:
    records = [
        {k: getattr(e, k) or "" for k in grid.GRID_COLUMNS}
        for e in grid.list_grid(session=session, project_id=project_id)
    ]
    confirmed = [
        (c.shown_text, c.component_code or c.family_code)
        for c in groups_service.list_criteria(session=session, project_id=project_id)
        if c.component_code or c.family_code
    ]
    return FamilyInputs(records, confirmed)


def suggest_cluster_family(texts: Sequence[str], suggester: FamilySuggester) -> FamilySuggestion | None:
    """Pure: the family most of the cluster's notes point to (confidences summed), with its commonest component."""
    if not texts:
        return None
    per_note = suggester.suggest(list(texts), top=3)
    scores: Counter[str] = Counter()
    components: dict[str, Counter[str]] = {}
    labels: dict[str, FamilySuggestion] = {}
    for suggestions in per_note:
        for s in suggestions:
            scores[s.family] += s.confidence
            if s.component:
                components.setdefault(s.family, Counter())[s.component] += s.confidence
            labels.setdefault(s.family, s)
    family, total = scores.most_common(1)[0]
    component = components[family].most_common(1)[0][0] if family in components else None
    first = next(
        (s for note in per_note for s in note if s.family == family and s.component == component), labels[family]
    )
    return FamilySuggestion(family, component, round(total / len(texts), 4), first.label_fr, first.label_en)


def make_suggester(inputs: FamilyInputs, *, use_embedding: bool | None = None) -> FamilySuggester:
    suggester = FamilySuggester(inputs.grid or None, use_embedding=use_embedding)
    return suggester.learn(inputs.confirmed)
