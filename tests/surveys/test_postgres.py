"""The fast answers read (DB-API cursor) and the bulk write on PostgreSQL, not only SQLite."""

from indicators import service as indicators_service
from surveys import analysis, service
from workshop import database, projects


def test_answers_round_trip_on_postgres(pg_url):
    database.prepare(pg_url)
    with database.session_scope(pg_url) as session:
        pid = projects.create_project(session=session, name="Quartier PG", place="Testville").id
        iid = indicators_service.create_indicator(
            session=session, project_id=pid, name_fr="Se loger", levels={k: f"S{k}" for k in range(1, 6)}
        ).id
        wave = service.create_wave(session=session, project_id=pid, name="Vague 1")
        service.add_responses(
            session=session,
            project_id=pid,
            wave_id=wave.id,
            responses=[
                service.ResponseIn(levels={iid: 2}, code="a", profile="Jeunes", weight=1.0),
                service.ResponseIn(levels={iid: 4}, code="b", profile="Aînés", weight=3.0),
                service.ResponseIn(levels={iid: None}, code="c", profile="Aînés"),
            ],
        )
        answers = service.answers_frame(session=session, project_id=pid, wave_id=wave.id)
    assert list(answers["code"]) == ["a", "b", "c"]
    assert answers["level"].isna().tolist() == [False, False, True]
    assert analysis.summary(answers).iloc[0]["mean"] == 3.5
