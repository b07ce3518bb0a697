"""AppTest of the mixed groups' screen: create one, seat delegates, see who is represented and who is missing."""

from groups import service as groups_service
from groups.models import MIXED
from indicators import mixed
from tests.pages.conftest import by_label, load_demo
from tests.pages.readback import stored
from workshop import i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def mixed_groups(app, db_url) -> list:
    return stored(db_url, groups_service.list_groups, project_id=app.session_state["project_id"], kind=MIXED)


def test_compose_a_mixed_group_from_delegates(app, db_url):
    load_demo(app)
    app.switch_page("pages/mixed_groups.py").run()
    assert not app.exception
    assert app.subheader[0].value == fr("mixed.represented", count=6, total=6)  # the demo's first mixed group
    by_label(app.text_input, fr("mixed.name")).set_value("Arc-en-ciel 3")
    next(b for b in app.button if b.label == fr("mixed.create")).click().run()
    missing = [h.proto.body for h in app.get("html") if "spirale-missing" in h.proto.body]
    assert len(missing) == 6 and "Jeunes 16-25 ans" in missing[0]
    assert app.subheader[0].value == fr("mixed.represented", count=0, total=6)
    by_label(app.checkbox, "Jeunes 16-25 ans").check()
    app.text_input[2].set_value("Inès <b>")  # the first delegate's name (after the two fields to create a group)
    by_label(app.checkbox, "Personnes âgées").check()
    next(b for b in app.button if b.label == fr("mixed.save")).click().run()
    assert not app.exception and not app.error
    assert app.subheader[0].value == fr("mixed.represented", count=2, total=6)
    seated = [h.proto.body for h in app.get("html") if "spirale-delegate" in h.proto.body]
    assert "Inès &lt;b&gt;" in seated[0] and fr("mixed.unnamed") in seated[1]
    assert app.subheader[1].value == fr("mixed.missing", count=4)
    made = next(g for g in mixed_groups(app, db_url) if g.profile == "Arc-en-ciel 3")
    table = stored(db_url, mixed.composition, project_id=app.session_state["project_id"], mixed_group_id=made.id)
    assert [(d.group, d.name) for d in table.delegates] == [("Jeunes 16-25 ans", "Inès <b>"), ("Personnes âgées", "")]


def test_create_a_mixed_group_and_refuse_a_blank_name(app, db_url):
    load_demo(app)
    app.switch_page("pages/mixed_groups.py").run()
    before = mixed_groups(app, db_url)
    next(b for b in app.button if b.label == fr("mixed.create")).click().run()
    assert app.error[0].value == fr("error.text_empty")
    assert mixed_groups(app, db_url) == before
    by_label(app.text_input, fr("mixed.name")).set_value("Arc-en-ciel 3")
    next(b for b in app.button if b.label == fr("mixed.create")).click().run()
    assert not app.error
    assert by_label(app.selectbox, fr("mixed.choose")).value == app.session_state["mixed_group"]
    (made,) = [g for g in mixed_groups(app, db_url) if g not in before]
    assert (made.id, made.profile) == (app.session_state["mixed_group"], "Arc-en-ciel 3")
