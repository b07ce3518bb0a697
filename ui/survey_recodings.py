"""The survey import's saved readings: the one saved for files with these headings is applied at once (a person
may choose another, or none), and the reading on screen is saved by name for the next file of the same form."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import streamlit as st

from surveys import imports, recodings
from ui import shell
from ui.shell import t


@dataclass(frozen=True)
class Reading:
    """Where the import's widgets start from: a saved recoding's choices, or nothing (id 0: the guesses)."""

    id: int = 0
    name: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    recode: dict[str, dict[str, str]] = field(default_factory=dict)
    complete_only: bool = True


def choose(saved: Sequence[recodings.Recoding], columns: list[str], target: imports.Target, file_id: str) -> Reading:
    """The saved recoding this file starts from: by default the newest one saved for the same headings."""
    if not saved:
        return Reading()
    by_id = {r.id: r for r in saved}
    same = recodings.matching(saved, columns)
    wanted = recodings.fingerprint(columns)

    def label(rid: int) -> str:
        if not rid:
            return t("data.recoding_none")
        mark = t("data.recoding_same") if by_id[rid].headings == wanted else ""
        return f"{by_id[rid].name}{mark}"

    options = [0, *by_id]
    rid = st.selectbox(
        t("data.recoding"), options, index=options.index(same.id) if same else 0, format_func=label,
        help=t("data.recoding_help"), key=f"data_recoding_{file_id}",
    )  # fmt: skip
    if not rid:
        return Reading()
    chosen = by_id[rid]
    mapping, recode = recodings.applied(chosen, columns, target)
    st.caption(t("data.recoding_applied", name=chosen.name, columns=len(mapping), total=len(columns)))
    return Reading(rid, chosen.name, mapping, recode, chosen.complete_only)


def save_form(
    project_id: int, columns: list[str], mapping: dict, options: dict, target: imports.Target, reading: Reading
) -> None:
    """Save the columns' targets and the values' meanings on screen, under a name, for the next file."""
    with st.expander(t("data.recoding_save")), st.form("data_recoding_form", border=False):
        st.caption(t("data.recoding_save_help"))
        name = st.text_input(t("data.recoding_name"), value=reading.name, max_chars=120, key="data_recoding_name")
        if st.form_submit_button(t("data.recoding_save_button"), icon="💾"):
            shell.attempt(
                recodings.save_recoding,
                project_id=project_id,
                name=name,
                columns=columns,
                mapping=mapping,
                recode=options["recode"],
                complete_only=options["complete_only"],
                target=target,
                flash=lambda saved: t("data.recoding_saved", name=saved.name),
                rerun=True,
            )
