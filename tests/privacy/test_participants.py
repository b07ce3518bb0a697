"""Data-protection requests: find, export and erase one participant's data, and nobody else's."""

import csv
import io
import json
from dataclasses import dataclass

import pytest
from sqlalchemy import Column, ForeignKey, Integer, Table, func, select

import schema
from groups import service as groups_service
from groups.models import Criterion
from indicators import board
from indicators import service as indicators_service
from indicators.models import ClusterMember, IndicatorCriterion
from privacy import participant_reference
from privacy import service as privacy
from privacy.models import Erasure
from privacy.service import Selector
from surveys import analysis
from surveys import service as surveys_service
from surveys.models import Answer, Respondent, SurveyToken
from workshop import database, projects
from workshop.errors import SpiraleError

PHONE_1 = "Qx7_mK2pLr9vT4nW8yZ3aB6cD1eF5gH0"  # what groups.join.new_participant_token makes: 32 characters
PHONE_2 = "Hs3-uV8wXy1zA4bC7dE0fG2hJ5kL9mN6"
LEVELS = {level: f"Situation {level}" for level in range(1, 6)}


@dataclass
class World:
    project_id: int
    group_a: int
    group_b: int
    wave_id: int
    indicator_id: int
    other_indicator_id: int
    marie: list[int]  # phone 1's notes: two in group A as "Marie", one in group B without a name
    paul: int  # phone 2's note in group A
    facilitator: int  # typed by the facilitator in group A
    cluster_id: int
    link_answered: str
    link_draft: str
    respondent_web: int
    respondent_coded: int
    respondent_other: int


def _note(session, pid, group, text, *, token=None, author="", question="wellbeing"):
    return groups_service.add_criterion(
        session=session, project_id=pid, group_id=group, question=question, text=text, author=author,
        participant_token=token,
    ).id  # fmt: skip


@pytest.fixture
def world(db_url) -> World:
    """Committed, so that each test may open its own sessions."""
    with database.session_scope(db_url) as session:
        return _build(session)


def _build(session) -> World:
    pid = projects.create_project(session=session, name="Quartier des Tilleuls").id
    group_a = groups_service.create_group(session=session, project_id=pid, profile="Jeunes").id
    group_b = groups_service.create_group(session=session, project_id=pid, profile="Aînés").id
    m1 = _note(session, pid, group_a, "Un banc à l'ombre", token=PHONE_1, author="Marie")
    m2 = _note(session, pid, group_a, "=HYPERLINK(\"http://evil\")<script>", token=PHONE_1, author="Marie",
               question="illbeing")  # fmt: skip
    m3 = _note(session, pid, group_b, "Des voisins qui se parlent", token=PHONE_1)
    groups_service.correct_criterion(session=session, project_id=pid, criterion_id=m1, text="Un banc à l'ombre l'été")
    groups_service.delete_criterion(session=session, project_id=pid, criterion_id=m2)
    paul = _note(session, pid, group_a, "Le bus du dimanche", token=PHONE_2, author="Paul")
    facilitator = _note(session, pid, group_a, "Un marché vivant")
    indicator = indicators_service.create_indicator(
        session=session, project_id=pid, name_fr="Lieux pour se poser", levels=LEVELS, criterion_ids=[m1, paul]
    ).id
    other = indicators_service.create_indicator(
        session=session, project_id=pid, name_fr="Transports", levels=LEVELS, criterion_ids=[facilitator]
    ).id
    board.apply_suggestion(
        session=session, project_id=pid, groups=[board.SuggestedGroup("Se poser", [m1, paul, facilitator])], seen={}
    )
    cluster_id = board.load_board(session=session, project_id=pid).clusters[0].id
    board.move_notes(
        session=session, project_id=pid, criterion_ids=[m3], target_id=cluster_id,
        seen=board.load_board(session=session, project_id=pid).versions,
    )  # fmt: skip
    wave = surveys_service.create_wave(session=session, project_id=pid, name="Printemps").id
    answered, draft = surveys_service.create_tokens(session=session, project_id=pid, wave_id=wave, count=2)
    web = surveys_service.submit_token(
        session=session, token=answered, levels={indicator: 4, other: None}, profile={"age_band": "26-40"}
    )
    surveys_service.save_draft(session=session, token=draft, draft={"levels": {str(indicator): 2}, "place": "Nord"})
    coded = surveys_service.add_response(
        session=session, project_id=pid, wave_id=wave, levels={indicator: 2, other: 3}, code="R-017", place="Sud"
    )
    respondent_other = surveys_service.add_response(
        session=session, project_id=pid, wave_id=wave, levels={indicator: 5, other: 1}, code="R-018"
    )
    return World(pid, group_a, group_b, wave, indicator, other, [m1, m2, m3], paul, facilitator, cluster_id,
                 answered, draft, web, coded, respondent_other)  # fmt: skip


def _find(session, world, **selector):
    return privacy.find_participant(session=session, project_id=world.project_id, selector=Selector(**selector))


def _refused(key, call, *args, **kwargs):
    with pytest.raises(SpiraleError) as refused:
        call(*args, **kwargs)
    assert refused.value.key == key, refused.value
    return refused.value


# --- who is one participant ---------------------------------------------------------------------


def test_reference_is_the_tokens_first_eight_characters_upper_cased():
    assert participant_reference(PHONE_1) == "QX7_MK2P"
    assert participant_reference("") == ""


def test_a_phone_participant_by_reference_or_token(session, world):
    for given in (participant_reference(PHONE_1), participant_reference(PHONE_1).lower(), PHONE_1, f"  {PHONE_1} "):
        found = _find(session, world, token=given)
        assert [n.criterion_id for n in found.notes] == world.marie
        assert found.responses == [] and found.links == []
    notes = {n.criterion_id: n for n in found.notes}
    assert notes[world.marie[0]].text == "Un banc à l'ombre"  # as written, and the correction beside it
    assert notes[world.marie[0]].corrected_text == "Un banc à l'ombre l'été"
    assert notes[world.marie[1]].deleted_at is not None  # withdrawn notes are still held: they are listed
    assert notes[world.marie[0]].indicators == ["Lieux pour se poser"]
    assert {n.group for n in found.notes} == {"Jeunes", "Aînés"}
    assert {n.reference for n in found.notes} == {"QX7_MK2P"}


def test_a_name_in_a_group_brings_that_phones_other_notes(session, world):
    found = _find(session, world, group_id=world.group_a, author="  marie ")
    assert [n.criterion_id for n in found.notes] == world.marie  # group B's note came from the same phone
    assert [n.criterion_id for n in _find(session, world, group_id=world.group_a, author="PAUL").notes] == [world.paul]
    _refused("error.privacy_nothing", _find, session, world, group_id=world.group_b, author="Paul")


def test_survey_respondents_by_link_or_code(session, world):
    by_link = _find(session, world, token=world.link_answered)
    assert [r.respondent_id for r in by_link.responses] == [world.respondent_web]
    assert {(a.indicator, a.level) for a in by_link.responses[0].answers} == {
        ("Lieux pour se poser", 4),
        ("Transports", None),
    }
    assert by_link.responses[0].age_band == "26-40" and by_link.links[0].answered
    pasted = f"https://spirale.example.org/?survey={world.link_answered}"  # mailed before the phone routes
    assert _find(session, world, token=pasted).responses == by_link.responses
    for pasted in (f"https://spirale.example.org/p/q/{world.link_answered}", f"/p/q/{world.link_answered}/"):
        assert _find(session, world, token=pasted).responses == by_link.responses
    _refused("error.privacy_link", _find, session, world, token="https://spirale.example.org/p/enquete/ACK3R9")
    draft = _find(session, world, token=world.link_draft)
    assert draft.responses == [] and draft.links[0].draft == {"levels": {str(world.indicator_id): 2}, "place": "Nord"}
    by_code = _find(session, world, wave_id=world.wave_id, respondent_code="R-017")
    assert [r.place for r in by_code.responses] == ["Sud"] and by_code.links == []
    web_code = by_link.responses[0].code
    assert _find(session, world, wave_id=world.wave_id, respondent_code=web_code).links == by_link.links


def test_empty_ambiguous_or_malformed_selectors_are_refused(session, world):
    find = privacy.find_participant
    pid = world.project_id
    for selector, key in [
        (Selector(), "error.privacy_selector_empty"),
        (Selector(token="   ", author="\t"), "error.privacy_selector_empty"),
        (Selector(token=PHONE_1, author="Marie", group_id=world.group_a), "error.privacy_selector_several"),
        (Selector(token="QX7"), "error.privacy_reference_short"),
        (Selector(token="<script>alert(1)</script>"), "error.privacy_token_malformed"),
        (Selector(token="x" * 5000), "error.privacy_token_malformed"),
        (Selector(token="Robert'); DROP TABLE criterion;--"), "error.privacy_token_malformed"),
        (Selector(token="https://spirale.example.org/?code=ACK3R9"), "error.privacy_link"),
        (Selector(token="ZZZZZZZZ"), "error.privacy_nothing"),
        (Selector(author="Marie"), "error.privacy_group_needed"),
        (Selector(author="Marie", group_id=987654), "error.group_missing"),
        (Selector(respondent_code="R-017"), "error.privacy_wave_needed"),
        (Selector(respondent_code="R-017", wave_id=987654), "error.wave_missing"),
        (Selector(respondent_code="R-999", wave_id=world.wave_id), "error.privacy_nothing"),
    ]:
        _refused(key, find, session=session, project_id=pid, selector=selector)
    assert session.scalar(select(func.count()).select_from(Erasure)) == 0


def test_two_phones_under_one_name_or_one_reference_are_ambiguous(session, world):
    pid = world.project_id
    _note(session, pid, world.group_a, "Plus de fêtes", token="aaaaBBBB" + "1" * 24, author="Sam")
    _note(session, pid, world.group_a, "Moins de bruit", token="aaaaBBBB" + "2" * 24, author="Sam")
    refused = _refused("error.privacy_author_ambiguous", _find, session, world, group_id=world.group_a, author="Sam")
    assert refused.params["count"] == 2
    _refused("error.privacy_ambiguous", _find, session, world, token="AAAABBBB")
    assert len(_find(session, world, token="aaaaBBBB" + "1" * 24).notes) == 1  # the whole token still tells


def test_another_projects_participant_is_not_found(session, world):
    other = projects.create_project(session=session, name="Ailleurs").id
    group = groups_service.create_group(session=session, project_id=other, profile="Parents").id
    _note(session, other, group, "Ailleurs aussi", token=PHONE_1, author="Marie")
    assert len(_find(session, world, token=PHONE_1).notes) == 3
    refused = privacy.find_participant(session=session, project_id=other, selector=Selector(token=PHONE_1))
    assert [n.text for n in refused.notes] == ["Ailleurs aussi"]
    _refused("error.group_missing", _find, session, world, group_id=group, author="Marie")


# --- export -------------------------------------------------------------------------------------


def test_export_holds_exactly_that_participants_notes(session, world):
    export = privacy.export_participant(session=session, project_id=world.project_id, selector=Selector(token=PHONE_1))
    content = json.loads(export.json_bytes)
    assert content["format"] == "spirale-participant-data" and content["project"] == "Quartier des Tilleuls"
    texts = sorted(n["text"] for n in content["notes"])
    assert texts == sorted(["Un banc à l'ombre", '=HYPERLINK("http://evil")<script>', "Des voisins qui se parlent"])
    assert content["survey_responses"] == [] and content["survey_links"] == []
    raw = export.json_bytes.decode() + export.csv_bytes.decode("utf-8-sig")
    for others in ("Le bus du dimanche", "Un marché vivant", "Paul", PHONE_1, PHONE_2):
        assert others not in raw  # nobody else's words, and not the secret token (its reference is enough)
    rows = list(csv.reader(io.StringIO(export.csv_bytes.decode("utf-8-sig"))))
    assert rows[0][0] == "Type / Kind" and rows[0][3] == "Texte ou réponse / Text or answer"
    assert len(rows) == 1 + 3
    hostile = next(r for r in rows[1:] if "HYPERLINK" in r[3])
    assert hostile[3] == "'" + '=HYPERLINK("http://evil")<script>'  # a spreadsheet shows it, never runs it
    assert hostile[9]  # withdrawn on


def test_export_of_a_respondent_holds_answers_and_profile(session, world):
    export = privacy.export_participant(
        session=session, project_id=world.project_id, selector=Selector(token=world.link_answered)
    )
    content = json.loads(export.json_bytes)
    assert content["notes"] == [] and len(content["survey_responses"]) == 1
    response = content["survey_responses"][0]
    assert response["age_band"] == "26-40"
    assert sorted((a["indicator"], a["level"]) for a in response["answers"]) == [
        ("Lieux pour se poser", 4),
        ("Transports", None),
    ]
    rows = list(csv.reader(io.StringIO(export.csv_bytes.decode("utf-8-sig"))))
    kinds = [r[0] for r in rows[1:]]
    assert kinds.count("answer") == 2 and kinds.count("profile") == 1 and kinds.count("survey_link") == 1
    assert "R-017" not in export.csv_bytes.decode("utf-8-sig") and "R-018" not in export.json_bytes.decode()


# --- erase --------------------------------------------------------------------------------------


def _count(session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalar(query)


def test_erasing_a_phone_participant_keeps_everything_else(db_url, world):
    with database.session_scope(db_url) as session:
        summary = privacy.erase_participant(
            session=session, project_id=world.project_id, selector=Selector(token=participant_reference(PHONE_1)),
            account_id=7,
        )  # fmt: skip
    assert (summary.notes, summary.respondents, summary.answers) == (3, 0, 0)
    assert summary.removed == {"cluster_member": 2, "criterion": 3, "indicator_criterion": 1}
    with database.session_scope(db_url) as session:
        pid = world.project_id
        left = {c.id for c in groups_service.list_criteria(session=session, project_id=pid)}
        assert left == {world.paul, world.facilitator}
        for criterion_id in world.marie:
            assert session.get(Criterion, criterion_id) is None
        # the indicators stay, with the other people's notes behind them
        links = session.scalars(select(IndicatorCriterion.criterion_id).where(IndicatorCriterion.project_id == pid))
        assert set(links) == {world.paul, world.facilitator}
        assert len(indicators_service.list_indicators(session=session, project_id=pid)) == 2
        members = session.scalars(
            select(ClusterMember.criterion_id).where(ClusterMember.cluster_id == world.cluster_id)
        )
        assert set(members) == {world.paul, world.facilitator}
        assert board.load_board(session=session, project_id=pid).cluster(world.cluster_id) is not None
        # the board's history no longer names them: undoing the last move cannot bring a note back
        last = board.history(session=session, project_id=pid)[0]
        board.undo(session=session, project_id=pid, event_id=last.id)
        assert _find_or_none(session, world, token=PHONE_1) is None
        log = privacy.erasures(session=session, project_id=pid)
        assert len(log) == 1 and log[0]["account_id"] == 7 and log[0]["selector"] == "token"
        stored = json.dumps([e.model_dump(mode="json") for e in session.scalars(select(Erasure))])
        for written in ("banc", "voisins", "Marie", PHONE_1, participant_reference(PHONE_1)):
            assert written not in stored  # accountability without keeping what was erased
        assert surveys_service.respondent_count(session=session, project_id=pid, wave_id=world.wave_id) == 3


def _find_or_none(session, world, **selector):
    try:
        return _find(session, world, **selector)
    except SpiraleError as error:
        assert error.key == "error.privacy_nothing"
        return None


def test_erasing_a_respondent_keeps_the_wave_computable(db_url, world):
    with database.session_scope(db_url) as session:
        summary = privacy.erase_participant(
            session=session, project_id=world.project_id, selector=Selector(token=world.link_answered)
        )
    assert (summary.notes, summary.respondents, summary.answers, summary.links) == (0, 1, 2, 1)
    with database.session_scope(db_url) as session:
        pid, wave = world.project_id, world.wave_id
        assert session.get(Respondent, world.respondent_web) is None
        assert _count(session, Answer, respondent_id=world.respondent_web) == 0
        link = session.scalars(select(SurveyToken).where(SurveyToken.token == world.link_answered)).one()
        assert link.respondent_id is None and link.draft == "" and link.used_at is not None  # cannot answer again
        answers = surveys_service.answers_frame(session=session, project_id=pid, wave_id=wave)
        assert sorted(answers["respondent"].unique()) == sorted([world.respondent_coded, world.respondent_other])
        table = analysis.dashboard(answers, {world.indicator_id: "A", world.other_indicator_id: "B"})
        assert table and analysis.respondents(answers) == 2
        means = surveys_service.indicator_means(answers).set_index("indicator_id")
        assert means.loc[world.indicator_id, "mean"] == pytest.approx(3.5)  # (2 + 5) / 2: the others' answers
        assert len(groups_service.list_criteria(session=session, project_id=pid)) == 4  # no live note touched
        privacy.erase_participant(session=session, project_id=pid, selector=Selector(token=world.link_draft))
        assert session.scalars(select(SurveyToken.draft).where(SurveyToken.token == world.link_draft)).one() == ""
        privacy.erase_participant(
            session=session, project_id=pid, selector=Selector(wave_id=wave, respondent_code="R-017")
        )
        assert surveys_service.respondent_count(session=session, project_id=pid, wave_id=wave) == 1
        assert [e["selector"] for e in privacy.erasures(session=session, project_id=pid)] == [
            "respondent",
            "token",
            "token",
        ]


def _snapshot(url: str) -> dict[str, list]:
    with database.session_scope(url) as session:
        return {
            table.name: sorted(map(tuple, session.execute(select(table)).all()), key=repr)
            for table in schema.metadata.sorted_tables
            if table.name != "alembic_version"
        }


def test_a_failing_erasure_changes_nothing(db_url, world, monkeypatch):
    before = _snapshot(db_url)

    def broken(**_row):  # fails after the notes and links were deleted within the transaction
        raise RuntimeError("disk full while logging")

    monkeypatch.setattr(privacy, "Erasure", broken)
    with pytest.raises(RuntimeError), database.session_scope(db_url) as session:
        privacy.erase_participant(session=session, project_id=world.project_id, selector=Selector(token=PHONE_1))
    assert _snapshot(db_url) == before


def test_a_table_added_later_that_points_at_notes_is_not_forgotten(db_url, world):
    """The erasure follows the metadata's foreign keys: a required link goes, an optional one is cut."""
    required = Table(
        "note_vote", schema.metadata,
        Column("id", Integer, primary_key=True),
        Column("criterion_id", ForeignKey("criterion.id"), nullable=False),
    )  # fmt: skip
    optional = Table(
        "note_quote", schema.metadata,
        Column("id", Integer, primary_key=True),
        Column("criterion_id", ForeignKey("criterion.id"), nullable=True),
    )  # fmt: skip
    engine = database.get_engine(db_url)
    try:
        required.create(engine)
        optional.create(engine)
        with engine.begin() as connection:
            for criterion_id in [*world.marie, world.paul]:
                connection.execute(required.insert().values(criterion_id=criterion_id))
                connection.execute(optional.insert().values(criterion_id=criterion_id))
        with database.session_scope(db_url) as session:
            summary = privacy.erase_participant(
                session=session, project_id=world.project_id, selector=Selector(token=PHONE_1)
            )
        assert summary.removed["note_vote"] == 3 and summary.removed["note_quote"] == 3
        with engine.connect() as connection:
            assert [r.criterion_id for r in connection.execute(select(required))] == [world.paul]
            quotes = [r.criterion_id for r in connection.execute(select(optional))]
        assert sorted(quotes, key=lambda v: (v is not None, v)) == [None, None, None, world.paul]
    finally:
        schema.metadata.remove(required)
        schema.metadata.remove(optional)


def test_find_export_and_erase_on_postgres(pg_url):
    database.prepare(pg_url)
    with database.session_scope(pg_url) as session:
        world = _build(session)
    reference = Selector(token=participant_reference(PHONE_1).lower())
    with database.session_scope(pg_url) as session:
        found = privacy.find_participant(session=session, project_id=world.project_id, selector=reference)
        assert [n.criterion_id for n in found.notes] == world.marie
        export = privacy.export_participant(session=session, project_id=world.project_id, selector=reference)
        assert len(json.loads(export.json_bytes)["notes"]) == 3
    with database.session_scope(pg_url) as session:
        summary = privacy.erase_participant(session=session, project_id=world.project_id, selector=reference)
        link = Selector(token=world.link_answered)
        answered = privacy.erase_participant(session=session, project_id=world.project_id, selector=link)
    assert summary.removed == {"cluster_member": 2, "criterion": 3, "indicator_criterion": 1}
    assert (answered.respondents, answered.answers) == (1, 2)
    with database.session_scope(pg_url) as session:
        left = {c.id for c in groups_service.list_criteria(session=session, project_id=world.project_id)}
        assert left == {world.paul, world.facilitator}
        answers = surveys_service.answers_frame(session=session, project_id=world.project_id, wave_id=world.wave_id)
        assert analysis.respondents(answers) == 2


def test_a_delegates_name_is_found_exported_and_blanked(db_url, world):
    from indicators import mixed

    with database.session_scope(db_url) as session:
        table = groups_service.create_group(
            session=session, project_id=world.project_id, profile="Table 1", kind="mixed"
        )
        mixed.compose(
            session=session, project_id=world.project_id, mixed_group_id=table.id,
            delegates={world.group_a: "Marie", world.group_b: "Jacques"},
        )  # fmt: skip
        marie = Selector(group_id=world.group_a, author="Marie")
        found = privacy.find_participant(session=session, project_id=world.project_id, selector=marie)
        assert [(s.mixed_group, s.represented_group, s.name) for s in found.seats] == [("Table 1", "Jeunes", "Marie")]
        export = privacy.export_participant(session=session, project_id=world.project_id, selector=marie)
        assert json.loads(export.json_bytes)["delegate_seats"] == [
            {"mixed_group": "Table 1", "represented_group": "Jeunes", "name": "Marie"}
        ]
        assert "Jacques" not in export.csv_bytes.decode("utf-8-sig")
        privacy.erase_participant(session=session, project_id=world.project_id, selector=marie)
    with database.session_scope(db_url) as session:
        seats = mixed.composition(session=session, project_id=world.project_id, mixed_group_id=table.id).delegates
        assert sorted(d.name for d in seats) == ["", "Jacques"]  # the seat stays, without her name
        # a name that is only a delegate's (no note) is found too
        jacques = Selector(group_id=world.group_b, author="jacques")
        assert len(privacy.find_participant(session=session, project_id=world.project_id, selector=jacques).seats) == 1
