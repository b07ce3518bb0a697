"""Step 2 synthesis: families -> indicators -> notes, who spoke of what, and the notes no indicator carries yet."""

import streamlit as st

from indicators import charts, service
from ui import access, shell
from ui.shell import t
from workshop import grid

access.require_page(__file__)

project_id = shell.require_project()
st.title(t("views.title"))
st.caption(t("views.intro"))

with shell.read_session() as session:
    tree = service.synthesis_tree(session=session, project_id=project_id, lang=shell.lang())
    matrix = service.groups_by_family(session=session, project_id=project_id)
    forgotten = service.notes_without_indicator(session=session, project_id=project_id)
    families = {f.code: grid.label(f, shell.lang()) for f in grid.families(session=session, project_id=project_id)}

st.subheader(t("step2.views.tree"))
kind = st.segmented_control(
    t("step2.views.kind"),
    ["sunburst", "treemap"],
    default="sunburst",
    format_func=lambda k: t(f"step2.views.{k}"),
    key="tree_kind",
)
if tree.empty:
    st.info(t("step2.no_indicator"))
else:
    figure = charts.family_tree(tree, kind=kind or "sunburst", families=families, no_note=t("step2.views.no_note"),
                                lang=shell.lang())  # fmt: skip
    st.plotly_chart(figure, key="family_tree")

st.subheader(t("step2.views.heatmap"))
if matrix.empty:
    st.info(t("step2.no_criteria"))
else:
    figure = charts.groups_families_heatmap(
        matrix, families=families, x_title=t("indicator.family"), y_title=t("step2.col.group"), lang=shell.lang()
    )
    st.plotly_chart(figure, key="groups_families")

st.subheader(t("step2.views.forgotten", count=len(forgotten)))
if forgotten.empty:
    st.success(t("step2.views.none_forgotten"))
else:
    shown = forgotten.assign(question=forgotten["question"].map(lambda q: t(f"question.{q}.short")))
    st.dataframe(
        shown[["text", "group", "question"]],
        hide_index=True,
        width="stretch",
        column_config={
            "text": t("step2.col.text"),
            "group": t("step2.col.group"),
            "question": t("step2.col.question"),
        },
    )
