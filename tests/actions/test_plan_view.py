"""actions.plan: what step 4's page shows and decides, without Streamlit."""

from datetime import date

import pandas as pd

from actions import partners, plan, priorities, service
from actions.models import KEPT


def test_the_plan_reads_actions_partners_targets_and_versions(session, setting):
    pid = setting.project_id
    priorities.choose_axes(session=session, project_id=pid, indicator_ids=[setting.work], decided_by="Comité")
    action = service.create_action(
        session=session, project_id=pid, title="Rénover", targets={setting.housing: 3}, pilot_partner_id=setting.town
    )
    step = service.add_milestone(
        session=session, project_id=pid, action_id=action.id, title="Devis", due_on=date.today()
    )
    kept = service.add_commitment(
        session=session, project_id=pid, action_id=action.id, partner_id=setting.town, kind="funding", amount="500",
        unit="€",
    )  # fmt: skip
    waiting = service.add_commitment(
        session=session, project_id=pid, action_id=action.id, partner_id=setting.people, kind="volunteers", amount="10",
        unit="h",
    )  # fmt: skip
    service.set_fulfilment(session=session, project_id=pid, commitment_id=kept, fulfilment=KEPT)
    partners.remove_partner(session=session, project_id=pid, partner_id=setting.people)  # holds one: archived

    shown = plan.load_plan(session=session, project_id=pid, lang="fr")

    assert [a.title for a in shown.actions] == ["Rénover"]
    assert shown.partner_names == {setting.town: "Mairie", setting.people: "Collectif des habitants"}
    assert shown.active_partners == {setting.town: "Mairie"}
    assert shown.indicator_names == {setting.housing: "Un logement digne", setting.work: "Avoir un travail"}
    assert shown.axes == [setting.work]
    assert shown.aimable() == [setting.work, setting.housing]
    assert shown.targets_of(action.id) == {setting.housing: 3}
    assert shown.pending_commitments() == {waiting}
    versions = shown.versions()
    assert set(versions) == {f"action:{action.id}", f"milestone:{step}", f"commitment:{kept}", f"commitment:{waiting}"}
    assert versions[f"commitment:{kept}"] > versions[f"commitment:{waiting}"]  # the fulfilment changed it
    assert shown.change(action.id, setting.housing) is None  # no ex-post wave yet
    assert shown.funding[["partner", "unit", "amount"]].values.tolist() == [["Mairie", "€", 500.0]]


def test_aimable_puts_the_axes_first_in_their_order_and_skips_unknown_ones():
    assert plan.aimable([1, 2, 3, 4], [3, 9, 1]) == [3, 1, 2, 4]
    assert plan.aimable([1, 2], []) == [1, 2]


def test_an_edit_of_targets_keeps_typed_levels_adds_at_the_new_level_and_drops_the_rest():
    current = {1: 3, 2: 4}
    assert plan.edited_targets(current, [1, 2], {1: 3, 2: 4}, 5) is None  # nothing changed: targets left alone
    assert plan.edited_targets(current, [1, 2], {1: 2, 2: 4}, 5) == {1: 2, 2: 4}
    assert plan.edited_targets(current, [2, 7], {1: 3, 2: 4}, 5) == {2: 4, 7: 5}
    assert plan.edited_targets(current, [], {1: 3, 2: 4}, 5) == {}


def test_each_indicator_change_after_an_ex_post_wave():
    progress = pd.DataFrame(
        {
            "action_id": [1, 1, 2],
            "indicator_id": [10, 11, 10],
            "mean_before": [2.0, float("nan"), 2.0],
            "mean_after": [3.5, 2.0, float("nan")],
            "reached": [True, False, None],
        }
    )
    assert plan.change(progress, 1, 10) == plan.Change(before=2.0, after=3.5, reached=True)
    assert plan.change(progress, 1, 11) == plan.Change(before=None, after=2.0, reached=False)
    assert plan.change(progress, 2, 10) == plan.Change(before=2.0, after=None, reached=None)
    assert plan.change(progress, 3, 10) is None
    assert plan.change(progress.iloc[0:0], 1, 10) is None


def test_funding_totals_add_per_partner_and_unit_never_euros_to_hours():
    funding = pd.DataFrame(
        {
            "action_id": [1, 2, 1, 2],
            "partner": ["Mairie", "Mairie", "Mairie", "Centre social"],
            "unit": ["€", "€", "h", "€"],
            "amount": [500.0, 700.0, 12.0, 2000.0],
            "share": [1.0, 0.26, 1.0, 0.74],
        }
    )
    assert plan.funding_totals(funding).values.tolist() == [
        ["Centre social", "€", 2000.0],
        ["Mairie", "€", 1200.0],
        ["Mairie", "h", 12.0],
    ]
    assert plan.funding_totals(funding.iloc[0:0]).empty
