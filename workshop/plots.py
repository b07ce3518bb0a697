"""The last step of every chart: people's names made plain text, numbers and dates in the reader's language.

Plotly draws a subset of HTML in every text it shows (axis ticks, legends, hover boxes, labels, titles):
a group, indicator or partner named `<a href=…>` or `<b>` would become a live link or bold type, in the app
and in the exported HTML. `finish` escapes every text of the figure's data and layout once, here, so the
chart builders pass names as they are. Line breaks (a name wrapped by a builder, or typed on two lines) are
the one markup kept: "\\n" becomes "<br>". Plotly turns the entities back into characters when it draws.
"""

import html
from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go

from workshop import formats

# Trace attributes that hold text shown to people (names, categories, labels); templates are ours.
_TEXT_FIELDS = ("x", "y", "z", "text", "hovertext", "labels", "ids", "parents", "theta", "customdata", "name",
                "legendgroup")  # fmt: skip


def plain(value: str) -> str:
    """One text for plotly: shown literally, a typed line break kept as a line break."""
    return html.escape(value, quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def _escaped(values: Any) -> Any:
    """A trace's field with every text escaped (numbers, dates and nested arrays kept as they are)."""
    if isinstance(values, str):
        return plain(values)
    if isinstance(values, dict) or not isinstance(values, Iterable):
        return values
    if hasattr(values, "dtype") and values.dtype.kind not in "OUS":  # numeric numpy arrays
        return values
    return [_escaped(value) for value in values]


def wrap(text: str, width: int = 32) -> str:
    """A long name on several lines ("\\n", made "<br>" by `finish`) at word breaks: never cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines) or text


def _escape_layout(figure: go.Figure) -> None:
    layout = figure.layout
    if layout.title.text:
        layout.title.text = plain(layout.title.text)
    for axis in [*figure.select_xaxes(), *figure.select_yaxes()]:
        if axis.title.text:
            axis.title.text = plain(axis.title.text)
    for annotation in layout.annotations or ():
        if annotation.text:
            annotation.text = plain(annotation.text)


def finish(figure: go.Figure, lang: str) -> go.Figure:
    """Escape the figure's texts and set the language's separators and formats; call it once per figure."""
    for trace in figure.data:
        for field in _TEXT_FIELDS:
            if field in trace and trace[field] is not None:
                trace[field] = _escaped(trace[field])
    _escape_layout(figure)
    figure.update_layout(separators=formats.plotly_separators(lang))
    # "10k" is plotly's SI shorthand: people read "10 000" (French) or "10,000" (English).
    figure.update_xaxes(exponentformat="none", separatethousands=True)
    figure.update_yaxes(exponentformat="none", separatethousands=True)
    figure.update_xaxes(selector={"type": "date"}, tickformat=formats.plotly_date_format(lang),
                        hoverformat=formats.plotly_date_format(lang))  # fmt: skip
    return figure
