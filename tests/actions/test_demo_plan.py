"""The demo's action plan: commissions, plenaries, milestones, reciprocal commitments and their follow-up."""

from datetime import date

import demo
from actions import followup, partners, priorities, service


def test_demo_plan_has_every_concept(session):
    pid = demo.load_demo(session=session).id
    views = partners.commissions_overview(session=session, project_id=pid)
    assert len(views) == 4 and all(v.pilot and v.members for v in views)
    assert sum(len(v.actions) for v in views) == 5
    assert len(partners.list_plenaries(session=session, project_id=pid)) == 3
    assert len(service.milestones_frame(session=session, project_id=pid)) == 10
    commitments = followup.commitment_followup(session=session, project_id=pid, today=date(2026, 11, 1))
    assert commitments["reciprocal_id"].notna().sum() == 2  # the social contract's pair, both ways
    counts = followup.state_counts(commitments)
    assert counts["kept"] >= 4 and counts["late"] >= 2 and counts["missing"] == 1
    assert all(not a.flags for a in service.list_actions(session=session, project_id=pid))
    ranked = priorities.ranking(session=session, project_id=pid)
    assert len(ranked) >= 12 and ranked["reasons"].map(len).min() >= 1
    funding = service.funding_frame(session=session, project_id=pid)
    assert funding["amount"].sum() == 8500 + 65000 + 1500 + 4000
