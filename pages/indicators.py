"""Step 2: the mixed group turns clusters into indicators with five situations; edits, orders, retires them;
exports and imports indicator sets. The synthesis views are on pages/indicator_views.py.
"""

import pandas as pd
import streamlit as st

from indicators import board, service, transfer
from indicators.models import LEVELS, RETIRED
from ui import access, shell
from ui.shell import t
from workshop import grid
from workshop.errors import SpiraleError

access.require_page(__file__)

FROM_CLUSTERS_KEY = "indicator_from_clusters"  # set by the board's "create an indicator" button
SEEN_KEY = "indicator_versions"  # {indicator id: version} as this screen last drew them
FIELDS = ("new_name_fr", "new_name_en", "new_code", "new_definition", "new_supporting")
DRAFTS_KEY = "new_drafts"  # {level: text} the machine drafted for the new indicator


def code_pair(code: str | None, family_codes: set[str]) -> tuple[str | None, str | None]:
    """One grid code chosen in a list -> (family, component)."""
    if not code:
        return None, None
    return (code, None) if code in family_codes else (None, code)


def fill_draft(cluster_ids: list[int]) -> None:
    """Put the draft made from clusters' notes into the new-indicator form, for people to rewrite."""
    try:
        with shell.session() as session:
            draft = service.draft_from_clusters(
                session=session, project_id=project_id, cluster_ids=cluster_ids, lang=shell.lang()
            )
    except SpiraleError as error:
        st.session_state["indicator_error"] = error
        return
    st.session_state["new_name_fr"] = draft.name_fr[:120]
    st.session_state["new_code"] = draft.component_code or draft.family_code
    st.session_state["new_supporting"] = draft.criterion_ids
    st.session_state[DRAFTS_KEY] = dict(draft.levels)  # what stays "to rewrite" until someone edits or accepts it
    for level in LEVELS:
        st.session_state[f"level_text_{level}"] = draft.levels.get(level, "")
        st.session_state[f"level_accept_{level}"] = False


def level_label(level: int, to_rewrite: bool) -> str:
    """A situation's label, marked while it is still the machine's draft."""
    return t(f"level.{level}") + (f" · ✍️ {t('step2.to_rewrite')}" if to_rewrite else "")


def accept_box(level: int, key: str) -> bool:
    return st.checkbox(t("step2.accept_level"), key=key, help=t("step2.accept_help"))


def on_draft() -> None:
    fill_draft(st.session_state.get("new_clusters", []))


project_id = shell.require_project()
st.title(t("step2.title"))
st.write(t("step2.intro"))

if arriving := st.session_state.pop(FROM_CLUSTERS_KEY, None):
    st.session_state["new_clusters"] = arriving
    fill_draft(arriving)
if error := st.session_state.pop("indicator_error", None):
    shell.show_error(error)

with shell.session() as session:
    view = board.load_board(session=session, project_id=project_id)
    entries = grid.list_grid(session=session, project_id=project_id)
    frame = service.indicators_frame(session=session, project_id=project_id)
    diversity = service.diversity(session=session, project_id=project_id, lang=shell.lang())
    uncarried = service.notes_without_indicator(session=session, project_id=project_id)
codes = {e.code: f"{e.code} · {grid.label(e, shell.lang())}" for e in entries}
family_codes = {e.code for e in entries if e.code == e.family}
notes = {n.criterion_id: f"{n.text[:90]} · {n.group}" for n in view.notes}

# ---------- a new indicator, drafted from clusters ----------
st.header(t("step2.new_indicator"))
with st.container():
    clusters = {c.id: f"{c.name or '—'} ({len(c.notes)})" for c in view.clusters}
    if clusters:
        st.multiselect(
            t("step2.from_clusters"),
            list(clusters),
            format_func=clusters.get,
            key="new_clusters",
            placeholder=t("board.pick_clusters"),
        )
        st.button(t("step2.draft"), icon="📝", on_click=on_draft)
    else:
        st.info(t("step2.no_cluster"))
        st.page_link("pages/board.py", label=t("nav.board"), icon="🧩")
    with st.form("new_indicator"):
        chosen = st.multiselect(
            t("step2.supporting"),
            list(notes),
            format_func=notes.get,
            key="new_supporting",
            placeholder=t("board.pick_notes"),
        )
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
                level_label(level, drafted), max_chars=2000, key=f"level_text_{level}", height=80
            )
            if drafted and accept_box(level, f"level_accept_{level}"):
                accepted.append(level)
        if st.form_submit_button(t("step2.create_indicator"), type="primary"):
            family, component = code_pair(code, family_codes)
            try:
                with shell.session() as session:
                    created = service.create_indicator(
                        session=session,
                        project_id=project_id,
                        name_fr=name_fr,
                        name_en=name_en,
                        family_code=family,
                        component_code=component,
                        definition=definition,
                        levels=levels,
                        criterion_ids=chosen,
                        drafts=drafts,
                        accepted=accepted,
                    )
                    rewrite = service.levels_to_rewrite(session=session, project_id=project_id, indicator_id=created.id)
            except SpiraleError as error:
                shell.show_error(error)
            else:
                st.session_state.pop(DRAFTS_KEY, None)
                if rewrite:
                    st.warning(t("step2.created.to_rewrite", name=shell.md_escape(created.name_fr), count=len(rewrite)))
                else:
                    st.success(t(f"step2.created.{created.status}", name=shell.md_escape(created.name_fr)))


# ---------- the indicators: edit, reorder, retire ----------
def change(action, **params) -> None:  # noqa: ANN001, ANN003 - an indicators.service function and its arguments
    def keep(error: SpiraleError) -> None:
        st.session_state["indicator_error"] = error

    shell.attempt(action, on_refusal=keep, project_id=project_id, **params)


def change_shown(action, *, indicator_id: int) -> None:  # noqa: ANN001 - an indicators.service function
    """A change of one indicator as this screen last showed it (a callback runs before the next drawing)."""
    change(action, indicator_id=indicator_id, expected_version=st.session_state.get(SEEN_KEY, {}).get(indicator_id))


st.header(t("step2.indicators"))
with st.container():
    with shell.session() as session:
        everything = service.list_indicators(session=session, project_id=project_id, include_retired=True)
    # A form is submitted by the next run of this script: it saves with the versions the screen showed
    # (the last run's), so an indicator another screen saved meanwhile is refused instead of overwritten.
    drawn = st.session_state.get(SEEN_KEY, {})
    st.session_state[SEEN_KEY] = {i.id: i.version for i in everything}
    if not everything:
        st.info(t("step2.no_indicator"))
    else:
        voices = {v.indicator_id: v for v in diversity.indicators}
        shown = frame.assign(
            status=frame["status"].map(lambda s: t(f"indicator.status.{s}")),
            heard=[
                ", ".join(f"{g} ({n})" for g, n in voices[i].groups.items()) if i in voices else "" for i in frame["id"]
            ],
            silent=[", ".join(voices[i].silent) if i in voices else "" for i in frame["id"]],
            to_rewrite=[t("step2.to_rewrite_count", count=n) if n else "" for n in frame["to_rewrite"]],
        )
        st.dataframe(
            shown[["name_fr", "family", "component", "status", "to_rewrite", "notes", "groups", "heard", "silent"]],
            hide_index=True,
            width="stretch",
            column_config={
                "name_fr": t("indicator.name_fr"),
                "family": t("indicator.family"),
                "component": t("indicator.component"),
                "status": t("indicator.status"),
                "to_rewrite": t("step2.to_rewrite_column"),
                "notes": t("indicator.notes"),
                "groups": t("indicator.groups"),
                "heard": t("step2.voices_heard"),
                "silent": t("step2.voices_silent"),
            },
        )
        by_id = {i.id: i for i in everything}
        label = {i.id: f"{i.position + 1}. {i.name_fr} · {t('indicator.status.' + i.status)}" for i in everything}
        current = st.selectbox(t("step2.edit_which"), list(by_id), format_func=label.get, key="edit_indicator")
        indicator = by_id[current]
        up, down, retire = st.columns(3)
        up.button(
            t("step2.up"),
            icon="⬆️",
            on_click=change,
            args=(service.move_indicator,),
            kwargs={"indicator_id": current, "offset": -1},
            width="stretch",
        )
        down.button(
            t("step2.down"),
            icon="⬇️",
            on_click=change,
            args=(service.move_indicator,),
            kwargs={"indicator_id": current, "offset": 1},
            width="stretch",
        )
        if indicator.status == RETIRED:
            retire.button(
                t("step2.restore"),
                icon="♻️",
                on_click=change_shown,
                args=(service.restore_indicator,),
                kwargs={"indicator_id": current},
                width="stretch",
            )
        else:
            retire.button(
                t("step2.retire"),
                icon="🗄️",
                on_click=change_shown,
                args=(service.retire_indicator,),
                kwargs={"indicator_id": current},
                width="stretch",
            )
        with shell.session() as session:
            support = service.supporting_notes(session=session, project_id=project_id, indicator_id=current)
            texts = service.levels_of(session=session, project_id=project_id, indicator_id=current)
            rewrite = service.levels_to_rewrite(session=session, project_id=project_id, indicator_id=current)
        st.caption(
            t(
                "step2.support",
                notes=len(support),
                groups=support["group"].nunique(),
                names=", ".join(sorted(support["group"].unique())),
            )
        )
        with st.form(f"edit_{current}"):
            linked = support["id"].tolist()
            edit_notes = st.multiselect(
                t("step2.supporting"),
                list(dict.fromkeys([*linked, *notes])),
                default=linked,
                format_func=lambda i: notes.get(i, f"#{i}"),
                placeholder=t("shell.choose"),
            )
            edit_fr = st.text_input(t("indicator.name_fr"), value=indicator.name_fr, max_chars=120)
            edit_en = st.text_input(t("indicator.name_en"), value=indicator.name_en, max_chars=200)
            now = indicator.component_code or indicator.family_code
            options = [None, *codes]
            edit_code = st.selectbox(
                t("indicator.family_component"),
                options,
                index=options.index(now) if now in options else 0,
                format_func=lambda c: codes[c] if c else "—",
            )
            edit_definition = st.text_area(t("indicator.definition"), value=indicator.definition, max_chars=2000)
            if rewrite:
                st.warning(t("step2.edit_to_rewrite", count=len(rewrite)), icon="✍️")
            edit_levels, edit_accepted = {}, []
            for level in LEVELS:
                edit_levels[level] = st.text_area(
                    level_label(level, level in rewrite),
                    value=texts.get(level, ""),
                    max_chars=2000,
                    height=80,
                    key=f"edit_{current}_level_{level}",
                )
                if level in rewrite and accept_box(level, f"edit_{current}_accept_{level}"):
                    edit_accepted.append(level)
            if st.form_submit_button(t("step2.save"), type="primary"):
                family, component = code_pair(edit_code, family_codes)
                try:
                    with shell.session() as session:
                        saved = service.update_indicator(
                            session=session,
                            project_id=project_id,
                            indicator_id=current,
                            name_fr=edit_fr,
                            name_en=edit_en,
                            family_code=family,
                            component_code=component,
                            definition=edit_definition,
                            levels=edit_levels,
                            criterion_ids=edit_notes,
                            expected_version=drawn.get(current),
                            accepted=edit_accepted,
                        )
                        left = service.levels_to_rewrite(session=session, project_id=project_id, indicator_id=current)
                except SpiraleError as error:
                    shell.show_error(error)
                else:
                    st.session_state[SEEN_KEY][current] = saved.version
                    if left:
                        st.warning(t("step2.saved.to_rewrite", name=shell.md_escape(saved.name_fr), count=len(left)))
                    else:
                        st.success(t(f"step2.saved.{saved.status}", name=shell.md_escape(saved.name_fr)))

# ---------- diversity: voices no indicator carries yet ----------
st.header(t("step2.voices_title"))
if diversity.unheard:
    st.warning(t("step2.voices_unheard", names=", ".join(diversity.unheard)), icon="📣")
if uncarried.empty:
    st.success(t("step2.views.none_forgotten"))
else:
    st.caption(t("step2.voices_uncarried", count=len(uncarried)))
    st.dataframe(
        uncarried.assign(question=uncarried["question"].map(lambda q: t(f"question.{q}.short")))[
            ["text", "group", "question"]
        ],
        hide_index=True,
        width="stretch",
        column_config={"text": t("step2.col.text"), "group": t("step2.col.group"), "question": t("step2.col.question")},
    )

# ---------- reuse: export and import ----------
st.divider()
with st.expander(t("step2.tab.transfer"), icon="🔁"):
    st.subheader(t("step2.export"))
    columns = st.columns(len(transfer.FORMATS))
    with shell.session() as session:
        files = {
            fmt: transfer.export_indicators(session=session, project_id=project_id, fmt=fmt) for fmt in transfer.FORMATS
        }
    mime = {
        "csv": "text/csv",
        "json": "application/json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    for column, fmt in zip(columns, transfer.FORMATS, strict=True):
        column.download_button(
            fmt.upper(),
            files[fmt],
            file_name=f"indicateurs.{fmt}",
            mime=mime[fmt],
            icon="⬇️",
            key=f"export_{fmt}",
            width="stretch",
        )
    st.subheader(t("step2.import"))
    st.caption(t("step2.import_help"))
    upload = st.file_uploader(t("step2.import_file"), type=list(transfer.FORMATS), key="indicator_file")
    if upload is not None and st.button(t("step2.import_button"), type="primary", icon="⬆️"):
        data = upload.getvalue()
        try:
            with shell.session() as session:
                report = transfer.check_import(session=session, project_id=project_id, data=data, filename=upload.name)
                if report.ok:
                    count = transfer.import_indicators(
                        session=session, project_id=project_id, data=data, filename=upload.name
                    )
        except SpiraleError as error:
            shell.show_error(error)
        else:
            if report.ok:
                st.success(t("step2.imported", count=count))
            else:
                shell.show_error(SpiraleError("error.indicator_import", count=len(report.problems)))
                st.dataframe(
                    pd.DataFrame(
                        {
                            "row": [p.row for p in report.problems],
                            "problem": [t(p.key, **p.params) for p in report.problems],
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                    column_config={"row": t("step2.import_row"), "problem": t("step2.import_problem")},
                )
