"""Step 4 services: partners' directory, commissions, plenaries, actions with drafts, commitments, milestones."""

from datetime import date

import pytest

from actions import partners, service
from workshop.errors import SpiraleError


def refused(key, call, **params):
    with pytest.raises(SpiraleError) as info:
        call(**params)
    assert info.value.key == key
    return info.value


def test_action_without_target_or_owner_is_a_flagged_draft(session, setting):
    s = setting
    bare = service.create_action(session=session, project_id=s.project_id, title="Idée", status="planned")
    assert bare.status == "draft" and bare.flags == ["no_target", "no_owner"]
    no_owner = service.create_action(
        session=session, project_id=s.project_id, title="Sans pilote", targets={s.housing: 4}, status="in_progress"
    )
    assert no_owner.status == "draft" and no_owner.flags == ["no_owner"]
    error = refused(
        "error.action_incomplete",
        service.update_action,
        session=session,
        project_id=s.project_id,
        action_id=no_owner.id,
        status="planned",
    )
    assert error.params["missing"] == ["no_owner"]
    ready = service.update_action(
        session=session, project_id=s.project_id, action_id=no_owner.id, pilot_partner_id=s.town, status="planned"
    )
    assert ready.status == "planned" and ready.flags == []
    listed = {a.title: a.flags for a in service.list_actions(session=session, project_id=s.project_id)}
    assert listed == {"Idée": ["no_target", "no_owner"], "Sans pilote": []}


def test_action_dates_targets_and_commission(session, setting):
    s = setting
    commission = partners.create_commission(
        session=session, project_id=s.project_id, name="Logement", pilot_partner_id=s.town, member_ids=[s.people]
    )
    action = service.create_action(
        session=session,
        project_id=s.project_id,
        title="Réparer",
        targets={s.housing: 3, s.work: 4},
        pilot_partner_id=s.town,
        commission_id=commission.id,
        status="planned",
        start_on=date(2026, 9, 1),
        end_on=date(2027, 6, 30),
    )
    assert action.status == "planned" and action.commission_id == commission.id
    refused("error.action_dates", service.update_action, session=session, project_id=s.project_id,
            action_id=action.id, end_on=date(2026, 1, 1))  # fmt: skip
    refused("error.level_range", service.create_action, session=session, project_id=s.project_id, title="x",
            targets={s.housing: 7})  # fmt: skip
    refused("error.commission_missing", service.create_action, session=session, project_id=s.project_id, title="x",
            commission_id=999)  # fmt: skip
    service.update_action(session=session, project_id=s.project_id, action_id=action.id, targets={s.housing: 5})
    targets = service.action_targets(session=session, project_id=s.project_id)
    assert targets.values.tolist() == [[action.id, s.housing, 5]]
    frame = service.actions_frame(session=session, project_id=s.project_id)
    assert frame.loc[0, ["pilot", "commission"]].tolist() == ["Mairie", "Logement"]


def test_commitments_reciprocal_due_and_fulfilment(session, setting):
    s = setting
    action = service.create_action(
        session=session, project_id=s.project_id, title="Contrat", targets={s.work: 4}, pilot_partner_id=s.town
    )
    common = {"session": session, "project_id": s.project_id, "action_id": action.id}
    money = service.add_commitment(**common, partner_id=s.town, kind="funding", amount="8 500", unit="EUR",
                                   due_on=date(2026, 10, 1))  # fmt: skip
    pledge = service.add_commitment(**common, partner_id=s.people, kind="participation", amount="10", unit="ateliers",
                                    reciprocal_id=money)  # fmt: skip
    frame = service.commitments_frame(session=session, project_id=s.project_id, details=True).set_index("id")
    assert frame.loc[pledge, "reciprocal_id"] == money and frame.loc[money, "reciprocal_id"] == pledge
    assert frame.loc[money, "fulfilment"] == "pending" and frame.loc[money, "due_on"] == date(2026, 10, 1)
    refused("error.reciprocal_same_partner", service.add_commitment, **common, partner_id=s.people,
            kind="volunteers", reciprocal_id=pledge)  # fmt: skip
    refused("error.amount_funding", service.add_commitment, **common, partner_id=s.town, kind="funding", amount="")
    refused("error.amount_negative", service.add_commitment, **common, partner_id=s.town, kind="funding", amount="-1")
    refused("error.amount_number", service.add_commitment, **common, partner_id=s.town, kind="funding", amount="abc")
    service.set_fulfilment(session=session, project_id=s.project_id, commitment_id=money, fulfilment="kept",
                           fulfilled_on=date(2026, 9, 20))  # fmt: skip
    refused("error.fulfilment", service.set_fulfilment, session=session, project_id=s.project_id,
            commitment_id=money, fulfilment="maybe")  # fmt: skip
    frame = service.commitments_frame(session=session, project_id=s.project_id, details=True).set_index("id")
    assert frame.loc[money, "fulfilment"] == "kept" and frame.loc[money, "fulfilled_on"] == date(2026, 9, 20)
    assert len(frame) == 2  # nothing half-written by the refusals


def test_a_commitment_entered_by_mistake_is_removed_with_its_links_but_a_recorded_one_stays(session, setting):
    s = setting
    action = service.create_action(
        session=session, project_id=s.project_id, title="Contrat", targets={s.work: 4}, pilot_partner_id=s.town
    )
    common = {"session": session, "project_id": s.project_id, "action_id": action.id}
    money = service.add_commitment(**common, partner_id=s.town, kind="funding", amount="100", unit="EUR")
    pledge = service.add_commitment(**common, partner_id=s.people, kind="participation", reciprocal_id=money)
    kept = service.add_commitment(**common, partner_id=s.people, kind="volunteers", amount="3", unit="personnes")
    service.set_fulfilment(session=session, project_id=s.project_id, commitment_id=kept, fulfilment="kept")
    frame = service.commitments_frame(session=session, project_id=s.project_id, details=True).set_index("id")
    version = frame.loc[pledge, "version"]
    refused("error.stale_commitment", service.remove_commitment, session=session, project_id=s.project_id,
            commitment_id=pledge, expected_version=int(version) + 1)  # fmt: skip
    service.remove_commitment(session=session, project_id=s.project_id, commitment_id=pledge,
                              expected_version=int(version))  # fmt: skip
    frame = service.commitments_frame(session=session, project_id=s.project_id, details=True).set_index("id")
    assert sorted(frame.index) == [money, kept] and frame["reciprocal_id"].isna().all()
    assert service.reciprocals(session=session, project_id=s.project_id) == {}
    refused("error.commitment_recorded", service.remove_commitment, session=session, project_id=s.project_id,
            commitment_id=kept)  # fmt: skip
    refused("error.commitment_missing", service.remove_commitment, session=session, project_id=s.project_id,
            commitment_id=pledge)  # fmt: skip
    assert len(service.commitments_frame(session=session, project_id=s.project_id, details=True)) == 2


def test_funding_per_action_and_partner(session, setting):
    s = setting
    one = service.create_action(session=session, project_id=s.project_id, title="A", targets={s.work: 4})
    two = service.create_action(session=session, project_id=s.project_id, title="B", targets={s.work: 4})
    for action, partner, amount in [
        (one, s.town, 3000),
        (one, s.people, 1000),
        (two, s.town, 500),
        (one, s.town, 1000),
    ]:
        service.add_commitment(session=session, project_id=s.project_id, action_id=action.id, partner_id=partner,
                               kind="funding", amount=amount, unit="EUR")  # fmt: skip
    service.add_commitment(session=session, project_id=s.project_id, action_id=one.id, partner_id=s.people,
                           kind="volunteers", amount=4, unit="personnes")  # fmt: skip
    table = service.funding_frame(session=session, project_id=s.project_id)
    rows = {(r.action_id, r.partner): (r.amount, round(r.share, 2)) for r in table.itertuples()}
    assert rows == {(one.id, "Mairie"): (4000, 0.8), (one.id, "Collectif des habitants"): (1000, 0.2),
                    (two.id, "Mairie"): (500, 1.0)}  # fmt: skip


def test_partner_with_commitments_is_archived_never_dropped(session, setting):
    s = setting
    action = service.create_action(session=session, project_id=s.project_id, title="A", targets={s.work: 4})
    service.add_commitment(session=session, project_id=s.project_id, action_id=action.id, partner_id=s.people,
                           kind="participation")  # fmt: skip
    lonely = service.add_partner(session=session, project_id=s.project_id, name="Sans engagement").id
    assert partners.remove_partner(session=session, project_id=s.project_id, partner_id=lonely) == partners.DELETED
    assert partners.remove_partner(session=session, project_id=s.project_id, partner_id=s.people) == partners.ARCHIVED
    active = {p.name for p in service.list_partners(session=session, project_id=s.project_id)}
    assert active == {"Mairie"}
    directory = partners.directory(session=session, project_id=s.project_id).set_index("name")
    assert bool(directory.loc["Collectif des habitants", "archived"]) and "Sans engagement" not in directory.index
    commitments = service.commitments_frame(session=session, project_id=s.project_id, details=True)
    assert commitments["partner"].tolist() == ["Collectif des habitants"] and commitments["archived"].all()
    refused("error.partner_archived", service.add_commitment, session=session, project_id=s.project_id,
            action_id=action.id, partner_id=s.people, kind="volunteers")  # fmt: skip
    partners.restore_partner(session=session, project_id=s.project_id, partner_id=s.people)
    assert len(service.list_partners(session=session, project_id=s.project_id)) == 2


def test_partner_directory_fields_and_bad_kind(session, setting):
    s = setting
    signed = date(2025, 11, 18)
    partner = service.add_partner(session=session, project_id=s.project_id, name="Centre social", kind="association",
                                  contact="Amina, 03 00 00 12 34", charter_signed_on=signed)  # fmt: skip
    assert (partner.contact, partner.charter_signed_on) == ("Amina, 03 00 00 12 34", signed)
    refused("error.partner_kind", service.add_partner, session=session, project_id=s.project_id, name="X", kind="gang")
    updated = partners.update_partner(session=session, project_id=s.project_id, partner_id=partner.id, kind="school")
    assert updated.kind == "school"


def test_commissions_with_pilot_and_members(session, setting):
    s = setting
    commission = partners.create_commission(session=session, project_id=s.project_id, name="Santé et vie quotidienne",
                                            pilot_partner_id=s.town, member_ids=[s.people, s.people])  # fmt: skip
    service.create_action(session=session, project_id=s.project_id, title="Jardin", commission_id=commission.id)
    [view] = partners.commissions_overview(session=session, project_id=s.project_id)
    assert (view.pilot, view.members, view.actions) == ("Mairie", ["Mairie", "Collectif des habitants"], ["Jardin"])
    members = partners.set_members(session=session, project_id=s.project_id, commission_id=commission.id, member_ids=[])
    assert members == [s.town]  # the pilot stays a member
    refused("error.partner_missing", partners.create_commission, session=session, project_id=s.project_id,
            name="X", pilot_partner_id=999)  # fmt: skip


def test_plenaries_with_date_and_what_was_presented(session, setting):
    s = setting
    partners.add_plenary(session=session, project_id=s.project_id, held_on=date(2026, 6, 12), title="Plénière 2",
                         presented="Le diagnostic", attendance="48")  # fmt: skip
    partners.add_plenary(session=session, project_id=s.project_id, held_on=date(2026, 1, 10), title="Plénière 1")
    plenaries = partners.list_plenaries(session=session, project_id=s.project_id)
    assert [(p.title, p.attendance) for p in plenaries] == [("Plénière 1", None), ("Plénière 2", 48)]
    for value in ("-3", "beaucoup"):
        refused("error.attendance", partners.add_plenary, session=session, project_id=s.project_id,
                held_on=date(2026, 1, 1), title="x", attendance=value)  # fmt: skip
    refused("error.plenary_date", partners.add_plenary, session=session, project_id=s.project_id, held_on=None,
            title="x")  # fmt: skip


def test_milestones(session, setting):
    s = setting
    action = service.create_action(session=session, project_id=s.project_id, title="A", targets={s.work: 4})
    first = service.add_milestone(session=session, project_id=s.project_id, action_id=action.id,
                                  title="Premier atelier", due_on=date(2026, 10, 5))  # fmt: skip
    service.add_milestone(session=session, project_id=s.project_id, action_id=action.id, title="Bilan",
                          due_on=date(2027, 6, 1))  # fmt: skip
    service.set_milestone_done(session=session, project_id=s.project_id, milestone_id=first, done_on=date(2026, 10, 6))
    frame = service.milestones_frame(session=session, project_id=s.project_id)
    assert frame["title"].tolist() == ["Premier atelier", "Bilan"]
    assert frame["done_on"].tolist()[0] == date(2026, 10, 6)
    refused("error.milestone_date", service.add_milestone, session=session, project_id=s.project_id,
            action_id=action.id, title="x", due_on=None)  # fmt: skip
    refused("error.action_missing", service.add_milestone, session=session, project_id=s.project_id, action_id=999,
            title="x", due_on=date(2026, 1, 1))  # fmt: skip
