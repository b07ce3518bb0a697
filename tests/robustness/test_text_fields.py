"""Hostile text in every field a person types: each service stores it literally (cleaned of controls and
surrounding whitespace) or refuses with a clear message, leaving the database as it was.

Each property has a twin at the end of the file that runs the same body on valid text of the same shape
(`valid_text`, up to the field's limit) inside `all_accepted`: every call must then succeed and read back
exactly, so a service that refused everything could not pass.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from actions import partners as partners_service
from actions import service as actions_service
from groups import join
from groups import service as groups_service
from groups.models import ILLBEING, WELLBEING
from groups.service import WORDING_MAX
from indicators import board, mixed, scales
from indicators import service as indicators_service
from indicators.board import CLUSTER_NAME_MAX
from indicators.service import INDICATOR_NAME_MAX
from surveys import service as surveys_service
from tests.robustness.conftest import all_accepted, call, examples, read
from tests.robustness.strategies import cleaned, hostile_text, valid_text
from workshop import database, projects
from workshop.text import LONG_TEXT_MAX, NAME_MAX, NOTE_MAX

EXAMPLES = examples(20)
SCALE = {level: f"Situation {level}" for level in range(1, 6)}


@dataclass
class World:
    url: str
    project_id: int
    group_id: int
    code: str
    criterion_id: int
    cluster_id: int
    indicator_id: int
    partner_id: int
    action_id: int


@pytest.fixture
def world(db_url: str, project_id: int) -> World:
    with database.session_scope(db_url) as session:
        group = groups_service.create_group(session=session, project_id=project_id, profile="Jeunes")
        opened = join.open_join(session=session, project_id=project_id, group_id=group.id)
        ids = [
            groups_service.add_criterion(
                session=session, project_id=project_id, group_id=group.id, question=q, text=text
            ).id
            for q, text in ((WELLBEING, "Un logement"), (WELLBEING, "Un logement sain"), (ILLBEING, "Le bruit"))
        ]
        board.apply_suggestion(
            session=session, project_id=project_id, groups=[board.SuggestedGroup("Logement", ids[:2])], seen={}
        )
        cluster = board.load_board(session=session, project_id=project_id).clusters[0]
        indicator = indicators_service.create_indicator(
            session=session, project_id=project_id, name_fr="Logement", levels=SCALE
        )
        partner = actions_service.add_partner(session=session, project_id=project_id, name="Mairie", kind="public")
        action = actions_service.create_action(session=session, project_id=project_id, title="Jardin partagé")
    return World(db_url, project_id, group.id, opened.join_code, ids[2], cluster.id, indicator.id, partner.id,
                 action.id)  # fmt: skip


# ---------- step 1: notes, groups, projects, question wordings ----------


@EXAMPLES
@given(text=hostile_text, author=hostile_text)
def test_note_from_the_facilitator(world: World, text: str, author: str) -> None:
    known = {c.id for c in read(world.url, groups_service.list_criteria, project_id=world.project_id)}
    ok, note = call(world.url, groups_service.add_criterion, project_id=world.project_id, group_id=world.group_id,
                    question=WELLBEING, text=text, author=author)  # fmt: skip
    if ok:
        stored = read(world.url, groups_service.list_criteria, project_id=world.project_id)
        row = next(c for c in stored if c.id == note.id)
        assert row.text == cleaned(text)
        if note.id not in known:  # else a double tap: the note already stored, with its own author
            assert row.author == cleaned(author)


@EXAMPLES
@given(text=hostile_text)
def test_note_correction(world: World, text: str) -> None:
    ok, _ = call(world.url, groups_service.correct_criterion, project_id=world.project_id,
                 criterion_id=world.criterion_id, text=text)  # fmt: skip
    if ok:
        row = next(c for c in read(world.url, groups_service.list_criteria, project_id=world.project_id)
                   if c.id == world.criterion_id)  # fmt: skip
        assert row.shown_text == cleaned(text)


@EXAMPLES
@given(text=hostile_text, alias=hostile_text, edit=hostile_text)
def test_note_from_a_phone_and_its_edit(world: World, text: str, alias: str, edit: str) -> None:
    token = join.new_participant_token()
    ok, note = call(world.url, join.send_note, code=world.code, participant_token=token, question=ILLBEING,
                    text=text, alias=alias)  # fmt: skip
    if not ok:
        return
    assert (note.text, note.author) == (cleaned(text), cleaned(alias))
    ok, _ = call(world.url, join.edit_own_note, code=world.code, participant_token=token, criterion_id=note.id,
                 text=edit)  # fmt: skip
    own = read(world.url, join.own_notes, code=world.code, participant_token=token)
    assert [n.shown_text for n in own] == [cleaned(edit) if ok else cleaned(text)]
    assert own[0].text == cleaned(text)  # the first wording is kept


@EXAMPLES
@given(profile=hostile_text, facilitator=hostile_text)
def test_group_names(world: World, profile: str, facilitator: str) -> None:
    ok, group = call(world.url, groups_service.create_group, project_id=world.project_id, profile=profile,
                     facilitator=facilitator)  # fmt: skip
    if ok:
        stored = read(world.url, groups_service.get_group, project_id=world.project_id, group_id=group.id)
        assert (stored.profile, stored.facilitator) == (cleaned(profile), cleaned(facilitator))


@EXAMPLES
@given(name=hostile_text, place=hostile_text, description=hostile_text)
def test_project_names(db_url: str, name: str, place: str, description: str) -> None:
    ok, project = call(db_url, projects.create_project, name=name, place=place, description=description)
    if ok:
        stored = read(db_url, projects.get_project, project_id=project.id)
        assert (stored.name, stored.place, stored.description) == (cleaned(name), cleaned(place), cleaned(description))


@EXAMPLES
@given(french=hostile_text, english=hostile_text)
def test_question_wordings(world: World, french: str, english: str) -> None:
    ok, _ = call(world.url, groups_service.set_question_wording, project_id=world.project_id, cycle=1,
                 question=WELLBEING, text_fr=french, text_en=english)  # fmt: skip
    if ok:
        wording = read(world.url, groups_service.question_wordings, project_id=world.project_id, cycle=1)[WELLBEING]
        for lang, typed in (("fr", french), ("en", english)):
            if cleaned(typed):  # an empty wording falls back to the catalog's
                assert wording[lang] == cleaned(typed)


# ---------- step 2: clusters, indicators, level texts ----------


@EXAMPLES
@given(name=hostile_text)
def test_cluster_rename(world: World, name: str) -> None:
    seen = read(world.url, board.load_board, project_id=world.project_id).versions
    ok, _ = call(world.url, board.rename, project_id=world.project_id, cluster_id=world.cluster_id, name=name,
                 seen=seen)  # fmt: skip
    if ok:
        assert read(world.url, board.load_board, project_id=world.project_id).cluster(world.cluster_id).name == (
            cleaned(name)
        )


@EXAMPLES
@given(name=hostile_text, name_en=hostile_text, definition=hostile_text, levels=st.lists(hostile_text, min_size=5,
                                                                                          max_size=5))  # fmt: skip
def test_indicator_texts(world: World, name: str, name_en: str, definition: str, levels: list[str]) -> None:
    texts = dict(zip(range(1, 6), levels, strict=True))
    ok, created = call(world.url, indicators_service.create_indicator, project_id=world.project_id, name_fr=name,
                       name_en=name_en, definition=definition, levels=texts)  # fmt: skip
    ok_update, _ = call(world.url, indicators_service.update_indicator, project_id=world.project_id,
                        indicator_id=world.indicator_id, name_fr=name, name_en=name_en, definition=definition,
                        levels=texts)  # fmt: skip
    assert ok == ok_update
    if ok:
        for indicator_id in (created.id, world.indicator_id):
            stored = read(world.url, indicators_service.get_indicator, project_id=world.project_id,
                          indicator_id=indicator_id)  # fmt: skip
            assert (stored.name_fr, stored.name_en, stored.definition) == tuple(
                cleaned(v) for v in (name, name_en, definition)
            )
            stored_levels = read(world.url, indicators_service.levels_of, project_id=world.project_id,
                                 indicator_id=indicator_id)  # fmt: skip
            assert stored_levels == {level: cleaned(t) for level, t in texts.items() if cleaned(t)}


@EXAMPLES
@given(name=hostile_text, new_name=hostile_text)
def test_cluster_split_and_move_names(world: World, name: str, new_name: str) -> None:
    view = read(world.url, board.load_board, project_id=world.project_id)
    cluster = view.cluster(world.cluster_id)
    ok, _ = call(world.url, board.split, project_id=world.project_id, cluster_id=cluster.id,
                 criterion_ids=[cluster.notes[-1].criterion_id], seen=view.versions, name=name)  # fmt: skip
    after = read(world.url, board.load_board, project_id=world.project_id)
    if ok:  # a blank name keeps the cluster's own
        assert after.clusters[-1].name == (cleaned(name)[: board.CLUSTER_NAME_MAX] or cluster.name)
        moved = after.clusters[-1].notes[0].criterion_id
        ok, _ = call(world.url, board.move_notes, project_id=world.project_id, criterion_ids=[moved],
                     target_id=cluster.id, seen=after.versions)  # fmt: skip
        assert ok  # back where it was, for the next example
        after = read(world.url, board.load_board, project_id=world.project_id)  # the board as it now is
    ok, _ = call(world.url, board.move_notes, project_id=world.project_id, criterion_ids=[world.criterion_id],
                 target_id=None, seen=after.versions, name=new_name)  # fmt: skip
    if ok:
        made = read(world.url, board.load_board, project_id=world.project_id).cluster_of(world.criterion_id)
        assert made.name == (cleaned(new_name) or "Le bruit")  # a typed name is kept whole
        view = read(world.url, board.load_board, project_id=world.project_id)
        assert call(world.url, board.move_notes, project_id=world.project_id, criterion_ids=[world.criterion_id],
                    target_id=cluster.id, seen=view.versions)[0]  # fmt: skip


@EXAMPLES
@given(notes=st.lists(st.tuples(hostile_text, st.sampled_from([WELLBEING, ILLBEING, "action", "other"])), max_size=8),
       lang=st.sampled_from(["fr", "en", "de"]))  # fmt: skip
def test_level_drafts_from_hostile_notes(world: World, notes: list[tuple[str, str]], lang: str) -> None:
    """The drafts made from notes always fit an indicator: five texts within the limit, accepted as they are."""
    drafts = scales.draft_levels(notes, lang)
    assert drafts == {} or sorted(drafts) == [1, 2, 3, 4, 5]
    if drafts:
        name = scales.draft_name([text for text, _ in notes]) or "Brouillon"
        ok, made = call(world.url, indicators_service.create_indicator, project_id=world.project_id, name_fr=name,
                        levels=drafts)  # fmt: skip
        if ok:
            stored = read(world.url, indicators_service.levels_of, project_id=world.project_id, indicator_id=made.id)
            assert stored == {level: cleaned(text) for level, text in drafts.items() if cleaned(text)}


# ---------- step 3: waves and profile questions ----------


@EXAMPLES
@given(name=hostile_text, name_en=hostile_text)
def test_wave_names(world: World, name: str, name_en: str) -> None:
    ok, wave = call(world.url, surveys_service.create_wave, project_id=world.project_id, name=name, name_en=name_en)
    if ok:
        stored = next(w for w in read(world.url, surveys_service.list_waves, project_id=world.project_id)
                      if w.id == wave.id)  # fmt: skip
        assert (stored.name, stored.name_en) == (cleaned(name), cleaned(name_en))


@EXAMPLES
@given(key=st.one_of(hostile_text, st.sampled_from(["quartier", "age2", "Ma_Question"])), label_fr=hostile_text,
       label_en=hostile_text, choices=hostile_text)  # fmt: skip
@example(key="A", label_fr="", label_en="", choices="0\x1e0")  # a record separator is no line break
def test_profile_questions(world: World, key: str, label_fr: str, label_en: str, choices: str) -> None:
    question = {"key": key, "label_fr": label_fr, "label_en": label_en, "choices": choices}
    ok, _ = call(world.url, surveys_service.set_profile_questions, project_id=world.project_id,
                      questions=[question])  # fmt: skip
    if ok:
        (row,) = read(world.url, surveys_service.profile_questions, project_id=world.project_id)
        assert row.key == cleaned(key).lower()
        assert row.label_fr == (cleaned(label_fr) or row.key)
        assert row.label_en == cleaned(label_en)
        assert row.options == [line.strip() for line in cleaned(choices).splitlines() if line.strip()]


# ---------- step 4: partners, commissions, actions, commitments, milestones ----------


@EXAMPLES
@given(name=hostile_text, contact=hostile_text, rename=hostile_text)
def test_partner_texts(world: World, name: str, contact: str, rename: str) -> None:
    ok, partner = call(world.url, actions_service.add_partner, project_id=world.project_id, name=name,
                       contact=contact)  # fmt: skip
    if not ok:
        return
    assert (partner.name, partner.contact) == (cleaned(name), cleaned(contact))
    ok, _ = call(world.url, partners_service.update_partner, project_id=world.project_id, partner_id=partner.id,
                 name=rename)  # fmt: skip
    stored = next(p for p in read(world.url, actions_service.list_partners, project_id=world.project_id)
                  if p.id == partner.id)  # fmt: skip
    assert stored.name == (cleaned(rename) if ok else cleaned(name))


@EXAMPLES
@given(name=hostile_text, theme=hostile_text)
def test_commission_texts(world: World, name: str, theme: str) -> None:
    ok, commission = call(world.url, partners_service.create_commission, project_id=world.project_id, name=name,
                          theme=theme, pilot_partner_id=world.partner_id)  # fmt: skip
    if ok:
        stored = next(c for c in read(world.url, partners_service.list_commissions, project_id=world.project_id)
                      if c.id == commission.id)  # fmt: skip
        assert (stored.name, stored.theme) == (cleaned(name), cleaned(theme))


@EXAMPLES
@given(title=hostile_text, description=hostile_text)
def test_action_texts(world: World, title: str, description: str) -> None:
    ok, action = call(world.url, actions_service.create_action, project_id=world.project_id, title=title,
                      description=description)  # fmt: skip
    if ok:
        stored = read(world.url, actions_service.get_action, project_id=world.project_id, action_id=action.id)
        assert (stored.title, stored.description) == (cleaned(title), cleaned(description))


@EXAMPLES
@given(amount=st.one_of(hostile_text, st.sampled_from(["12,5", "1 000", "1e400", "nan", "-3", "9" * 400])),
       unit=hostile_text, description=hostile_text)  # fmt: skip
def test_commitment_texts(world: World, amount: str, unit: str, description: str) -> None:
    ok, commitment_id = call(world.url, actions_service.add_commitment, project_id=world.project_id,
                             action_id=world.action_id, partner_id=world.partner_id, kind="staff_time", amount=amount,
                             unit=unit, description=description)  # fmt: skip
    if ok:
        frame = read(world.url, actions_service.commitments_frame, project_id=world.project_id, details=True)
        row = frame[frame["id"] == commitment_id].iloc[0]
        assert (row["unit"], row["description"]) == (cleaned(unit), cleaned(description))


@EXAMPLES
@given(title=hostile_text)
def test_milestone_title(world: World, title: str) -> None:
    ok, milestone_id = call(world.url, actions_service.add_milestone, project_id=world.project_id,
                            action_id=world.action_id, title=title, due_on=date(2027, 1, 1))  # fmt: skip
    if ok:
        frame = read(world.url, actions_service.milestones_frame, project_id=world.project_id)
        assert frame.loc[frame["id"] == milestone_id, "title"].item() == cleaned(title)


@EXAMPLES
@given(title=hostile_text, presented=hostile_text,
       attendance=st.one_of(hostile_text, st.sampled_from(["12", "-1", "9" * 30, "9" * 5000])))  # fmt: skip
def test_plenary_texts(world: World, title: str, presented: str, attendance: str) -> None:
    ok, plenary = call(world.url, partners_service.add_plenary, project_id=world.project_id,
                       held_on=date(2027, 1, 1), title=title, presented=presented, attendance=attendance)  # fmt: skip
    if ok:
        stored = next(p for p in read(world.url, partners_service.list_plenaries, project_id=world.project_id)
                      if p.id == plenary.id)  # fmt: skip
        assert (stored.title, stored.presented) == (cleaned(title), cleaned(presented))


# ---------- the same on PostgreSQL, where NUL and over-long text are refused by the database itself ----------


@pytest.fixture
def pg_world(pg_url: str) -> tuple[str, int, int]:
    database.prepare(pg_url)
    with database.session_scope(pg_url) as session:
        project = projects.create_project(session=session, name="Quartier robuste", place="Testville")
        group = groups_service.create_group(session=session, project_id=project.id, profile="Jeunes")
    return pg_url, project.id, group.id


@examples(10)
@given(text=hostile_text, other=hostile_text)
def test_hostile_text_on_postgresql(pg_world: tuple[str, int, int], text: str, other: str) -> None:
    url, project_id, group_id = pg_world
    ok, note = call(url, groups_service.add_criterion, project_id=project_id, group_id=group_id, question=ILLBEING,
                    text=text, author=other)  # fmt: skip
    if ok:
        assert note.text == cleaned(text)
    ok, made = call(url, indicators_service.create_indicator, project_id=project_id, name_fr=other, definition=text,
                    levels=dict.fromkeys(range(1, 6), text))  # fmt: skip
    if ok:
        stored = read(url, indicators_service.get_indicator, project_id=project_id, indicator_id=made.id)
        assert (stored.name_fr, stored.definition) == (cleaned(other), cleaned(text))
    ok, action = call(url, actions_service.create_action, project_id=project_id, title=other, description=text)
    if ok:
        assert read(url, actions_service.get_action, project_id=project_id, action_id=action.id).title == (
            cleaned(other)
        )


# ---------- a mixed group's delegates, a participant's questionnaire ----------


@EXAMPLES
@given(name=hostile_text, delegate=hostile_text)
def test_mixed_group_and_delegate_names(world: World, name: str, delegate: str) -> None:
    ok, group = call(world.url, mixed.create_mixed_group, project_id=world.project_id, profile=name)
    if not ok:
        return
    ok, _ = call(world.url, mixed.compose, project_id=world.project_id, mixed_group_id=group.id,
                 delegates={world.group_id: delegate})  # fmt: skip
    table = read(world.url, mixed.composition, project_id=world.project_id, mixed_group_id=group.id)
    assert table.group.profile == cleaned(name)
    assert [d.name for d in table.delegates] == ([cleaned(delegate)] if ok else [])


@EXAMPLES
@given(place=hostile_text, extra=hostile_text, draft=hostile_text)
@example(place="", extra="", draft="x" * 30_000)
def test_a_participants_free_answers(world: World, place: str, extra: str, draft: str) -> None:
    """What a phone sends: a half-answered draft, then the response with free-text profile answers."""
    wave = read(world.url, surveys_service.create_wave, project_id=world.project_id, name="Vague")
    (token,) = read(world.url, surveys_service.create_tokens, project_id=world.project_id, wave_id=wave.id, count=1)
    ok, _ = call(world.url, surveys_service.save_draft, token=token, draft={"place": draft, "levels": {"1": 3}})
    if ok:
        assert read(world.url, surveys_service.token_state, token=token).draft["place"] == draft
    profile = {"place": place, "quartier": extra}
    ok, respondent = call(world.url, surveys_service.submit_token, token=token,
                          levels={world.indicator_id: 4}, profile=profile)  # fmt: skip
    if ok:
        people = read(world.url, surveys_service.respondents_frame, project_id=world.project_id, wave_id=wave.id)
        row = people.set_index("respondent").loc[respondent]
        assert row["place"] == cleaned(place)
        if cleaned(extra):  # a blank answer is not stored
            assert row["quartier"] == cleaned(extra)


# ---------- the twins: valid text of the same shape, every call accepted and read back exactly ----------

name = valid_text(NAME_MAX)
optional_name = valid_text(NAME_MAX, required=False)
long_text = valid_text(LONG_TEXT_MAX, required=False)


def body(test):  # a @given test -> its undecorated function
    return test.hypothesis.inner_test


@EXAMPLES
@given(text=valid_text(NOTE_MAX), author=optional_name)
def test_valid_note_from_the_facilitator(world: World, text: str, author: str) -> None:
    with all_accepted():
        body(test_note_from_the_facilitator)(world, text, author)


@EXAMPLES
@given(text=valid_text(NOTE_MAX))
def test_valid_note_correction(world: World, text: str) -> None:
    with all_accepted():
        body(test_note_correction)(world, text)


@EXAMPLES
@given(text=valid_text(NOTE_MAX), alias=optional_name, edit=valid_text(NOTE_MAX))
def test_valid_note_from_a_phone_and_its_edit(world: World, text: str, alias: str, edit: str) -> None:
    with all_accepted():
        body(test_note_from_a_phone_and_its_edit)(world, text, alias, edit)


@EXAMPLES
@given(profile=name, facilitator=optional_name)
def test_valid_group_names(world: World, profile: str, facilitator: str) -> None:
    with all_accepted():
        body(test_group_names)(world, profile, facilitator)


@EXAMPLES
@given(name=name, place=valid_text(120, required=False), description=long_text)
def test_valid_project_names(db_url: str, name: str, place: str, description: str) -> None:
    assume(cleaned(name) not in {p.name for p in read(db_url, projects.list_projects)})  # names are unique
    with all_accepted():
        body(test_project_names)(db_url, name, place, description)


@EXAMPLES
@given(french=valid_text(WORDING_MAX, required=False), english=valid_text(WORDING_MAX, required=False))
def test_valid_question_wordings(world: World, french: str, english: str) -> None:
    with all_accepted():
        body(test_question_wordings)(world, french, english)


@EXAMPLES
@given(name=valid_text(CLUSTER_NAME_MAX))
def test_valid_cluster_rename(world: World, name: str) -> None:
    with all_accepted():
        body(test_cluster_rename)(world, name)


@EXAMPLES
@given(name=name, name_en=valid_text(INDICATOR_NAME_MAX, required=False), definition=long_text,
       levels=st.lists(long_text, min_size=5, max_size=5))  # fmt: skip
def test_valid_indicator_texts(world: World, name: str, name_en: str, definition: str, levels: list[str]) -> None:
    with all_accepted():
        body(test_indicator_texts)(world, name, name_en, definition, levels)


@EXAMPLES
@given(name=valid_text(CLUSTER_NAME_MAX, required=False), new_name=valid_text(CLUSTER_NAME_MAX, required=False))
def test_valid_cluster_split_and_move_names(world: World, name: str, new_name: str) -> None:
    with all_accepted():
        body(test_cluster_split_and_move_names)(world, name, new_name)


@EXAMPLES
@given(name=name, name_en=valid_text(120, required=False))
def test_valid_wave_names(world: World, name: str, name_en: str) -> None:
    with all_accepted():
        body(test_wave_names)(world, name, name_en)


# A question's key, as the profile-question form explains it: a letter, then letters, digits or "_".
question_keys = st.builds(lambda first, rest, pad: pad + first + rest + pad, st.sampled_from("abcxyzABQ"),
                          st.text("abcdefghijklmnopqrstuvwxyz0123456789_", max_size=39),
                          st.sampled_from(["", " "]))  # fmt: skip


@EXAMPLES
@given(key=question_keys, label_fr=optional_name, label_en=valid_text(200, required=False),
       choices=valid_text(4000, required=False))  # fmt: skip
def test_valid_profile_questions(world: World, key: str, label_fr: str, label_en: str, choices: str) -> None:
    with all_accepted():
        body(test_profile_questions)(world, key, label_fr, label_en, choices)


@EXAMPLES
@given(name=name, contact=valid_text(160, required=False), rename=name)
def test_valid_partner_texts(world: World, name: str, contact: str, rename: str) -> None:
    with all_accepted():
        body(test_partner_texts)(world, name, contact, rename)


@EXAMPLES
@given(name=name, theme=valid_text(400, required=False))
def test_valid_commission_texts(world: World, name: str, theme: str) -> None:
    with all_accepted():
        body(test_commission_texts)(world, name, theme)


@EXAMPLES
@given(title=name, description=valid_text(4000, required=False))
def test_valid_action_texts(world: World, title: str, description: str) -> None:
    with all_accepted():
        body(test_action_texts)(world, title, description)


# Amounts as people write them: a whole or decimal number, a comma or a point, spaces between thousands.
amounts = st.one_of(
    st.integers(0, 10**9).map(str),
    st.decimals(0, 10**6, places=2, allow_nan=False).map(lambda d: str(d).replace(".", ",")),
    st.sampled_from(["12,5", "12.5", "1 000", " 3 ", "0"]),
)


@EXAMPLES
@given(amount=amounts, unit=valid_text(40, required=False), description=long_text)
def test_valid_commitment_texts(world: World, amount: str, unit: str, description: str) -> None:
    with all_accepted():
        body(test_commitment_texts)(world, amount, unit, description)


@EXAMPLES
@given(title=name)
def test_valid_milestone_title(world: World, title: str) -> None:
    with all_accepted():
        body(test_milestone_title)(world, title)


@EXAMPLES
@given(title=name, presented=valid_text(4000, required=False), attendance=st.integers(0, 100_000).map(str))
def test_valid_plenary_texts(world: World, title: str, presented: str, attendance: str) -> None:
    with all_accepted():
        body(test_plenary_texts)(world, title, presented, attendance)


@examples(10)
@given(text=valid_text(NOTE_MAX), other=name)
def test_valid_text_on_postgresql(pg_world: tuple[str, int, int], text: str, other: str) -> None:
    with all_accepted():
        body(test_hostile_text_on_postgresql)(pg_world, text, other)


@EXAMPLES
@given(name=name, delegate=optional_name)
def test_valid_mixed_group_and_delegate_names(world: World, name: str, delegate: str) -> None:
    with all_accepted():
        body(test_mixed_group_and_delegate_names)(world, name, delegate)


@EXAMPLES
@given(place=valid_text(120, required=False), extra=valid_text(200, required=False), draft=long_text)
def test_valid_participants_free_answers(world: World, place: str, extra: str, draft: str) -> None:
    with all_accepted():
        body(test_a_participants_free_answers)(world, place, extra, draft)
