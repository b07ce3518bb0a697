"""Paper workshops on the facilitator's screen: import typed post-its (preview, report, all or nothing), export."""

from collections.abc import Sequence

import streamlit as st

from groups import paper
from groups.models import GroupRead
from ui import shell
from ui.shell import t

ROUND_KEY = "paper_round"  # a new uploader after each import, so the imported file is not offered again


def paper_panel(project_id: int, group: GroupRead, groups: Sequence[GroupRead]) -> None:
    export_buttons(project_id, group)
    round_ = st.session_state.get(ROUND_KEY, 0)
    upload = st.file_uploader(t("step1.paper.upload"), type=["csv", "xlsx"], key=f"paper_file_{round_}")
    if upload is None:
        return
    data = upload.getvalue()
    ok, checked = shell.attempt(paper.check_file, project_id=project_id, name=upload.name, data=data)
    if not ok:
        return
    if checked.problems:
        st.error(t("step1.paper.invalid", count=len(checked.problems)), icon="⚠️")
        st.dataframe(
            [
                {
                    t("step1.paper.line"): p.row,
                    t("step1.paper.problem"): _message(p),
                }
                for p in checked.problems
            ],
            hide_index=True,
        )
        return
    st.success(t("step1.paper.valid", rows=len(checked.notes)))
    st.dataframe(
        [
            {
                t("step1.paper.line"): n.row,
                t("step1.group"): n.group,
                t("step1.timer.question"): t(f"question.{n.question}.short"),
                t("step1.note"): n.text,
                t("step1.author"): n.author,
            }
            for n in checked.notes
        ],
        hide_index=True,
    )
    if st.button(t("step1.paper.import", rows=len(checked.notes)), type="primary", icon="📥"):
        ok, added = shell.attempt(paper.import_file, project_id=project_id, name=upload.name, data=data)
        if ok:
            st.session_state[ROUND_KEY] = round_ + 1
            shell.flash(t("step1.paper.imported", rows=added))
            st.rerun()


def export_buttons(project_id: int, group: GroupRead) -> None:
    """The files are made when a button is pressed, not on every run of the page."""

    def frame():  # noqa: ANN202 - a DataFrame
        with shell.session() as session:
            return paper.notes_frame(session=session, project_id=project_id, group_id=group.id)

    stem = f"spirale-{group.profile}"[:60]
    left, right = st.columns(2)
    left.download_button(
        t("step1.paper.export_csv"),
        lambda: paper.to_csv(frame()),
        f"{stem}.csv",
        "text/csv",
        icon="📄",
        on_click="ignore",
    )
    right.download_button(
        t("step1.paper.export_xlsx"),
        lambda: paper.to_xlsx(frame()),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon="📊",
        on_click="ignore",
    )


def _message(problem: paper.Problem) -> str:
    plain = {k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else str(v) for k, v in problem.params.items()}
    return t(problem.key, **plain)
