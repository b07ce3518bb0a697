"""Data safety (administrators): database backups, a project archive onto this instance, participants' data requests."""

import streamlit as st

import schema
from groups import service as groups_service
from privacy import service as privacy
from surveys import service as surveys_service
from ui import access, shell
from ui.shell import t
from workshop import archive, backup, settings

access.require(access.ADMIN)

SELECTOR_KEY = "privacy_selector"  # the person found, kept across reruns (not a widget key)
ERASED_KEY = "privacy_erased"
KINDS = (privacy.TOKEN, privacy.AUTHOR, privacy.RESPONDENT)

st.title(t("safety.title"))
st.caption(t("safety.intro"))


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} kB"


def _settings_text() -> str:
    every, keep = settings.backup_every_minutes(), settings.backup_keep()
    key = "safety.settings" if every else "safety.settings_off"
    return t(key, folder=str(settings.backup_dir()), every=every, keep=keep)


def backups_section() -> None:
    st.header(t("safety.backups"))
    ok, text = shell.attempt(_settings_text, opens=None)
    if ok:
        st.caption(text)
    if st.button(t("safety.backup_now"), icon="💾"):
        ok, made = shell.attempt(backup.backup_now, opens=None)
        if ok:
            st.success(t("safety.backup_made", name=made.name, size=_size(made.size)))
    ok, found = shell.attempt(backup.list_backups, opens=None)
    if not ok:
        return
    if not found:
        st.caption(t("safety.backup_none"))
    else:
        rows = [
            {t("safety.backup_name"): b.name, t("safety.backup_date"): f"{b.created_at:%Y-%m-%d %H:%M:%S}",
             t("safety.backup_size"): _size(b.size)}
            for b in found
        ]  # fmt: skip
        st.dataframe(rows, hide_index=True, width="stretch")
        chosen = st.selectbox(t("safety.backup_pick"), [b.name for b in found], key="backup_pick")
        path = next(b.path for b in found if b.name == chosen)  # read only when the button is clicked
        st.download_button(
            t("safety.backup_download"), path.read_bytes, file_name=chosen, mime="application/octet-stream", icon="⬇️"
        )
    st.caption(t("safety.restore_help"))


def archive_section() -> None:
    """Works with no project at all: how a project moves onto a brand-new instance."""
    st.header(t("safety.archive"))
    st.caption(t("safety.archive_intro"))
    upload = st.file_uploader(t("archive.upload"), type=[archive.SUFFIX.lstrip("."), "zip"], key="safety_archive")
    if upload is None or not st.button(t("archive.import"), key="safety_archive_import"):
        return
    ok, new_id = shell.attempt(archive.import_project, metadata=schema.metadata, data=upload.getvalue())
    if ok:
        shell.make_current(new_id, t("archive.imported"))
        st.rerun()


def selector_form(project_id: int) -> privacy.Selector | None:
    names = {k: t(f"privacy.by.{k}") for k in KINDS}  # translated once per run, not when a test formats it
    kind = st.radio(t("privacy.by"), KINDS, format_func=names.get, horizontal=True, key="privacy_kind")
    with shell.session() as session:
        groups = {g.id: g.profile for g in groups_service.list_groups(session=session, project_id=project_id)}
        waves = {w.id: w.name for w in surveys_service.list_waves(session=session, project_id=project_id)}
    with st.form("privacy_find"):
        if kind == privacy.TOKEN:
            token = st.text_input(t("privacy.reference"), help=t("privacy.reference_help"), max_chars=300)
            selector = privacy.Selector(token=token)
        elif kind == privacy.AUTHOR:
            group = st.selectbox(t("privacy.group"), list(groups), format_func=groups.get, index=None,
                                 placeholder=t("privacy.choose"))  # fmt: skip
            author = st.text_input(t("privacy.author"), max_chars=120)
            selector = privacy.Selector(group_id=group, author=author)
        else:
            wave = st.selectbox(t("privacy.wave"), list(waves), format_func=waves.get, index=None,
                                placeholder=t("privacy.choose"))  # fmt: skip
            code = st.text_input(t("privacy.code"), max_chars=64)
            selector = privacy.Selector(wave_id=wave, respondent_code=code)
        if st.form_submit_button(t("privacy.find"), icon="🔎"):
            return selector
    return None


def show_found(data: privacy.ParticipantData) -> None:
    st.success(t("privacy.found", notes=len(data.notes), responses=len(data.responses), links=len(data.links)))
    if data.notes:
        st.subheader(t("privacy.notes"))
        st.dataframe(
            [
                {
                    t("privacy.col.group"): n.group,
                    t("privacy.col.question"): t(f"question.{n.question}.short"),
                    t("privacy.col.text"): n.text,
                    t("privacy.col.corrected"): n.corrected_text or "",
                    t("privacy.col.author"): n.author,
                    t("privacy.col.reference"): n.reference,
                    t("privacy.col.withdrawn"): f"{n.deleted_at:%Y-%m-%d %H:%M}" if n.deleted_at else "",
                    t("privacy.col.indicators"): ", ".join(n.indicators),
                }
                for n in data.notes
            ],
            hide_index=True,
            width="stretch",
        )
    if data.responses:
        st.subheader(t("privacy.responses"))
        st.dataframe(
            [
                {
                    t("privacy.col.wave"): r.wave,
                    t("privacy.col.code"): r.code,
                    t("privacy.col.profile"): " · ".join(v for v in (r.profile, r.place, r.age_band) if v),
                    t("privacy.col.answers"): len(r.answers),
                }
                for r in data.responses
            ],
            hide_index=True,
            width="stretch",
        )
    if data.seats:
        st.subheader(t("privacy.seats"))
        st.dataframe(
            [
                {
                    t("privacy.col.mixed_group"): seat.mixed_group,
                    t("privacy.col.represented"): seat.represented_group,
                    t("privacy.col.author"): seat.name,
                }
                for seat in data.seats
            ],
            hide_index=True,
            width="stretch",
        )
    if data.links:
        st.subheader(t("privacy.links"))
        st.dataframe(
            [
                {
                    t("privacy.col.wave"): link.wave,
                    t("privacy.col.reference"): link.reference,
                    t("privacy.col.answered"): "✓" if link.answered else "",
                    t("privacy.col.draft"): "✓" if link.draft else "",
                }
                for link in data.links
            ],
            hide_index=True,
            width="stretch",
        )


def export_buttons(project_id: int, selector: privacy.Selector) -> None:
    ok, export = shell.attempt(privacy.export_participant, project_id=project_id, selector=selector)
    if not ok:
        return
    left, right = st.columns(2)
    left.download_button(t("privacy.export_json"), export.json_bytes, file_name=f"{export.file_stem}.json",
                         mime="application/json", icon="⬇️")  # fmt: skip
    right.download_button(t("privacy.export_csv"), export.csv_bytes, file_name=f"{export.file_stem}.csv",
                          mime="text/csv", icon="⬇️")  # fmt: skip


def erase_form(project_id: int, selector: privacy.Selector) -> None:
    st.subheader(t("privacy.erase_title"))
    st.warning(t("privacy.erase_warning"), icon="⚠️")
    confirmed = st.checkbox(t("privacy.erase_confirm"), key="privacy_erase_confirm")
    if not st.button(t("privacy.erase"), type="primary", disabled=not confirmed, icon="🗑️"):
        return
    account = access.current_account()
    ok, summary = shell.attempt(
        privacy.erase_participant,
        project_id=project_id,
        selector=selector,
        account_id=account.id if account else None,
    )
    if ok:
        st.session_state.pop(SELECTOR_KEY, None)
        st.session_state.pop("privacy_erase_confirm", None)
        st.session_state[ERASED_KEY] = summary
        st.rerun()  # redrawn without the erased data; the summary shows once


def erasure_log(project_id: int) -> None:
    with shell.session() as session:
        log = privacy.erasures(session=session, project_id=project_id)
    st.subheader(t("privacy.log"))
    if not log:
        st.caption(t("privacy.log_empty"))
        return
    st.dataframe(
        [
            {
                t("privacy.col.erased_at"): f"{e['erased_at']:%Y-%m-%d %H:%M}",
                t("privacy.col.by"): e["account_id"] if e["account_id"] is not None else "",
                t("privacy.col.designated"): t(f"privacy.by.{e['selector']}"),
                t("privacy.col.removed"): ", ".join(f"{table}: {count}" for table, count in e["removed"].items()),
            }
            for e in log
        ],
        hide_index=True,
        width="stretch",
    )


def requests_section() -> None:
    st.header(t("privacy.title"))
    st.caption(t("privacy.intro"))
    project_id = shell.project_id()
    if project_id is None:  # not require_project(): it would stop the page, and backups need no project
        st.info(t("project.choose_first"))
        return
    if summary := st.session_state.pop(ERASED_KEY, None):
        st.success(t("privacy.erased", notes=summary.notes, respondents=summary.respondents, answers=summary.answers,
                     links=summary.links))  # fmt: skip
    if (asked := selector_form(project_id)) is not None:
        st.session_state[SELECTOR_KEY] = (project_id, asked)
    stored = st.session_state.get(SELECTOR_KEY)
    if stored and stored[0] == project_id:
        selector = stored[1]
        ok, data = shell.attempt(privacy.find_participant, project_id=project_id, selector=selector)
        if ok:
            show_found(data)
            export_buttons(project_id, selector)
            erase_form(project_id, selector)
        else:
            st.session_state.pop(SELECTOR_KEY, None)
    erasure_log(project_id)


backups_section()
archive_section()
requests_section()
