"""AppTest of the survey data page's choice for respondents already in the wave: a second file with known ids
is detected, the person chooses to update them, and the database holds the file's answers, none twice."""

from surveys import service
from tests.pages.conftest import by_label, load_demo
from workshop import database, i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def _csv(rows: list[tuple[str, int, int]], iids: list[int]) -> bytes:
    lines = [f"code;ind{iids[0]};ind{iids[1]}"] + [f"{code};{a};{b}" for code, a, b in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _levels(db_url: str, pid: int, wid: int) -> dict[str, list[int]]:
    with database.session_scope(db_url) as session:
        answers = service.answers_frame(session=session, project_id=pid, wave_id=wid)
    ordered = answers.sort_values(["code", "indicator_id"])
    return {code: [int(v) for v in group["level"]] for code, group in ordered.groupby("code")}


def test_known_ids_are_updated_by_the_persons_choice(app, db_url):
    load_demo(app)
    pid = app.session_state["project_id"]
    with database.session_scope(db_url) as session:
        wave = service.create_wave(session=session, project_id=pid, name="Relance", kind="ex-post")
        iids = sorted(service.usable_indicator_ids(session=session, project_id=pid))[:2]
    app.switch_page("pages/survey_data.py").run()
    by_label(app.selectbox, fr("step3.wave")).set_value(wave.id).run()
    app.file_uploader[0].set_value(("premier.csv", _csv([("a1", 2, 2), ("a2", 3, 3)], iids), "text/csv")).run()
    by_label(app.button, fr("data.import_now", count=2)).click().run()
    assert app.success[0].value == fr("data.imported", count=2)

    second = _csv([("a1", 5, 4), ("a2", 1, 1), ("a3", 4, 4)], iids)  # two known ids with new answers, one new
    app.file_uploader[0].set_value(("relance.csv", second, "text/csv")).run()
    assert not app.exception
    assert app.warning[0].value == fr("data.known", count=2)
    choice = by_label(app.radio, fr("data.merge"))
    assert choice.value == "skip" and choice.options == [fr("data.merge.skip"), fr("data.merge.update"),
                                                          fr("data.merge.refuse")]  # fmt: skip
    assert app.success[0].value == fr("data.valid", count=1)  # by default the known ones are left out
    choice.set_value("refuse").run()
    assert app.error[0].value == fr("error.import_invalid", count=2)
    by_label(app.radio, fr("data.merge")).set_value("update").run()
    assert app.success[0].value == fr("data.valid_updates", count=1, updated=2)
    by_label(app.button, fr("data.import_now_updates", count=1, updated=2)).click().run()
    assert not app.exception
    assert app.success[0].value == fr("data.imported_updates", count=1, updated=2)
    assert _levels(db_url, pid, wave.id) == {"a1": [5, 4], "a2": [1, 1], "a3": [4, 4]}
    with database.session_scope(db_url) as session:
        assert service.respondent_count(session=session, project_id=pid, wave_id=wave.id) == 3
