"""The room's vote on the priority axes (actions.vote): opened, cast from phones, counted by profile, chosen."""

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from actions import priorities, vote
from actions.models import PriorityBallot, PriorityVote
from groups import join
from groups import service as groups_service
from groups.models import WELLBEING
from workshop.database import utcnow
from workshop.errors import SpiraleError

PHONE_A, PHONE_B, PHONE_C = (join.new_participant_token() for _ in range(3))


def opened(session, s, **options):
    settings = {"votes_per_person": 3, "cap_per_item": 2, "minutes": 10} | options
    return vote.open_vote(session=session, project_id=s.project_id, indicator_ids=[s.work, s.housing], **settings)


def refused(key: str, work, **kwargs) -> SpiraleError:
    with pytest.raises(SpiraleError) as info:
        work(**kwargs)
    assert info.value.key == key, info.value.key
    return info.value


def test_a_vote_opens_on_ranked_candidates_with_their_score(session, setting):
    s = setting
    opened_vote = opened(session, s)
    assert len(opened_vote.code) == vote.CODE_LENGTH and set(opened_vote.code) <= set(join.ALPHABET)
    assert opened_vote.wave_id == s.wave and vote.is_open(opened_vote)
    assert 590 <= vote.seconds_left(opened_vote) <= 600
    ranked = priorities.ranking(session=session, project_id=s.project_id).set_index("indicator_id")
    items = vote.candidates(session=session, vote_id=opened_vote.id)
    assert [c.indicator_id for c in items] == [s.housing, s.work]  # the diagnosis' order, not the order given
    assert items[0].score == pytest.approx(float(ranked.loc[s.housing, "score"]))
    assert vote.find_vote(session=session, code=opened_vote.code.lower()).id == opened_vote.id
    refused("error.vote_already_open", opened, session=session, s=s)


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"votes_per_person": 0}, "error.vote_votes_range"),
        ({"votes_per_person": vote.MAX_VOTES + 1}, "error.vote_votes_range"),
        ({"cap_per_item": 4}, "error.vote_cap_range"),
        ({"cap_per_item": 0}, "error.vote_cap_range"),
        ({"minutes": 0}, "error.vote_minutes_range"),
        ({"minutes": vote.MAX_MINUTES + 1}, "error.vote_minutes_range"),
    ],
)
def test_a_vote_refuses_settings_that_make_no_vote(session, setting, options, key):
    refused(key, opened, session=session, s=setting, **options)
    assert vote.latest_vote(session=session, project_id=setting.project_id) is None


def test_candidates_must_be_the_projects_indicators(session, setting):
    s = setting
    refused("error.vote_no_candidate", vote.open_vote, session=session, project_id=s.project_id, indicator_ids=[],
            votes_per_person=3, cap_per_item=1, minutes=5)  # fmt: skip
    error = refused("error.indicator_unknown", vote.open_vote, session=session, project_id=s.project_id,
                    indicator_ids=[s.work, 9999], votes_per_person=3, cap_per_item=1, minutes=5)  # fmt: skip
    assert error.params["ids"] == [9999]


def test_one_ballot_per_phone_changed_until_closed(session, setting):
    s = setting
    code = opened(session, s).code
    ballot = vote.cast_ballot(session=session, code=code, participant_token=PHONE_A, change=(s.housing, 2))
    assert ballot.dots == {s.housing: 2} and ballot.left == 1 and ballot.open
    ballot = vote.cast_ballot(session=session, code=code, participant_token=PHONE_A, change=(s.work, 1),
                              profile="Jeunes")  # fmt: skip
    assert ballot.dots == {s.housing: 2, s.work: 1} and ballot.profile == "Jeunes" and ballot.left == 0
    again = vote.cast_ballot(session=session, code=code, participant_token=PHONE_A, change=(s.work, 1))
    assert again.dots == ballot.dots  # the same request twice (a replay, a double tap) changes nothing
    ballot = vote.cast_ballot(session=session, code=code, participant_token=PHONE_A, change=(s.housing, 0))
    assert ballot.dots == {s.work: 1} and ballot.profile == "Jeunes"
    rows = session.exec(select(PriorityBallot).where(PriorityBallot.participant_token == PHONE_A)).all()
    assert len(rows) == 1


def test_refusals_store_nothing(session, setting):
    s = setting
    code = opened(session, s).code
    vote.cast_ballot(session=session, code=code, participant_token=PHONE_A, change=(s.housing, 2))
    cast = vote.cast_ballot
    refused("error.vote_over_cap", cast, session=session, code=code, participant_token=PHONE_A, change=(s.work, 3))
    error = refused("error.vote_too_many", cast, session=session, code=code, participant_token=PHONE_A,
                    dots={s.housing: 2, s.work: 2})  # fmt: skip
    assert error.params == {"votes": 3}
    refused("error.vote_item_unknown", cast, session=session, code=code, participant_token=PHONE_A, change=(9999, 1))
    refused("error.vote_negative", cast, session=session, code=code, participant_token=PHONE_A, change=(s.work, -1))
    refused("error.vote_profile_unknown", cast, session=session, code=code, participant_token=PHONE_A,
            profile="Martiens")  # fmt: skip
    refused("error.join_token", cast, session=session, code=code, participant_token="forged'", change=(s.work, 1))
    refused("error.vote_code_unknown", cast, session=session, code="ZZZZZZ", participant_token=PHONE_A)
    ballot = vote.phone_ballot(session=session, code=code, participant_token=PHONE_A)
    assert ballot.dots == {s.housing: 2} and ballot.profile == ""


def test_a_closed_vote_takes_nothing_and_closing_is_idempotent(session, setting):
    s = setting
    opened_vote = opened(session, s)
    vote.cast_ballot(session=session, code=opened_vote.code, participant_token=PHONE_A, change=(s.work, 1))
    closed = vote.close_vote(session=session, project_id=s.project_id, vote_id=opened_vote.id)
    assert not vote.is_open(closed) and vote.seconds_left(closed) == 0
    assert (
        vote.close_vote(session=session, project_id=s.project_id, vote_id=opened_vote.id).closed_at == closed.closed_at
    )
    refused("error.vote_closed", vote.cast_ballot, session=session, code=opened_vote.code, participant_token=PHONE_A,
            change=(s.work, 0))  # fmt: skip
    assert vote.phone_ballot(session=session, code=opened_vote.code, participant_token=PHONE_A).dots == {s.work: 1}
    refused("error.vote_missing", vote.close_vote, session=session, project_id=s.project_id + 1,
            vote_id=opened_vote.id)  # fmt: skip


def test_a_vote_past_its_time_is_closed(session, setting):
    s = setting
    opened_vote = opened(session, s)
    row = session.get(PriorityVote, opened_vote.id)
    row.closes_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.flush()
    refused("error.vote_closed", vote.cast_ballot, session=session, code=opened_vote.code, participant_token=PHONE_B,
            change=(s.work, 1))  # fmt: skip
    assert not vote.results(session=session, project_id=s.project_id, vote_id=opened_vote.id).open
    assert opened(session, s).id != opened_vote.id  # a new vote may open once the last one is over


def test_results_by_profile_beside_the_score(session, setting):
    s = setting
    opened_vote = opened(session, s)
    code = opened_vote.code
    vote.cast_ballot(session=session, code=code, participant_token=PHONE_A, dots={s.work: 2, s.housing: 1},
                     profile="Jeunes")  # fmt: skip
    vote.cast_ballot(session=session, code=code, participant_token=PHONE_B, dots={s.work: 1}, profile="Aînés")
    vote.cast_ballot(session=session, code=code, participant_token=PHONE_C, dots={s.housing: 2})
    result = vote.results(session=session, project_id=s.project_id, vote_id=opened_vote.id)
    assert result.ballots == 3 and result.votes == 6
    assert result.profiles == ["Jeunes", "Aînés", ""]
    assert result.ballots_by_profile == {"Jeunes": 1, "Aînés": 1, "": 1}
    first, second = result.rows  # 3 votes each: the diagnosis' rank decides
    assert (first.indicator_id, first.rank, first.votes, first.voters) == (s.housing, 1, 3, 2)
    assert first.by_profile == {"Jeunes": 1, "Aînés": 0, "": 2}
    assert (second.indicator_id, second.votes, second.voters) == (s.work, 3, 2)
    assert second.by_profile == {"Jeunes": 2, "Aînés": 1, "": 0}
    assert first.score > second.score


def test_ties_go_to_the_diagnosis_order(session, setting):
    s = setting
    opened_vote = opened(session, s)
    vote.cast_ballot(session=session, code=opened_vote.code, participant_token=PHONE_A, dots={s.work: 1, s.housing: 1})
    rows = vote.results(session=session, project_id=s.project_id, vote_id=opened_vote.id).rows
    assert [r.indicator_id for r in rows] == [s.housing, s.work]


def test_the_profile_of_the_group_a_phone_joined_is_its_default(session, setting):
    s = setting
    young = next(
        g for g in groups_service.list_groups(session=session, project_id=s.project_id) if g.profile == "Jeunes"
    )
    groups_service.add_criterion(session=session, project_id=s.project_id, group_id=young.id, question=WELLBEING,
                                 text="Le stade", participant_token=PHONE_C)  # fmt: skip
    code = opened(session, s).code
    assert vote.phone_ballot(session=session, code=code, participant_token=PHONE_C).profile == "Jeunes"
    assert vote.phone_ballot(session=session, code=code, participant_token=PHONE_B).profile == ""
    ballot = vote.cast_ballot(session=session, code=code, participant_token=PHONE_C, change=(s.work, 1),
                              profile="Jeunes")  # fmt: skip
    assert ballot.profile == "Jeunes"


def test_the_chosen_priorities_record_the_vote(session, setting):
    s = setting
    opened_vote = opened(session, s)
    code = opened_vote.code
    vote.cast_ballot(session=session, code=code, participant_token=PHONE_A, dots={s.work: 2}, profile="Jeunes")
    vote.cast_ballot(session=session, code=code, participant_token=PHONE_B, dots={s.work: 1, s.housing: 1},
                     profile="Aînés")  # fmt: skip
    choose = vote.choose_from_vote
    refused("error.vote_still_open", choose, session=session, project_id=s.project_id, vote_id=opened_vote.id, count=1)
    vote.close_vote(session=session, project_id=s.project_id, vote_id=opened_vote.id)
    axes = choose(session=session, project_id=s.project_id, vote_id=opened_vote.id, count=1,
                  decided_by="La salle", decided_on=date(2026, 12, 2))  # fmt: skip
    (axis,) = axes
    assert axis.indicator_id == s.work and axis.rank == 2  # the room's choice, with its diagnosis rank kept
    assert (axis.vote_id, axis.votes, axis.voters, axis.ballots) == (opened_vote.id, 3, 2, 2)
    assert vote.axis_votes_by_profile(axis) == {"Jeunes": 2, "Aînés": 1}
    assert axis.decided_by == "La salle" and json.loads(axis.reason)
    both = choose(session=session, project_id=s.project_id, vote_id=opened_vote.id, count=5)
    assert [a.indicator_id for a in both] == [s.housing, s.work]  # listed by diagnosis rank; only voted items
    assert vote.support_text(axes[0], "fr") == "3 voix de 2 votants sur 2 (Jeunes 2, Aînés 1)"
    assert vote.support_text(axes[0], "en") == "3 votes from 2 of 2 voters (Jeunes 2, Aînés 1)"
    from actions import report

    document = report.build_html(report.collect(session=session, project_id=s.project_id, lang="fr"))
    assert "<th>Vote de la salle</th>" in document and "3 voix de 2 votants sur 2" in document  # in the report too
    by_hand = priorities.choose_axes(session=session, project_id=s.project_id, indicator_ids=[s.housing])
    assert by_hand[0].vote_id is None and by_hand[0].votes is None  # chosen by hand: no vote claimed
    assert vote.support_text(by_hand[0], "fr") == ""
    document = report.build_html(report.collect(session=session, project_id=s.project_id, lang="fr"))
    assert "Vote de la salle" not in document  # no empty column when no axis came from a vote


def test_no_vote_no_choice(session, setting):
    s = setting
    opened_vote = opened(session, s)
    vote.close_vote(session=session, project_id=s.project_id, vote_id=opened_vote.id)
    refused("error.vote_no_votes", vote.choose_from_vote, session=session, project_id=s.project_id,
            vote_id=opened_vote.id, count=2)  # fmt: skip


def test_a_phone_flooding_its_ballot_is_slowed(session, setting, monkeypatch):
    s = setting
    monkeypatch.setattr(vote, "RATE_CHANGES", 3)
    code = opened(session, s).code
    for count in (1, 0, 1):
        vote.cast_ballot(session=session, code=code, participant_token=PHONE_A, change=(s.work, count))
    error = refused("error.vote_rate", vote.cast_ballot, session=session, code=code, participant_token=PHONE_A,
                    change=(s.work, 2))  # fmt: skip
    assert 1 <= error.params["seconds"] <= 60
    vote.cast_ballot(session=session, code=code, participant_token=PHONE_B, change=(s.work, 2))  # others unaffected


def test_vote_change_moves_with_each_ballot_and_reveal(session, setting):
    s = setting
    assert vote.vote_change(session=session, project_id=s.project_id) is None
    opened_vote = opened(session, s)
    before = vote.vote_change(session=session, project_id=s.project_id)
    vote.cast_ballot(session=session, code=opened_vote.code, participant_token=PHONE_A, change=(s.work, 1))
    after = vote.vote_change(session=session, project_id=s.project_id)
    assert after != before and after[4] == 1
    vote.reveal_vote(session=session, project_id=s.project_id, vote_id=opened_vote.id)
    assert vote.vote_change(session=session, project_id=s.project_id)[2] is True


def test_vote_codes_are_not_group_or_wave_codes(session, setting, monkeypatch):
    s = setting
    group = groups_service.list_groups(session=session, project_id=s.project_id)[0]
    taken = join.open_join(session=session, project_id=s.project_id, group_id=group.id).join_code
    picks = iter([*taken, *"ACDEFH"])
    monkeypatch.setattr(vote.secrets, "choice", lambda _alphabet: next(picks))
    assert opened(session, s).code == "ACDEFH"


def test_a_vote_travels_in_the_project_archive(session, setting):
    import schema
    from workshop import archive

    s = setting
    opened_vote = opened(session, s)
    vote.cast_ballot(session=session, code=opened_vote.code, participant_token=PHONE_A, dots={s.work: 2},
                     profile="Jeunes")  # fmt: skip
    vote.cast_ballot(session=session, code=opened_vote.code, participant_token=PHONE_B, dots={s.housing: 1})
    vote.close_vote(session=session, project_id=s.project_id, vote_id=opened_vote.id)
    vote.choose_from_vote(session=session, project_id=s.project_id, vote_id=opened_vote.id, count=2)
    data = archive.export_project(session=session, metadata=schema.metadata, project_id=s.project_id)
    copy_id = archive.import_project(session=session, metadata=schema.metadata, data=data)
    copy = vote.latest_vote(session=session, project_id=copy_id)
    assert copy.id != opened_vote.id and copy.code == opened_vote.code and copy.closed_at is not None
    before = vote.results(session=session, project_id=s.project_id, vote_id=opened_vote.id)
    after = vote.results(session=session, project_id=copy_id, vote_id=copy.id)
    shape = [(r.rank, r.votes, r.voters, r.by_profile) for r in before.rows]
    assert [(r.rank, r.votes, r.voters, r.by_profile) for r in after.rows] == shape and after.ballots == 2
    axes = priorities.list_axes(session=session, project_id=copy_id)
    assert {a.vote_id for a in axes} == {copy.id} and sorted(a.votes for a in axes) == [1, 2]
    assert vote.find_vote(session=session, code=opened_vote.code).id == copy.id  # the newest copy answers


def test_a_phones_ballot_is_in_its_data_request_and_erased_with_it(session, setting):
    import privacy
    from privacy import service as privacy_service

    s = setting
    young = next(
        g for g in groups_service.list_groups(session=session, project_id=s.project_id) if g.profile == "Jeunes"
    )
    groups_service.add_criterion(session=session, project_id=s.project_id, group_id=young.id, question=WELLBEING,
                                 text="Le stade", participant_token=PHONE_A)  # fmt: skip
    code = opened(session, s).code
    vote.cast_ballot(session=session, code=code, participant_token=PHONE_A, dots={s.work: 2}, profile="Jeunes")
    vote.cast_ballot(session=session, code=code, participant_token=PHONE_B, dots={s.housing: 1}, profile="Aînés")
    reference = privacy.participant_reference(PHONE_B)  # a phone that only voted is found by its reference too
    only_voted = privacy_service.find_participant(session=session, project_id=s.project_id,
                                                  selector=privacy_service.Selector(token=reference))  # fmt: skip
    assert only_voted.notes == [] and [(b.vote, b.profile, b.votes) for b in only_voted.ballots] == [
        (code, "Aînés", {"Un logement digne": 1})
    ]
    selector = privacy_service.Selector(token=PHONE_A)
    exported = privacy_service.export_participant(session=session, project_id=s.project_id, selector=selector)
    content = json.loads(exported.json_bytes)
    assert [(b["profile"], b["votes"]) for b in content["vote_ballots"]] == [("Jeunes", {"Avoir un travail": 2})]
    assert "Avoir un travail" in exported.csv_bytes.decode("utf-8-sig")
    summary = privacy_service.erase_participant(session=session, project_id=s.project_id, selector=selector)
    assert summary.removed["priority_ballot"] == 1 and summary.removed["priority_ballot_dot"] == 1
    result = vote.results(
        session=session, project_id=s.project_id, vote_id=vote.find_vote(session=session, code=code).id
    )
    assert result.ballots == 1 and result.votes == 1  # the other phone's ballot stays
