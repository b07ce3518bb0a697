"""Many phones at once: concurrent writers on SQLite wait their turn, nothing is refused or lost."""

from concurrent.futures import ThreadPoolExecutor

from groups import service as groups_service
from groups.models import WELLBEING
from workshop import database


def test_sixty_simultaneous_writers_lose_nothing(db_url, project, session):
    group = groups_service.create_group(session=session, project_id=project.id, profile="Jeunes")
    session.commit()

    def send(number: int) -> int:
        with database.session_scope(db_url) as own:
            return groups_service.add_criterion(
                session=own, project_id=project.id, group_id=group.id, question=WELLBEING, text=f"Idée numéro {number}"
            ).id

    with ThreadPoolExecutor(max_workers=60) as pool:
        ids = list(pool.map(send, range(300)))
    assert len(set(ids)) == 300
    stored = groups_service.list_criteria(session=session, project_id=project.id)
    assert sorted(c.text for c in stored) == sorted(f"Idée numéro {n}" for n in range(300))
