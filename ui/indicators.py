"""Step 2's drawing: the new-indicator form (drafted from clusters), the indicators' table, their edit form and
buttons, the voices no indicator carries, the export and import of indicator sets. Writes go through
shell.attempt; a refusal raised in a callback waits under ERROR_KEY for the page's next drawing.
"""

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from indicators import service, transfer
from indicators.models import LEVELS, RETIRED, IndicatorRead
from ui import shell
from ui.shell import t
from workshop.errors import SpiraleError

ERROR_KEY = "indicator_error"
SEEN_KEY = "indicator_versions"  # {indicator id: version} as this screen last drew them
DRAFTS_KEY = "new_drafts"  # {level: text} the machine drafted for the new indicator
MIME = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def keep_refusal(error: SpiraleError) -> None:
    st.session_state[ERROR_KEY] = error


def fill_draft(project_id: int, cluster_ids: list[int]) -> None:
    """Put the draft made from clusters' notes into the new-indicator form, for people to rewrite."""
    ok, draft = shell.attempt(
        service.draft_from_clusters,
        on_refusal=keep_refusal,
        project_id=project_id,
        cluster_ids=cluster_ids,
        lang=shell.lang(),
    )
    if not ok:
        return
    st.session_state["new_name_fr"] = draft.name_fr[:120]
    st.session_state["new_code"] = draft.component_code or draft.family_code
    st.session_state["new_supporting"] = draft.criterion_ids
    st.session_state[DRAFTS_KEY] = dict(draft.levels)  # what stays "to rewrite" until someone edits or accepts it
    for level in LEVELS:
        st.session_state[f"level_text_{level}"] = draft.levels.get(level, "")
        st.session_state[f"level_accept_{level}"] = False


def _level_label(level: int, to_rewrite: bool) -> str:
    """A situation's label, marked while it is still the machine's draft."""
    return t(f"level.{level}") + (f" · ✍️ {t('step2.to_rewrite')}" if to_rewrite else "")


def _accept_box(key: str) -> bool:
    return st.checkbox(t("step2.accept_level"), key=key, help=t("step2.accept_help"))


def _rewrite_said(name: str, left: set[int], saved_key: str, rewrite_key: str, status: str) -> None:
    """After a save: how many situations are still the machine's, or the indicator's new status."""
    if left:
        st.warning(t(rewrite_key, name=shell.md_escape(name), count=len(left)))
    else:
        st.success(t(f"{saved_key}.{status}", name=shell.md_escape(name)))


def _to_rewrite(project_id: int, indicator_id: int) -> set[int]:
    with shell.read_session() as session:
        return service.levels_to_rewrite(session=session, project_id=project_id, indicator_id=indicator_id)


def new_indicator(project_id: int, clusters: dict[int, str], codes: dict[str, str], families: set[str],
                  notes: dict[int, str]) -> None:  # fmt: skip
    """Clusters to draft from, then the form: supporting notes, names, grid code, definition, five situations."""
    if clusters:
        st.multiselect(
            t("step2.from_clusters"),
            list(clusters),
            format_func=clusters.get,
            key="new_clusters",
            placeholder=t("board.pick_clusters"),
        )
        st.button(
            t("step2.draft"),
            icon="📝",
            on_click=lambda: fill_draft(project_id, st.session_state.get("new_clusters", [])),
        )
    else:
        st.info(t("step2.no_cluster"))
        st.page_link("pages/board.py", label=t("nav.board"), icon="🧩")
    with st.form("new_indicator"):
        chosen = st.multiselect(
            t("step2.supporting"), list(notes), format_func=notes.get, key="new_supporting",
            placeholder=t("board.pick_notes"),
        )  # fmt: skip
        name_fr = st.text_input(t("indicator.name_fr"), max_chars=120, key="new_name_fr")
        name_en = st.text_input(t("indicator.name_en"), max_chars=200, key="new_name_en")
        code = st.selectbox(
            t("indicator.family_component"),
            [None, *codes],
            format_func=lambda c: codes[c] if c else "—",
            key="new_code",
        )
        definition = st.text_area(t("indicator.definition"), max_chars=2000, key="new_definition")
        st.caption(t("step2.levels_help"))
        drafts = st.session_state.get(DRAFTS_KEY, {})
        if drafts:
            st.warning(t("step2.drafts_warning"), icon="✍️")
        levels, accepted = {}, []
        for level in LEVELS:
            drafted = level in drafts and st.session_state.get(f"level_text_{level}", "") == drafts[level]
            levels[level] = st.text_area(
                _level_label(level, drafted), max_chars=2000, key=f"level_text_{level}", height=80
            )
            if drafted and _accept_box(f"level_accept_{level}"):
                accepted.append(level)
        if not st.form_submit_button(t("step2.create_indicator"), type="primary"):
            return
    family, component = service.code_pair(code, families)
    ok, created = shell.attempt(
        service.create_indicator, project_id=project_id, name_fr=name_fr, name_en=name_en, family_code=family,
        component_code=component, definition=definition, levels=levels, criterion_ids=chosen, drafts=drafts,
        accepted=accepted,
    )  # fmt: skip
    if ok:
        st.session_state.pop(DRAFTS_KEY, None)
        left = _to_rewrite(project_id, created.id)
        _rewrite_said(created.name_fr, left, "step2.created", "step2.created.to_rewrite", created.status)


def indicators_table(frame: pd.DataFrame, diversity: service.Diversity) -> None:
    voices = {v.indicator_id: v for v in diversity.indicators}
    shown = frame.assign(
        status=frame["status"].map(lambda s: t(f"indicator.status.{s}")),
        heard=[
            ", ".join(f"{g} ({n})" for g, n in voices[i].groups.items()) if i in voices else "" for i in frame["id"]
        ],
        silent=[", ".join(voices[i].silent) if i in voices else "" for i in frame["id"]],
        to_rewrite=[t("step2.to_rewrite_count", count=n) if n else "" for n in frame["to_rewrite"]],
    )
    columns = ["name_fr", "family", "component", "status", "to_rewrite", "notes", "groups", "heard", "silent"]
    names = {
        "name_fr": "indicator.name_fr", "family": "indicator.family", "component": "indicator.component",
        "status": "indicator.status", "to_rewrite": "step2.to_rewrite_column", "notes": "indicator.notes",
        "groups": "indicator.groups", "heard": "step2.voices_heard", "silent": "step2.voices_silent",
    }  # fmt: skip
    st.dataframe(shown[columns], hide_index=True, width="stretch", column_config={c: t(k) for c, k in names.items()})


def _change(project_id: int, action: Callable[..., Any], **params: Any) -> None:
    """A button's change (a callback: it runs before the next drawing, which shows a refusal)."""
    shell.attempt(action, on_refusal=keep_refusal, project_id=project_id, **params)


def order_buttons(project_id: int, indicator: IndicatorRead) -> None:
    """Up, down, and retire or restore, for the indicator chosen; retiring checks the version shown."""
    up, down, retire = st.columns(3)
    for column, label, icon, offset in ((up, "step2.up", "⬆️", -1), (down, "step2.down", "⬇️", 1)):
        column.button(
            t(label), icon=icon, on_click=_change, width="stretch",
            args=(project_id, service.move_indicator), kwargs={"indicator_id": indicator.id, "offset": offset},
        )  # fmt: skip
    action, label, icon = (
        (service.restore_indicator, "step2.restore", "♻️")
        if indicator.status == RETIRED
        else (service.retire_indicator, "step2.retire", "🗄️")
    )
    retire.button(
        t(label), icon=icon, on_click=_change_shown, width="stretch", args=(project_id, action, indicator.id)
    )  # fmt: skip


def _change_shown(project_id: int, action: Callable[..., Any], indicator_id: int) -> None:
    """A change of one indicator as this screen last showed it: the version is read when the button is clicked,
    so an edit saved by this screen since the button was drawn is not taken for someone else's."""
    shown = st.session_state.get(SEEN_KEY, {}).get(indicator_id)
    _change(project_id, action, indicator_id=indicator_id, expected_version=shown)


def edit_form(project_id: int, indicator: IndicatorRead, codes: dict[str, str], families: set[str],
              notes: dict[int, str], drawn: dict[int, int]) -> None:  # fmt: skip
    """The chosen indicator's notes, names, code, definition and situations; saved against the version drawn."""
    current = indicator.id
    with shell.read_session() as session:
        support = service.supporting_notes(session=session, project_id=project_id, indicator_id=current)
        texts = service.levels_of(session=session, project_id=project_id, indicator_id=current)
        rewrite = service.levels_to_rewrite(session=session, project_id=project_id, indicator_id=current)
    names = ", ".join(sorted(support["group"].unique()))
    st.caption(t("step2.support", notes=len(support), groups=support["group"].nunique(), names=names))
    with st.form(f"edit_{current}"):
        linked = support["id"].tolist()
        edit_notes = st.multiselect(
            t("step2.supporting"), list(dict.fromkeys([*linked, *notes])), default=linked,
            format_func=lambda i: notes.get(i, f"#{i}"), placeholder=t("shell.choose"),
        )  # fmt: skip
        edit_fr = st.text_input(t("indicator.name_fr"), value=indicator.name_fr, max_chars=120)
        edit_en = st.text_input(t("indicator.name_en"), value=indicator.name_en, max_chars=200)
        now = indicator.component_code or indicator.family_code
        options = [None, *codes]
        edit_code = st.selectbox(
            t("indicator.family_component"), options, index=options.index(now) if now in options else 0,
            format_func=lambda c: codes[c] if c else "—",
        )  # fmt: skip
        edit_definition = st.text_area(t("indicator.definition"), value=indicator.definition, max_chars=2000)
        if rewrite:
            st.warning(t("step2.edit_to_rewrite", count=len(rewrite)), icon="✍️")
        edit_levels, edit_accepted = {}, []
        for level in LEVELS:
            edit_levels[level] = st.text_area(
                _level_label(level, level in rewrite), value=texts.get(level, ""), max_chars=2000, height=80,
                key=f"edit_{current}_level_{level}",
            )  # fmt: skip
            if level in rewrite and _accept_box(f"edit_{current}_accept_{level}"):
                edit_accepted.append(level)
        if not st.form_submit_button(t("step2.save"), type="primary"):
            return
    family, component = service.code_pair(edit_code, families)
    ok, saved = shell.attempt(
        service.update_indicator, project_id=project_id, indicator_id=current, name_fr=edit_fr, name_en=edit_en,
        family_code=family, component_code=component, definition=edit_definition, levels=edit_levels,
        criterion_ids=edit_notes, expected_version=drawn.get(current), accepted=edit_accepted,
    )  # fmt: skip
    if ok:
        st.session_state[SEEN_KEY][current] = saved.version
        left = _to_rewrite(project_id, current)
        _rewrite_said(saved.name_fr, left, "step2.saved", "step2.saved.to_rewrite", saved.status)


def voices(diversity: service.Diversity, uncarried: pd.DataFrame) -> None:
    """Groups no indicator carries yet, and the notes no indicator carries."""
    if diversity.unheard:
        st.warning(t("step2.voices_unheard", names=", ".join(diversity.unheard)), icon="📣")
    if uncarried.empty:
        st.success(t("step2.views.none_forgotten"))
        return
    st.caption(t("step2.voices_uncarried", count=len(uncarried)))
    st.dataframe(
        uncarried.assign(question=uncarried["question"].map(lambda q: t(f"question.{q}.short")))[
            ["text", "group", "question"]
        ],
        hide_index=True,
        width="stretch",
        column_config={"text": t("step2.col.text"), "group": t("step2.col.group"), "question": t("step2.col.question")},
    )


def transfer_section(project_id: int) -> None:
    """The project's indicator set in three formats, and a set imported whole or not at all (with its report)."""
    st.subheader(t("step2.export"))
    with shell.read_session() as session:
        files = {f: transfer.export_indicators(session=session, project_id=project_id, fmt=f) for f in transfer.FORMATS}
    for column, fmt in zip(st.columns(len(transfer.FORMATS)), transfer.FORMATS, strict=True):
        column.download_button(
            fmt.upper(), files[fmt], file_name=f"indicateurs.{fmt}", mime=MIME[fmt], icon="⬇️", key=f"export_{fmt}",
            width="stretch",
        )  # fmt: skip
    st.subheader(t("step2.import"))
    st.caption(t("step2.import_help"))
    upload = st.file_uploader(t("step2.import_file"), type=list(transfer.FORMATS), key="indicator_file")
    if upload is None or not st.button(t("step2.import_button"), type="primary", icon="⬆️"):
        return
    file = {"project_id": project_id, "data": upload.getvalue(), "filename": upload.name}
    ok, report = shell.attempt(transfer.check_import, **file)
    if not ok:
        return
    if report.ok:
        ok, count = shell.attempt(transfer.import_indicators, **file)
        if ok:
            st.success(t("step2.imported", count=count))
        return
    shell.show_error(SpiraleError("error.indicator_import", count=len(report.problems)))
    st.dataframe(
        pd.DataFrame(
            {"row": [p.row for p in report.problems], "problem": [t(p.key, **p.params) for p in report.problems]}
        ),
        hide_index=True,
        width="stretch",
        column_config={"row": t("step2.import_row"), "problem": t("step2.import_problem")},
    )
