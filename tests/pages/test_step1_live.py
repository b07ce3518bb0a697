"""AppTest of step 1 live: the facilitator's meeting screen, paper files, synthesis (phones: tests/participants/)."""

import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from groups import join, service
from groups.models import ILLBEING, WELLBEING
from tests.pages.conftest import APP, by_label
from workshop import database, i18n, projects, settings
from workshop.text import NOTE_MAX


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def en(key: str, **params) -> str:
    return i18n.translate(key, "en", **params)


def html_bodies(app, marker: str) -> list[str]:
    return [h.proto.body for h in app.get("html") if marker in h.proto.body]


@pytest.fixture
def meeting(db_url):
    """A project with one group whose join code is open; returns (project, group, code)."""
    with database.session_scope(db_url) as session:
        project = projects.create_project(session=session, name="Atelier")
        group = service.create_group(session=session, project_id=project.id, profile="Parents seuls")
        code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
    return project, group, code


def facilitator(db_url) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    app.switch_page("pages/groups.py").run()
    assert not app.exception
    return app


def _stored_group(db_url, meeting):
    project, group, _ = meeting
    with database.session_scope(db_url) as session:
        return service.get_group(session=session, project_id=project.id, group_id=group.id)


def test_facilitator_opens_and_closes_the_join_code(db_url, meeting):
    _, _, code = meeting
    app = facilitator(db_url)
    assert html_bodies(app, "spirale-join-code")[0].endswith(f">{code}</div>")
    assert app.image, "a QR code is on the projected screen"
    assert any(f"/p/{code}" in c.value for c in app.caption)  # the phones' light route
    assert f"📱 {code}" in html_bodies(app, "spirale-join-reminder")[0]  # stays in view in the sidebar
    by_label(app.button, fr("step1.join.close")).click().run()
    assert not html_bodies(app, "spirale-join-code")
    assert fr("step1.join.closed") in [c.value for c in app.caption]
    assert not join.is_open(_stored_group(db_url, meeting))  # closed in the database: phones are refused
    by_label(app.button, fr("step1.join.open")).click().run()
    assert html_bodies(app, "spirale-join-code")[0].endswith(f">{code}</div>")
    reopened = _stored_group(db_url, meeting)
    assert join.is_open(reopened) and reopened.join_code == code


def test_public_url_setting_makes_the_link(db_url, meeting, monkeypatch):
    monkeypatch.setenv(settings.PUBLIC_URL_VARIABLE, "https://spirale.ville.example/")
    _, _, code = meeting
    app = facilitator(db_url)
    assert fr("step1.join.link", url=f"https://spirale.ville.example/p/{code}") in [c.value for c in app.caption]


def test_a_phone_note_reaches_the_wall(db_url, meeting):
    """A phone's note (sent through the service its route calls; the route itself: tests/participants/)."""
    _, _, code = meeting
    with database.session_scope(db_url) as session:
        join.send_note(
            session=session, code=code, participant_token=join.new_participant_token(), question=ILLBEING,
            text="<b>Un toit</b> **pour tous**",
        )  # fmt: skip
    wall = facilitator(db_url)
    assert "&lt;b&gt;Un toit&lt;/b&gt;" in html_bodies(wall, "spirale-note")[0]
    shorts = [fr(f"question.{q}.short") for q in ("wellbeing", "illbeing", "action")]
    assert [s.value for s in wall.subheader][:3] == [f"{shorts[0]} (0)", f"{shorts[1]} (1)", f"{shorts[2]} (0)"]
    assert "📱" in html_bodies(wall, "spirale-authors")[0]


def test_facilitator_edits_wordings_timer_and_corrections(db_url, meeting):
    project, group, _ = meeting

    def kept(read, **params):  # a groups.service reader, in a session of its own
        with database.session_scope(db_url) as session:
            return read(session=session, project_id=project.id, **params)

    app = facilitator(db_url)
    by_label(app.text_input, fr("step1.wording.fr", question=fr("question.action.short"))).set_value(
        "Que faire ensemble ?"
    )
    by_label(app.button, fr("step1.wording.save")).click().run()
    assert "Que faire ensemble ?" in [c.value for c in app.caption]
    assert kept(service.question_wordings, cycle=1)["action"]["fr"] == "Que faire ensemble ?"
    by_label(app.selectbox, fr("step1.timer.question")).set_value(ILLBEING)
    by_label(app.button, fr("step1.timer.start")).click().run()
    timers = html_bodies(app, "spirale-timer")
    assert len(timers) == 1 and ("Encore 10:00" in timers[0] or "Encore 9:5" in timers[0])
    assert 590 <= service.seconds_left(kept(service.get_group, group_id=group.id), ILLBEING) <= 600
    by_label(app.button, fr("step1.timer.stop")).click().run()
    assert not html_bodies(app, "spirale-timer")
    assert kept(service.get_group, group_id=group.id).timer_question is None
    app.text_input(key="note_text_wellbeing").set_value("Le marché du samedi")
    by_label(app.button, fr("step1.add")).click().run()
    app.run()
    [t for t in app.text_input if t.value == "Le marché du samedi"][-1].set_value("Le marché du samedi matin")
    by_label(app.button, fr("step1.edit_save")).click().run()
    card = html_bodies(app, "spirale-note")[0]
    assert "Le marché du samedi matin" in card and fr("step1.written", text="Le marché du samedi") in card
    assert [(n.text, n.shown_text) for n in kept(service.list_criteria)] == [
        ("Le marché du samedi", "Le marché du samedi matin")  # the first wording kept under the correction
    ]


def test_facilitator_sees_already_said(db_url, meeting):
    from ui import notes

    notes.warm_up().join(timeout=120)  # the wall leaves agreements out while the model loads
    project, group, _ = meeting
    with database.session_scope(db_url) as session:
        service.add_criterion(
            session=session, project_id=project.id, group_id=group.id, question=ILLBEING, text="Le bruit la nuit"
        )
    app = facilitator(db_url)
    app.text_input(key="note_text_illbeing").set_value("Trop de bruit le soir")
    [b for b in app.button if b.label == fr("step1.add")][1].click().run()
    app.run()  # an added note reruns the entry and the wall only: draw the whole page again
    similar = html_bodies(app, "spirale-similar")
    assert len(similar) == 1 and "Le bruit la nuit" in similar[0]
    cards = html_bodies(app, "spirale-note")
    assert len(cards) == 2 and all("🤝1" in card for card in cards)  # the wall shows the agreement too


CSV_OK = (
    "groupe;question;texte;auteur\nParents seuls;bien-être;Un jardin partagé;Ana\nParents seuls;Mal-être;Le bruit;\n"
)
CSV_BAD = "group,question,text\nParents seuls,wellbeing,Un jardin\nInconnus,wellbeing,Une idée\nParents seuls,joie,\n"


def test_paper_import_preview_report_and_all_or_nothing(db_url, meeting):
    project, group, _ = meeting
    app = facilitator(db_url)
    uploader = app.get("file_uploader")
    assert uploader
    app.file_uploader[0].set_value(("atelier.csv", CSV_BAD.encode(), "text/csv")).run()
    assert app.error[0].value == fr("step1.paper.invalid", count=3)
    report = app.dataframe[0].value
    assert list(report.iloc[:, 0]) == [3, 4, 4]
    assert not [b for b in app.button if b.label.startswith(fr("step1.paper.import", rows=0)[:10])]
    app.file_uploader[0].set_value(("atelier.csv", CSV_OK.encode("utf-8-sig"), "text/csv")).run()
    assert app.success[0].value == fr("step1.paper.valid", rows=2)
    by_label(app.button, fr("step1.paper.import", rows=2)).click().run()
    assert not app.exception
    with database.session_scope(db_url) as session:
        stored = service.list_criteria(session=session, project_id=project.id, group_id=group.id)
    assert [(c.question, c.text, c.author) for c in stored] == [
        (WELLBEING, "Un jardin partagé", "Ana"),
        (ILLBEING, "Le bruit", ""),
    ]


def test_paper_wrong_files_get_clear_messages(db_url, meeting):
    app = facilitator(db_url)
    app.file_uploader[0].set_value(("vide.csv", b"", "text/csv")).run()
    assert app.error[0].value == fr("error.file_empty")
    # Excel's "CSV" on Windows is Windows-1252: read (issue 15), with its accents.
    windows = "groupe,question,texte\nParents seuls,action,Un été au jardin".encode("cp1252")
    app.file_uploader[0].set_value(("windows.csv", windows, "text/csv")).run()
    assert not app.error and not app.exception
    assert "Un été au jardin" in str([t.value for t in app.get("dataframe")] + [m.value for m in app.markdown])
    app.file_uploader[0].set_value(("binaire.csv", b"\x00\xff\xfe" * 50, "text/csv")).run()  # no text at all
    assert app.error[0].value == fr("error.file_encoding")
    app.file_uploader[0].set_value(("faux.xlsx", b"not a workbook", "application/octet-stream")).run()
    assert app.error[0].value.startswith(fr("error.file_unreadable", detail="")[:10])


def test_export_buttons_give_csv_and_xlsx(db_url, meeting):
    from groups import paper

    project, group, _ = meeting
    with database.session_scope(db_url) as session:
        service.add_criterion(session=session, project_id=project.id, group_id=group.id, question=WELLBEING, text="Été")
        frame = paper.notes_frame(session=session, project_id=project.id, group_id=group.id)
    app = facilitator(db_url)
    labels = [b.proto.label for b in app.get("download_button")]
    assert fr("step1.paper.export_csv") in labels and fr("step1.paper.export_xlsx") in labels
    assert paper.to_csv(frame).startswith("\ufeffgroup,question,text,author".encode())
    assert pd.read_excel(io.BytesIO(paper.to_xlsx(frame)))["text"].tolist() == ["Été"]


def test_synthesis_shows_the_other_groups(db_url, meeting):
    project, group, _ = meeting
    with database.session_scope(db_url) as session:
        other = service.create_group(session=session, project_id=project.id, profile="Retraités *actifs*")
        service.add_criterion(session=session, project_id=project.id, group_id=group.id, question=WELLBEING, text="A")
        service.add_criterion(session=session, project_id=project.id, group_id=other.id, question=ILLBEING, text="B")
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    app.switch_page("pages/synthesis.py").run()
    assert not app.exception
    assert app.title[0].value == fr("synthesis.title")
    per_question = app.dataframe[0].value
    assert per_question.loc["Parents seuls", fr("synthesis.total")] == 1
    assert app.expander[0].label == "Retraités \\*actifs\\* (1)"
    assert ">B<" in html_bodies(app, "spirale-note")[0].replace("</div>", "<")


def outbox(app: AppTest, question: str, *notes: tuple[str, str, str]) -> AppTest:
    """What the browser's Enter sends: the last notes typed in a column, each with its id and author."""
    value = json.dumps([{"id": i, "text": text, "author": author} for i, text, author in notes])
    app.text_input(key=f"note_outbox_{question}_notes").set_value(value).run()
    assert not app.exception
    return app.run()  # an added note reruns the entry and the wall only: draw the whole page again


def test_enter_outbox_stores_each_note_once(db_url, meeting):
    project, group, _ = meeting
    app = facilitator(db_url)
    outbox(app, ILLBEING, ("a1", "<i>Le bruit</i> **la nuit**", "Ana"), ("a2", "Pas de bus le dimanche", ""))
    # Sent again with one more (Streamlit may merge commits: the newest outbox carries the last notes).
    outbox(app, ILLBEING, ("a1", "<i>Le bruit</i> **la nuit**", "Ana"), ("a2", "x", ""), ("a3", "Trop cher", "Léo"))
    with database.session_scope(db_url) as session:
        stored = service.list_criteria(session=session, project_id=project.id, group_id=group.id)
    assert [(c.question, c.text, c.author) for c in stored] == [
        (ILLBEING, "<i>Le bruit</i> **la nuit**", "Ana"),
        (ILLBEING, "Pas de bus le dimanche", ""),
        (ILLBEING, "Trop cher", "Léo"),
    ]
    assert "&lt;i&gt;Le bruit&lt;/i&gt; **la nuit**" in " ".join(html_bodies(app, "spirale-note"))
    for broken in ("not json", '{"id": "a9"}', '[{"id": 4, "text": "x"}, {"text": "no id"}]'):
        app.text_input(key=f"note_outbox_{ILLBEING}_notes").set_value(broken).run()
        assert not app.exception and not app.error
    outbox(app, WELLBEING, ("b1", "   ", ""))
    assert app.error[0].value == fr("error.text_empty")  # a refusal is said, with what was typed
    with database.session_scope(db_url) as session:
        assert len(service.list_criteria(session=session, project_id=project.id, group_id=group.id)) == 3


def test_facilitator_sees_close_notes_while_typing(db_url, meeting):
    project, group, _ = meeting
    with database.session_scope(db_url) as session:
        service.add_criterion(
            session=session, project_id=project.id, group_id=group.id, question=ILLBEING, text="Le bruit la nuit"
        )
    app = facilitator(db_url)
    app.text_input(key="note_text_illbeing").set_value("Trop de bruit le soir").run()  # typed, not added
    similar = html_bodies(app, "spirale-similar")
    assert len(similar) == 1 and "Le bruit la nuit" in similar[0]
    with database.session_scope(db_url) as session:
        assert len(service.list_criteria(session=session, project_id=project.id)) == 1


def test_a_full_note_is_said_while_typing(db_url, meeting):
    wall = facilitator(db_url)
    assert wall.text_input(key="note_text_action").max_chars == NOTE_MAX
