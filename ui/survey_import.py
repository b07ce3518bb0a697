"""The survey data page's import: a file (and the tool's label file), its columns mapped, its values recoded,
checked once, then written all or nothing. The file is read and checked once per change, not on every rerun.
"""

import hashlib
import json
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from surveys import batches, imports, labels, recodings, service
from ui import shell, survey_recodings
from ui.shell import t
from workshop import formats, settings

FLASH, ROUND, READ, CHECKED = "data_flash", "data_uploads", "data_read", "data_checked"
MAX_RECODED = 40  # values offered for recoding per column: a free-text column has hundreds


def show(project_id: int, wave_id: int, lang: str) -> None:
    rows = formats.integer(settings.import_max_rows(), lang)
    st.caption(t("data.import_help", limit=imports.MAX_BYTES // 1_048_576, rows=rows))
    if flash := st.session_state.pop(FLASH, None):
        st.success(flash)
    round_ = st.session_state.get(ROUND, 0)
    upload = st.file_uploader(t("data.file"), type=["csv", "xlsx"], key=f"data_upload_{round_}")
    label_file = st.file_uploader(
        t("data.labels_file"), type=["xlsx", "txt", "tsv"], help=t("data.labels_file_help"), key=f"data_labels_{round_}"
    )
    if upload is None:
        st.stop()
    read = _read(upload, label_file, lang)
    if read is None:
        st.stop()
    frame, titles = read
    file_key = upload.file_id + (f"_{label_file.file_id}" if label_file else "")  # new labels, new guesses
    if frame.attrs.get("encoding", "utf-8") != "utf-8":
        st.info(t("data.encoding", encoding=_encoding_name(frame.attrs["encoding"])), icon="🔤")
    with shell.read_session() as session:
        target = imports.target(session=session, project_id=project_id)
        saved = recodings.list_recodings(session=session, project_id=project_id)
    reading = survey_recodings.choose(saved, list(frame.columns), target, file_key)
    file_key = f"{file_key}_r{reading.id}"  # another saved reading: the widgets start again from it
    mapping = _mapping(frame, target, titles, file_key, lang, reading.mapping)
    options = _options(frame, mapping, target, file_key, reading)
    survey_recodings.save_form(project_id, list(frame.columns), mapping, options, target, reading)
    checked = _check(project_id, wave_id, (file_key, frame), mapping, options)
    _counts(checked, mapping, file_key)
    if checked.problems:
        _report(checked)
        st.stop()
    if not (checked.responses or checked.updates):
        st.info(t("data.nothing_new"))
        st.stop()
    added, updated = len(checked.responses), len(checked.updates)
    st.success(_said("valid", added, updated))
    if checked.ignored:
        st.caption(t("data.ignored", columns=", ".join(checked.ignored)))
    label = _said("import_now", added, updated)
    if st.button(label, type="primary", icon="📤"):
        ok = _write(project_id, wave_id, (frame, mapping, options), checked, lang)
        if ok:  # a new, empty uploader: the same file cannot be imported twice by a second click
            done = _said("imported", added, updated)
            st.session_state[FLASH] = done
            st.session_state[ROUND] = round_ + 1
            st.session_state.pop(CHECKED, None)
            st.rerun()


def _write(project_id: int, wave_id: int, file: tuple, checked: imports.Checked, lang: str) -> bool:
    """All or nothing: in one transaction, or for a large file in short batches with a progress bar (phones and
    other screens keep writing between them)."""
    frame, mapping, options = file
    if len(checked.responses) <= batches.BATCH:
        ok, _ = shell.attempt(
            imports.import_frame, project_id=project_id, wave_id=wave_id, frame=frame, mapping=mapping, **options
        )
        return ok
    total = formats.integer(len(checked.responses), lang)
    bar = st.progress(0.0, text=t("data.writing", done=0, total=total))

    def progress(done: int, count: int) -> None:
        bar.progress(done / count, text=t("data.writing", done=formats.integer(done, lang), total=total))

    ok, _ = shell.attempt(
        batches.write, opens=None, project_id=project_id, wave_id=wave_id, checked=checked, progress=progress
    )
    return ok


def _said(what: str, added: int, updated: int) -> str:
    """valid / import_now / imported: new respondents, updated ones, or both."""
    if not updated:
        return t(f"data.{what}", count=added)
    return (
        t(f"data.{what}_updates", count=added, updated=updated)
        if added
        else t(f"data.{what}_only_updates", updated=updated)
    )


def _encoding_name(encoding: str) -> str:
    return {"cp1252": "Windows-1252", "utf-8": "UTF-8"}.get(encoding, encoding)


def _read(upload, label_file, lang: str) -> tuple[pd.DataFrame, dict[str, str]] | None:  # noqa: ANN001 - uploads
    """The file as a frame (codes replaced by the label file's labels) and the columns' titles; read once."""
    key = (upload.file_id, label_file.file_id if label_file else "", lang)
    kept = st.session_state.get(READ)
    if kept and kept[0] == key:
        return kept[1]
    ok, frame = shell.attempt(imports.read_table, data=upload.getvalue(), filename=upload.name, opens=None)
    if not ok:
        return None
    titles: dict[str, str] = {}
    if label_file is not None:
        ok, found = shell.attempt(
            labels.read_labels, data=label_file.getvalue(), filename=label_file.name, lang=lang, opens=None
        )
        if not ok:
            return None
        frame, titles = found.relabel(frame), {c: found.title(c) for c in frame.columns}
        st.caption(t("data.labels_read", questions=len(found.titles), lists=len(found.choices)))
    st.session_state[READ] = (key, (frame, titles))
    return frame, titles


def _mapping(
    frame: pd.DataFrame, target: imports.Target, titles: Mapping[str, str], file_id: str, lang: str,
    saved: Mapping[str, str],
) -> dict:  # fmt: skip
    guessed = {**imports.guess_mapping(list(frame.columns), target, titles), **saved}
    questions = {f"q:{key}": (fr if lang == "fr" else en or fr) for key, fr, en, _ in target.questions}
    names = {f"i:{iid}": info["name_en"] if lang == "en" and info["name_en"] else info["name_fr"]
             for iid, info in target.indicators.items()}  # fmt: skip
    option_labels = {
        imports.IGNORE: t("data.map.ignore"),
        imports.CODE: t("export.code"),
        imports.WEIGHT: t("export.weight"),
        imports.SUBMITTED: t("data.map.submitted"),
        **questions,
        **names,
    }
    options = target.options()
    st.subheader(t("data.mapping", rows=len(frame), columns=len(frame.columns)))
    st.caption(t("data.mapping_help"))
    mapping = {}
    grid = st.columns(3)
    for index, column in enumerate(frame.columns):
        title = titles.get(column, "")
        mapping[column] = grid[index % 3].selectbox(
            f"{column} — {title}" if title and title != column else column,
            options,
            index=options.index(guessed[column]),
            format_func=lambda o: option_labels.get(o, o),
            key=f"data_map_{file_id}_{index}",
        )
    return mapping


def _options(
    frame: pd.DataFrame, mapping: Mapping[str, str], target: imports.Target, file_id: str,
    reading: survey_recodings.Reading,
) -> dict:  # fmt: skip
    """The person's choices: complete responses only, the recoding of unknown values, answers already there."""
    submitted = next((c for c, m in mapping.items() if m == imports.SUBMITTED), None)
    complete_only = bool(submitted) and st.checkbox(
        t("data.complete_only", column=submitted), value=reading.complete_only, key=f"data_complete_{file_id}"
    )
    recode = _recoding(frame, mapping, target, file_id, reading.recode)
    merge = st.session_state.get(_merge_key(mapping, file_id), imports.SKIP)
    return {"recode": recode, "complete_only": complete_only, "merge": merge}


def _merge_key(mapping: Mapping[str, str], file_id: str) -> str:
    """The choice for rows already in the wave; its options differ with and without a code column."""
    return f"data_merge_{file_id}_{int(imports.CODE in mapping.values())}"


def _meaning_labels(group: str, target: imports.Target) -> dict[str, str]:
    if group == imports.INDICATORS:
        levels = {str(level): t(f"level.{level}") for level in (1, 2, 3, 4, 5)}
        return {"": t("data.recode.unknown"), **levels, imports.DONT_KNOW: t("export.dont_know"),
                imports.EMPTY: t("data.recode.empty")}  # fmt: skip
    choices = next(q[3] for q in target.questions if f"q:{q[0]}" == group)
    return {"": t("data.recode.unknown"), **{c: c for c in choices}, imports.EMPTY: t("data.recode.empty")}


def _group_name(group: str, target: imports.Target) -> str:
    if group == imports.INDICATORS:
        return t("data.recode.indicators")
    _, fr, en, _ = next(q for q in target.questions if f"q:{q[0]}" == group)
    return en or fr if shell.lang() == "en" else fr


def _recoding(
    frame: pd.DataFrame, mapping: Mapping[str, str], target: imports.Target, file_id: str,
    saved: Mapping[str, Mapping[str, str]],
) -> dict:  # fmt: skip
    """Each choice column's distinct values with their counts and reading; a person gives the unknown ones
    (a saved reading gives them first)."""
    tables = imports.value_table(frame, mapping, target)
    unknown = {group: table[table["meaning"] == ""] for group, table in tables.items()}
    recode: dict[str, dict[str, str]] = {}
    if not tables:
        return recode
    with st.expander(t("data.recode"), expanded=any(len(u) for u in unknown.values())):
        st.caption(t("data.recode_help"))
        for group, table in tables.items():
            labels_of = _meaning_labels(group, target)
            st.markdown(f"**{shell.md_escape(_group_name(group, target))}**")
            shown = table.assign(meaning=table["meaning"].map(lambda m, lab=labels_of: lab.get(m, m)))
            st.dataframe(
                shown,
                hide_index=True,
                column_config={
                    "value": t("data.col.value"),
                    "count": t("data.col.count"),
                    "meaning": t("data.col.meaning"),
                },
            )
            for value in list(unknown[group]["value"])[:MAX_RECODED]:
                meanings = list(labels_of)
                before = saved.get(group, {}).get(value, "")
                chosen = st.selectbox(
                    t("data.recode.value", value=value),
                    meanings,
                    index=meanings.index(before) if before in meanings else 0,
                    format_func=labels_of.get,
                    key=f"data_recode_{file_id}_{group}_{value}",
                )
                if chosen:
                    recode.setdefault(group, {})[value] = chosen
    return recode


def _check(
    project_id: int, wave_id: int, file: tuple[str, pd.DataFrame], mapping: Mapping[str, str], options: dict
) -> imports.Checked:
    """imports.check, again only when the file, the mapping, the options or the wave's respondents changed."""
    file_id, frame = file
    with shell.read_session() as session:
        count = service.respondent_count(session=session, project_id=project_id, wave_id=wave_id)
    state = json.dumps([file_id, st.session_state[READ][0], wave_id, count, mapping, options], default=str)
    key = hashlib.sha256(state.encode()).hexdigest()
    kept = st.session_state.get(CHECKED)
    if kept and kept[0] == key:
        return kept[1]
    with shell.read_session() as session:
        checked = imports.check(
            session=session, project_id=project_id, wave_id=wave_id, frame=frame, mapping=mapping, **options
        )
    st.session_state[CHECKED] = (key, checked)
    return checked


def _counts(checked: imports.Checked, mapping: Mapping[str, str], file_id: str) -> None:
    """What was left out, and a file that may already be in the wave: the person chooses what becomes of it."""
    if checked.incomplete:
        st.caption(t("data.incomplete", count=checked.incomplete))
    if checked.blank:
        st.caption(t("data.blank", count=checked.blank))
    if checked.known:
        st.warning(t("data.known", count=checked.known), icon="🔁")
        choices = (imports.SKIP, imports.UPDATE if checked.has_codes else imports.ADD, imports.REFUSE)
        st.radio(t("data.merge"), choices, format_func=lambda c: t(f"data.merge.{c}"), key=_merge_key(mapping, file_id))


def _report(checked: imports.Checked) -> None:
    st.error(t("error.import_invalid", count=checked.total_problems), icon="⚠️")
    report = pd.DataFrame(
        [
            {"row": p.row, "column": p.column, "value": p.value, "problem": t(p.key, **p.params)}
            for p in checked.problems
        ]
    )
    st.dataframe(
        report,
        hide_index=True,
        width="stretch",
        column_config={
            "row": t("data.col.row"),
            "column": t("data.col.column"),
            "value": t("data.col.value"),
            "problem": t("data.col.problem"),
        },
    )
