"""AppTest of the indicator editor: from the board's cluster to an indicator, edit, reorder, retire, views, import."""

import json

from indicators import board, service
from tests.pages.conftest import by_label, load_demo
from tests.pages.readback import downloaded
from workshop import database, i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def click(app, key: str, index: int = 0):
    [b for b in app.button if b.label == fr(key)][index].click().run()
    assert not app.exception
    return app


def indicators(app, db_url, **options):
    with database.session_scope(db_url) as session:
        return service.list_indicators(session=session, project_id=app.session_state["project_id"], **options)


def test_from_the_board_the_draft_has_five_situations_from_the_notes(app, db_url):
    load_demo(app)
    app.switch_page("pages/board.py").run()
    # The drag board's tools: the cluster to work on, then an indicator from it.
    with database.session_scope(db_url) as session:
        first = board.load_board(session=session, project_id=app.session_state["project_id"]).clusters[0]
    app.selectbox(key="board_chosen").set_value(first.id).run()
    click(app, "board.to_indicator")
    assert app.title[0].value == fr("step2.title")
    app.switch_page("pages/indicators.py")  # AppTest would otherwise run the board again on the next click
    levels = [app.text_area(key=f"level_text_{level}").value for level in range(1, 6)]
    assert all(levels) and levels[0] != levels[4]
    supporting = by_label(app.multiselect, fr("step2.supporting")).value
    assert len(supporting) >= 2
    # Every drafted situation is marked to rewrite on the screen, with a box to keep it as it is.
    assert app.warning[0].value == fr("step2.drafts_warning")
    labels = [app.text_area(key=f"level_text_{level}").label for level in range(1, 6)]
    assert all(label.endswith(fr("step2.to_rewrite")) for label in labels)
    by_label(app.text_input, fr("indicator.name_fr")).set_value("Un toit pour tous")
    app.text_area(key="level_text_1").set_value("Je n'ai pas de toit à moi.")
    app.checkbox(key="level_accept_2").check()
    click(app, "step2.create_indicator")
    assert app.warning[-1].value == fr("step2.created.to_rewrite", name="Un toit pour tous", count=3)
    made = next(i for i in indicators(app, db_url) if i.name_fr == "Un toit pour tous")
    assert made.status == "draft" and made.id not in [i.id for i in indicators(app, db_url, usable_only=True)]
    with database.session_scope(db_url) as session:
        notes = service.supporting_notes(session=session, project_id=made.project_id, indicator_id=made.id)
        assert service.levels_to_rewrite(session=session, project_id=made.project_id, indicator_id=made.id) == {3, 4, 5}
    assert sorted(notes["id"]) == sorted(supporting)

    # In the editor, the three left are marked; ticking them makes the indicator usable in a survey.
    app.selectbox(key="edit_indicator").set_value(made.id).run()
    marked = [app.text_area(key=f"edit_{made.id}_level_{level}").label for level in range(1, 6)]
    assert [label.endswith(fr("step2.to_rewrite")) for label in marked] == [False, False, True, True, True]
    for level in (3, 4, 5):
        app.checkbox(key=f"edit_{made.id}_accept_{level}").check()
    click(app, "step2.save")
    assert app.success[0].value == fr("step2.saved.active", name="Un toit pour tous")
    assert made.id in [i.id for i in indicators(app, db_url, usable_only=True)]


def test_the_indicators_page_shows_voices_carried_and_notes_no_indicator_carries(app, db_url):
    load_demo(app)
    app.switch_page("pages/indicators.py").run()
    assert fr("step2.voices_title") in [h.value for h in app.header]
    table = app.dataframe[0].value
    assert {"heard", "silent", "to_rewrite"} <= set(table.columns)
    assert all(table["heard"])  # every demo indicator carries some group's notes
    with database.session_scope(db_url) as session:
        pid = app.session_state["project_id"]
        left = service.notes_without_indicator(session=session, project_id=pid)
    shown = app.dataframe[1].value
    assert sorted(shown["text"]) == sorted(left["text"])


def test_edit_reorder_and_retire(app, db_url):
    load_demo(app)
    app.switch_page("pages/indicators.py").run()
    first, second = indicators(app, db_url)[:2]
    assert app.selectbox(key="edit_indicator").value == first.id
    click(app, "step2.down")
    assert [i.id for i in indicators(app, db_url)[:2]] == [second.id, first.id]
    app.selectbox(key="edit_indicator").set_value(first.id).run()
    app.text_area(key=f"edit_{first.id}_level_3").set_value("   ")
    click(app, "step2.save")
    assert app.success[0].value == fr("step2.saved.draft", name=i18n_escape(first.name_fr))
    assert first.id not in [i.id for i in indicators(app, db_url, usable_only=True)]
    click(app, "step2.retire")
    assert first.id not in [i.id for i in indicators(app, db_url)]
    assert first.id in [i.id for i in indicators(app, db_url, include_retired=True)]
    click(app, "step2.restore")
    assert first.id in [i.id for i in indicators(app, db_url)]


def i18n_escape(name: str) -> str:
    from ui.shell import md_escape

    return md_escape(name)


def test_synthesis_views_and_forgotten_notes(app, db_url):
    load_demo(app)
    app.switch_page("pages/indicator_views.py").run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 2
    with database.session_scope(db_url) as session:
        forgotten = service.notes_without_indicator(session=session, project_id=app.session_state["project_id"])
    assert fr("step2.views.forgotten", count=len(forgotten)) in [s.value for s in app.subheader]
    assert len(app.dataframe[0].value) == len(forgotten) > 0
    by_label(app.button_group, fr("step2.views.kind")).set_value("treemap").run()
    assert not app.exception and len(app.get("plotly_chart")) == 2


def test_export_then_an_import_with_problems_writes_nothing(app, db_url):
    load_demo(app)
    app.switch_page("pages/indicators.py").run()
    assert len(app.get("download_button")) == 3
    exported = json.loads(downloaded(app, "JSON"))  # the set a person downloads: every usable indicator
    usable = indicators(app, db_url, usable_only=True)
    assert [i["name_fr"] for i in exported["indicators"]] == [i.name_fr for i in usable]
    before = len(indicators(app, db_url, include_retired=True))
    bad = b"name_fr,family,level1,level2,level3,level4,level5\nNouveau,Z,a,b,c,d,e\nAutre,A,a,,c,d,e\n"
    app.file_uploader(key="indicator_file").set_value(("set.csv", bad, "text/csv")).run()
    click(app, "step2.import_button")
    assert app.error[0].value == fr("error.indicator_import", count=2)
    problems = app.dataframe[-1].value
    assert list(problems.iloc[:, 0]) == [2, 3]  # the rows a spreadsheet shows: row 1 holds the column names
    assert len(indicators(app, db_url, include_retired=True)) == before
    good = b"name_fr,family,level1,level2,level3,level4,level5\nNouveau,A,a,b,c,d,e\n"
    app.file_uploader(key="indicator_file").set_value(("set.csv", good, "text/csv")).run()
    click(app, "step2.import_button")
    assert app.success[-1].value == fr("step2.imported", count=1)
    assert len(indicators(app, db_url, include_retired=True)) == before + 1
