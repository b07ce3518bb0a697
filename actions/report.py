"""The shared report a project lead hands to elected officials: one HTML document (and its PDF), French or English.

`collect` reads the project (database), `figures` builds the charts (pure), `chart_images` renders them to SVG
with kaleido (best effort: a report without pictures rather than no report), `build_html` writes the document
(pure: data in, HTML out; every piece of user text escaped), and `to_pdf` prints it with headless Chromium,
the same browser that kaleido and the browser tests already use.
"""

import base64
import html
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from sqlmodel import Session

from actions import charts, followup, partners, priorities, service, vote
from actions.models import ACTION_STATUSES, PlenaryRead, PriorityAxisRead
from groups import service as groups_service
from groups.models import ILLBEING
from indicators import service as indicators_service
from indicators.models import LEVELS
from surveys import analysis
from surveys import charts as survey_charts
from surveys import service as surveys_service
from workshop import formats, i18n, plots, projects
from workshop.errors import SpiraleError

CHROMIUM = Path(os.environ.get("SPIRALE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"]  # fmt: skip
PDF_TIMEOUT_SECONDS = 90
TOP_PRIORITIES = 8


@dataclass
class ReportData:
    """Everything the report shows, read once from the database."""

    lang: str
    name: str
    place: str
    description: str
    made_on: date
    groups: pd.DataFrame  # profile, kind, meeting_date, planned, writers, notes, illbeing
    plenaries: list[PlenaryRead]
    indicators: pd.DataFrame  # indicators_frame
    names: dict[int, str]
    wave_name: str
    respondents: int
    summary: pd.DataFrame  # analysis.summary
    ranked: pd.DataFrame  # priorities.ranking
    axes: list[PriorityAxisRead]
    actions: pd.DataFrame  # service.actions_frame
    targets: pd.DataFrame
    commitments: pd.DataFrame  # followup.commitment_followup
    milestones: pd.DataFrame
    funding: pd.DataFrame
    directory: pd.DataFrame
    progress: pd.DataFrame
    after_wave_name: str = ""
    by_profile: pd.DataFrame = field(default_factory=pd.DataFrame)  # analysis.by_group: indicator x profile means


def _groups(session: Session, project_id: int) -> pd.DataFrame:
    criteria = groups_service.criteria_frame(session=session, project_id=project_id)
    rows = []
    for group in groups_service.list_groups(session=session, project_id=project_id):
        notes = criteria[criteria["group_id"] == group.id]
        # People who wrote: each phone and each name the facilitator typed; notes typed without a name
        # count as one voice (at least one person was there), never as the planned size.
        authors = groups_service.count_by_author(session=session, project_id=project_id, group_id=group.id)
        rows.append(
            {
                "profile": group.profile,
                "kind": group.kind,
                "meeting_date": group.meeting_date,
                "planned": group.planned_size or 0,
                "writers": len(authors),
                "notes": len(notes),
                "illbeing": int((notes["question"] == ILLBEING).sum()),
            }
        )
    columns = ["profile", "kind", "meeting_date", "planned", "writers", "notes", "illbeing"]
    return pd.DataFrame(rows, columns=columns)


def collect(*, session: Session, project_id: int, lang: str, today: date | None = None) -> ReportData:
    """Read what the report shows (the diagnosis wave is the first ex-ante wave, as for the priorities)."""
    project = projects.get_project(session=session, project_id=project_id)
    indicators = indicators_service.list_indicators(session=session, project_id=project_id)
    wave_id = priorities.diagnosis_wave(session=session, project_id=project_id)
    waves = {w.id: w for w in surveys_service.list_waves(session=session, project_id=project_id)}
    answers = (
        surveys_service.answers_frame(session=session, project_id=project_id, wave_id=wave_id) if wave_id else None
    )
    progress = followup.action_progress(session=session, project_id=project_id)
    has_answers = answers is not None and len(answers) > 0
    return ReportData(
        lang=lang,
        name=project.name,
        place=project.place,
        description=project.description,
        made_on=today or date.today(),
        groups=_groups(session, project_id),
        plenaries=partners.list_plenaries(session=session, project_id=project_id),
        indicators=indicators_service.indicators_frame(session=session, project_id=project_id),
        names={i.id: indicators_service.indicator_name(i, lang) for i in indicators},
        wave_name=surveys_service.wave_name(waves[wave_id], lang) if wave_id else "",
        respondents=analysis.respondents(answers) if has_answers else 0,
        summary=analysis.summary(answers) if has_answers else pd.DataFrame(),
        by_profile=analysis.by_group(answers, "profile") if has_answers else pd.DataFrame(),
        ranked=priorities.ranking(session=session, project_id=project_id, wave_id=wave_id),
        axes=priorities.list_axes(session=session, project_id=project_id),
        actions=service.actions_frame(session=session, project_id=project_id),
        targets=service.action_targets(session=session, project_id=project_id),
        commitments=followup.commitment_followup(session=session, project_id=project_id, today=today),
        milestones=service.milestones_frame(session=session, project_id=project_id),
        funding=service.funding_frame(session=session, project_id=project_id),
        directory=partners.directory(session=session, project_id=project_id),
        progress=progress.table,
        after_wave_name=surveys_service.wave_name(waves[progress.after_wave_id], lang)
        if progress.after_wave_id
        else "",
    )


CHART_TITLES = {"means": "priority.mean", "profiles": "priority.gap", "timeline": "chart.timeline",
                "funding": "chart.funding"}  # fmt: skip
# Names on the charts' axes wrap at this many characters (the PDF cut long ones off the left edge).
AXIS_NAME_WIDTH = 28


def figures(data: ReportData) -> dict[str, go.Figure]:
    """The report's charts (pure): survey means, the timeline, the funding; only those with data."""
    tr = lambda key, **p: i18n.translate(key, data.lang, **p)  # noqa: E731
    found: dict[str, go.Figure] = {}
    lang = data.lang
    names = {key: plots.wrap(name, AXIS_NAME_WIDTH) for key, name in data.names.items()}
    if len(data.summary):
        found["means"] = survey_charts.mean_by_indicator(
            data.summary, names=names, title=tr("priority.mean"), axis_label=tr("priority.mean"), lang=lang
        )
    if len(data.by_profile) and data.by_profile.shape[1] > 1:
        found["profiles"] = survey_charts.group_heatmap(
            data.by_profile,
            analysis.largest_gaps(data.by_profile),
            names=names,
            title=tr("priority.gap"),
            lang=lang,
        )
    if len(data.actions.dropna(subset=["start_on", "end_on"])):
        found["timeline"] = charts.timeline(
            data.actions,
            data.milestones,
            status_labels={s: tr(f"action.status.{s}") for s in ACTION_STATUSES},
            title=tr("chart.timeline"),
            milestone_label=tr("chart.milestone"),
            today=data.made_on,
            today_label=tr("chart.today"),
            lang=lang,
        )
    if len(data.funding):
        titles = {key: plots.wrap(str(title), AXIS_NAME_WIDTH) for key, title in
                  zip(data.actions["id"], data.actions["title"], strict=True)}  # fmt: skip
        found["funding"] = charts.funding_bars(
            data.funding, titles, title=tr("chart.funding"), axis_label=tr("chart.amount"), lang=lang
        )
    labels = {"before": tr("progress.before"), "after": tr("progress.after"), "target": tr("progress.target")}
    for action_id, rows in data.progress.groupby("action_id"):
        found[f"progress_{action_id}"] = charts.progress_bars(
            rows, names, title=tr("progress.chart"), labels=labels, lang=lang
        )
    return found


def chart_images(found: dict[str, go.Figure]) -> dict[str, str]:
    """Each chart as an SVG data URI (an <img>, so its ids and styles stay apart); {} if kaleido cannot render."""
    if not found:
        return {}
    # kaleido's browser link logs a harmless undecodable message as a traceback ("Ignoring"): keep logs clean.
    logging.getLogger("choreographer").setLevel(logging.CRITICAL)
    try:
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        images = {}
        for name, figure in found.items():
            # kaleido's own call: plotly's to_image passes options the running server ignores (and warns).
            svg = kaleido.calc_fig_sync(
                figure.to_dict(), opts={"format": "svg", "width": 1000, "height": figure.layout.height or 500}
            )
            images[name] = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        return images
    except Exception:  # a report without pictures is better than no report
        return {}


def _e(value: object) -> str:
    """User text, escaped; empty for missing values."""
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)




def _table(headers: list[str], rows: list[list[str]]) -> str:
    """Headers and cells must already be escaped."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(images: dict[str, str], name: str, alt: str) -> str:
    return f'<figure><img src="{images[name]}" alt="{_e(alt)}"></figure>' if name in images else ""


STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #111; margin: 2em; font-size: 12pt; line-height: 1.4; }
h1 { font-size: 22pt; margin-bottom: 0.2em; } h2 { font-size: 16pt; border-bottom: 2px solid #2e86c1;
padding-bottom: 0.2em; margin-top: 1.6em; page-break-after: avoid; } h3 { font-size: 13pt; margin-bottom: 0.3em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; font-size: 10pt; page-break-inside: auto; }
th, td { border: 1px solid #bbb; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eef3f8; } tr { page-break-inside: avoid; }
figure { margin: 0.8em 0; page-break-inside: avoid; } figure img { width: 100%; height: auto; }
.muted { color: #555; } .action { page-break-inside: avoid; border-left: 4px solid #2e86c1; padding-left: 0.8em;
margin: 1em 0; } .flag { color: #a04000; font-weight: bold; }
"""


def build_html(data: ReportData, images: dict[str, str] | None = None) -> str:
    """The whole report as one self-contained HTML document (pure; every piece of user text escaped)."""
    images = images or {}
    tr = lambda key, **p: _e(i18n.translate(key, data.lang, **p))  # noqa: E731
    title = tr("report.heading", name=data.name)
    parts = [
        f"<h1>{title}</h1>",
        '<p class="muted">' + " · ".join(filter(None, [_e(data.place), tr("report.generated", date=formats.day(
            data.made_on, data.lang, "long"))])) + "</p>",
        f"<p>{_e(data.description)}</p>" if data.description else "",
        _process(data, tr),
        _indicators(data, tr),
        _results(data, tr, images),
        _priorities(data, tr),
        _plan(data, tr, images),
        _progress(data, tr, images),
    ]
    return (
        f'<!DOCTYPE html><html lang="{_e(data.lang)}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )


def _process(data: ReportData, tr) -> str:  # noqa: ANN001 - the report's translate function
    groups, lang = data.groups, data.lang
    summary = tr(
        "report.process_summary",
        groups=formats.integer(len(groups), lang),
        participants=formats.integer(int(groups["writers"].sum()), lang),
        notes=formats.integer(int(groups["notes"].sum()), lang),
        illbeing=formats.integer(int(groups["illbeing"].sum()), lang),
    )
    planned = int(groups["planned"].sum())
    if planned:
        summary += " " + tr("report.planned_summary", planned=formats.integer(planned, lang))
    rows = [
        [_e(g.profile), tr(f"group.kind.{g.kind}"), _e(formats.day(g.meeting_date, lang)),
         _e(formats.integer(g.writers, lang)), _e(formats.integer(g.planned, lang) if g.planned else ""),
         _e(formats.integer(g.notes, lang))]
        for g in groups.itertuples()
    ]  # fmt: skip
    headers = [tr("report.group_profile"), tr("report.group_kind"), tr("report.group_date"),
               tr("report.writers"), tr("report.planned"), tr("report.notes")]  # fmt: skip
    plenaries = [[_e(formats.day(p.held_on, lang)), _e(p.title), _e(p.presented),
                  _e(formats.integer(p.attendance, lang) if p.attendance else "")]
                 for p in data.plenaries]  # fmt: skip
    plenary_headers = [tr("plenary.held_on"), tr("plenary.name"), tr("plenary.presented"), tr("plenary.attendance")]
    return f"<h2>{tr('report.process')}</h2><p>{summary}</p><h3>{tr('report.groups')}</h3>{_table(headers, rows)}" + (
        f"<h3>{tr('plenary.title')}</h3>{_table(plenary_headers, plenaries)}" if plenaries else ""
    )


def _indicators(data: ReportData, tr) -> str:  # noqa: ANN001
    frame = data.indicators
    # The family column only when some indicator has one (an empty column read as a mistake).
    with_family = bool(frame["family"].fillna("").astype(str).str.strip().any()) if len(frame) else False
    rows = [
        [f"<strong>{_e(data.names.get(row['id'], row['name_fr']))}</strong>",
         *([_e(row["family"])] if with_family else []), *[_e(row[f"level{level}"]) for level in LEVELS]]
        for _, row in frame.iterrows()
    ]  # fmt: skip
    headers = [tr("progress.indicator"), *([tr("indicator.family")] if with_family else []),
               *[str(level) for level in LEVELS]]  # fmt: skip
    return f"<h2>{tr('report.indicators')}</h2>{_table(headers, rows)}"


def _results(data: ReportData, tr, images: dict[str, str]) -> str:  # noqa: ANN001
    if data.summary.empty:
        return f"<h2>{tr('report.results')}</h2><p>{tr('report.no_survey')}</p>"
    table, lang = data.summary.sort_values("mean"), data.lang
    rows = [
        [
            _e(data.names.get(r.indicator_id, r.indicator_id)),
            _e(formats.number(r.mean, lang)),
            _e(formats.percent(r.share_good, lang)),
            _e(formats.integer(r.answers, lang)),
        ]
        for r in table.itertuples()
    ]
    headers = [tr("progress.indicator"), tr("priority.mean"), tr("priority.share_good"), "n"]
    count = formats.integer(data.respondents, lang)
    return (
        f"<h2>{tr('report.results')}</h2><p>{tr('report.respondents', count=count, wave=data.wave_name)}</p>"
        f"{_image(images, 'means', tr('priority.mean'))}{_table(headers, rows)}"
        f"{_image(images, 'profiles', tr('priority.gap'))}"
    )


def _priorities(data: ReportData, tr) -> str:  # noqa: ANN001
    if data.axes:
        voted = any(a.vote_id is not None for a in data.axes)  # the room's vote, when the axes came from one
        rows = [
            [_e(a.rank), _e(data.names.get(a.indicator_id, "?")),
             _e(priorities.reason_text(priorities.axis_reasons(a), data.lang)),
             *([_e(vote.support_text(a, data.lang))] if voted else []),
             _e(" ".join(filter(None, [a.decided_by, formats.day(a.decided_on, data.lang)]))), _e(a.note)]
            for a in data.axes
        ]  # fmt: skip
        headers = [tr("priority.rank"), tr("progress.indicator"), tr("priority.reasons"),
                   *([tr("vote.support_column")] if voted else []), tr("priority.decided_by"),
                   tr("priority.note")]  # fmt: skip
        chosen = f"<h3>{tr('priority.chosen')}</h3>{_table(headers, rows)}"
    else:
        chosen = f"<p>{tr('priority.none_chosen')}</p>"
    top = data.ranked.head(TOP_PRIORITIES)
    rows = [
        [_e(r["rank"]), _e(data.names.get(r["indicator_id"], "?")), _e(formats.number(r["score"], data.lang)),
         _e(priorities.reason_text(r["reasons"], data.lang))]
        for _, r in top.iterrows()
    ]  # fmt: skip
    headers = [tr("priority.rank"), tr("progress.indicator"), tr("priority.score"), tr("priority.reasons")]
    return f"<h2>{tr('report.priorities')}</h2>{chosen}{_table(headers, rows)}"


def _plan(data: ReportData, tr, images: dict[str, str]) -> str:  # noqa: ANN001
    lang = data.lang
    raw = lambda key: i18n.translate(key, lang)  # noqa: E731 - a label inside another translation, escaped once
    parts = [f"<h2>{tr('report.plan')}</h2>", _image(images, "timeline", tr("chart.timeline"))]
    if data.actions.empty:
        parts.append(f"<p>{tr('step4.no_action')}</p>")
    for action in data.actions.itertuples():
        aimed = data.targets[data.targets["action_id"] == action.id]
        aims = ", ".join(f"{_e(data.names.get(t.indicator_id, '?'))} → {t.target_level}/5" for t in aimed.itertuples())
        flags = (
            f'<p class="flag">{tr("action.flagged", missing=", ".join(i18n.translate(f"action.flag.{f}", data.lang) for f in action.flags))}</p>'  # noqa: E501
            if action.flags
            else ""
        )
        own = data.commitments[data.commitments["action_id"] == action.id]
        rows = [
            [_e(c.partner), tr(f"commitment.kind.{c.kind}"), _e(formats.amount(c.amount, lang)),
             _e(c.unit), _e(c.description), _e(formats.day(c.due_on, lang)), tr(f"commitment.state.{c.state}")]
            for c in own.itertuples()
        ]  # fmt: skip
        headers = [tr("commitment.partner"), tr("commitment.kind"), tr("commitment.amount"), tr("commitment.unit"),
                   tr("commitment.description"), tr("commitment.due_on"), tr("commitment.state")]  # fmt: skip
        # Only what is known: no "Commission : —" nor "… → …" placeholders for an official to decode.
        meta = " · ".join(
            filter(
                None,
                [
                    tr(f"action.status.{action.status}"),
                    tr("report.labelled", label=raw("action.pilot"), value=action.pilot) if _e(action.pilot) else "",
                    tr("report.labelled", label=raw("action.commission"), value=action.commission)
                    if _e(action.commission)
                    else "",
                    _e(formats.day_range(action.start_on, action.end_on, lang)),
                ],
            )
        )
        parts.append(
            f'<div class="action"><h3>{_e(action.title)}</h3><p class="muted">{meta}</p>{flags}'
            f"<p>{aims or tr('step4.no_target')}</p>{_table(headers, rows) if rows else ''}</div>"
        )
    if len(data.funding):
        total = data.funding.groupby(["partner", "unit"], as_index=False)["amount"].sum()
        rows = [[_e(r.partner), _e(formats.amount(r.amount, lang)), _e(r.unit)] for r in total.itertuples()]
        parts += [
            f"<h3>{tr('step4.funding')}</h3>",
            _image(images, "funding", tr("chart.funding")),
            f"<h3>{tr('step4.funding_total')}</h3>",
            _table([tr("commitment.partner"), tr("chart.amount"), tr("commitment.unit")], rows),
        ]
    directory = data.directory
    rows = [
        [_e(p.name), tr(f"partner.kind.{p.kind}"), _e(p.contact), _e(formats.day(p.charter_signed_on, lang)),
         _e(formats.integer(p.commitments, lang))]
        for p in directory.itertuples()
    ]
    headers = [tr("partner.name"), tr("partner.kind"), tr("partner.contact"), tr("partners.charter_on"),
               tr("partners.commitments")]  # fmt: skip
    parts.append(f"<h3>{tr('report.partners')}</h3>{_table(headers, rows)}")
    return "".join(parts)


def _progress(data: ReportData, tr, images: dict[str, str]) -> str:  # noqa: ANN001
    counts = followup.state_counts(data.commitments)
    states = " · ".join(
        tr("report.labelled", label=i18n.translate(f"commitment.state.{s}", data.lang),
           value=formats.integer(n, data.lang))
        for s, n in counts.items()
    )
    parts = [f"<h2>{tr('report.progress')}</h2>", f"<h3>{tr('step4.commitments_followup')}</h3><p>{states}</p>"]
    if data.progress.empty:
        parts.append(f"<p>{tr('step4.no_expost')}</p>")
        return "".join(parts)
    titles = dict(zip(data.actions["id"], data.actions["title"], strict=True))
    yes_no = {True: tr("progress.yes"), False: tr("progress.no"), None: tr("progress.unknown")}
    parts.append(f'<p class="muted">{_e(data.wave_name)} → {_e(data.after_wave_name)}</p>')
    lang = data.lang
    rows = [
        [_e(titles.get(r.action_id, "?")), _e(data.names.get(r.indicator_id, "?")), _e(r.target_level),
         _e(formats.number(r.mean_before, lang)), _e(formats.number(r.mean_after, lang)),
         _e(formats.signed(r.diff, lang)), yes_no[r.reached]]
        for r in data.progress.itertuples()
    ]  # fmt: skip
    headers = [tr("commitment.action"), tr("progress.indicator"), tr("progress.target"), tr("progress.before"),
               tr("progress.after"), tr("progress.change"), tr("progress.reached")]  # fmt: skip
    parts.append(_table(headers, rows))
    parts += [_image(images, f"progress_{action_id}", titles.get(action_id, "")) for action_id in titles]
    return "".join(parts)


def to_pdf(document: str, *, chromium: Path = CHROMIUM) -> bytes:
    """Print the HTML report to PDF with headless Chromium (A4, backgrounds, no header or footer)."""
    if not chromium.exists() and not shutil.which(str(chromium)):
        raise SpiraleError("error.report_pdf")
    with tempfile.TemporaryDirectory(prefix="spirale-report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(document, encoding="utf-8")
        command = [str(chromium), *CHROMIUM_FLAGS, f"--user-data-dir={Path(folder) / 'profile'}",
                   f"--print-to-pdf={target}", source.as_uri()]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SpiraleError("error.report_pdf") from exc
        if not target.exists() or not target.read_bytes().startswith(b"%PDF"):
            raise SpiraleError("error.report_pdf")
        return target.read_bytes()


def make_html(*, session: Session, project_id: int, lang: str, with_charts: bool = True) -> str:
    data = collect(session=session, project_id=project_id, lang=lang)
    return build_html(data, chart_images(figures(data)) if with_charts else {})
