"""The business case as a self-contained HTML one-pager: interactive charts, printable on A4 and Letter.

Self-contained: plotly.js is inlined from the installed plotly package (no CDN, no fonts, no
images fetched), so the file opens offline and a browser makes no request for it. Every string
that can come from a user or an upload (customer and partner names, user aliases or names,
plugin and file names) is HTML-escaped; none is put into a chart.

Print: ``@page`` leaves the paper size to the printer (``size: auto``) with 12 mm margins; the
content is at most 186 mm wide (A4 is 210 mm, Letter 216 mm) and charts have fixed pixel sizes,
so the page lays out the same on both and fits on two sheets.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable, Sequence

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from copilot_roi.business import comparison_text, palette
from copilot_roi.business.agent_rows import AGENT_HEADERS, AGENT_NOTE, agent_rows
from copilot_roi.business.case import (
    NO_STUDY,
    BusinessCase,
    case_summary,
    evidence_authors,
    evidence_backs,
    headline_figures,
    role_ids_with_people,
)
from copilot_roi.business.finance_view import convention_footer, finance_tables
from copilot_roi.charts import value_charts
from copilot_roi.safe_cells import strip_control
from copilot_roi.wording import money

CHART_WIDTH_PX = 700  # 186 mm at 96 px per inch, the printable width on A4 and Letter
HALF_WIDTH_PX = 345
USAGE_ROWS_SHOWN = 4

CSS_VARIABLES = (
    f":root {{ --ink: {palette.INK}; --muted: {palette.MUTED}; --line: {palette.LINE}; "
    f"--navy: {palette.NAVY}; --pale: {palette.PALE}; --green: {palette.VALUE}; --red: {palette.LOSS}; "
    f"--good: {palette.GOOD_FILL}; --caution: {palette.CAUTION_FILL}; --caution-ink: {palette.CAUTION_INK}; "
    f"--stop: {palette.STOP_FILL}; }}"
)
CSS = """
* { box-sizing: border-box; }
body { font-family: "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); margin: 0; background: #f5f5f5; font-size: 10pt; line-height: 1.25; }
main { max-width: 186mm; margin: 0 auto; background: #fff; padding: 8mm 0; }
@media screen { main { padding: 10mm 12mm; max-width: calc(186mm + 24mm); } }
header.band { background: var(--navy); color: #fff; padding: 3mm 5mm 2.5mm; border-radius: 1.5mm;
               border-bottom: 1.2mm solid var(--green); margin-bottom: 3mm; }
h1 { font-size: 19pt; margin: 0 0 1mm; }
header.band .who { color: #c9dcf0; margin: 0; }
header.band .case { color: #fff; margin: 1mm 0 0; font-size: 8.5pt; }
h2 { font-size: 12.5pt; margin: 2.5mm 0 1.2mm; border-bottom: 1.5px solid var(--navy); padding-bottom: 1mm;
     color: var(--navy); }
.who { color: var(--muted); margin: 0 0 3mm; }
.verdict { display: inline-block; padding: 1mm 3mm; border-radius: 2mm; font-weight: 600;
           background: var(--good); color: var(--green); }
.verdict.caution { background: var(--caution); color: var(--caution-ink); }
.verdict.stop { background: var(--stop); color: var(--red); }
.warning { border-left: 1.5mm solid var(--red); background: var(--stop); padding: 1.5mm 3mm;
           font-weight: 600; }
.kpis { display: grid; grid-template-columns: repeat(5, 1fr); gap: 2mm; margin: 3mm 0; }
.kpi { background: var(--pale); border-radius: 2mm; padding: 2mm; border-top: 0.8mm solid var(--navy); }
.kpi .label { color: var(--muted); font-size: 8.5pt; }
.kpi .value { font-size: 14pt; font-weight: 700; color: var(--navy); }
.kpi .note { font-size: 8pt; color: var(--muted); }
ul { margin: 1mm 0; padding-left: 5mm; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 1mm 0 2mm; }
th, td { border-bottom: 1px solid var(--line); padding: 0.6mm 1.5mm; text-align: left; vertical-align: top; }
th { background: var(--navy); color: #fff; font-weight: 600; }
tbody tr:nth-child(even) td { background: var(--pale); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; gap: 2mm; flex-wrap: wrap; }
table.evidence { font-size: 7pt; }
table.evidence td:nth-child(1) { width: 42%; }
table.evidence td:nth-child(2) { width: 33%; }
table.evidence .grade { display: block; color: var(--muted); margin-top: 0.5mm; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
.chart { break-inside: avoid; }
.small { font-size: 8pt; color: var(--muted); }
footer { margin-top: 2mm; font-size: 7pt; color: var(--muted); border-top: 1px solid var(--line);
         padding-top: 1.5mm; }
@page { size: auto; margin: 10mm; }
@media print {
  body { background: #fff; }
  main { padding: 0; }
  h2 { break-after: avoid; }
  tr, .kpis, .chart { break-inside: avoid; }
}
"""


def esc(value: object) -> str:
    """HTML-escape any value (quotes too), control characters removed: the only way dynamic text
    reaches the page."""
    return html.escape(strip_control(str(value)), quote=True)


def html_bytes(case: BusinessCase) -> bytes:
    return render(case).encode("utf-8")


def render(case: BusinessCase) -> str:
    who = " · ".join(
        x
        for x in (
            f"Prepared for {esc(case.customer_name)}" if case.customer_name else "",
            f"by {esc(case.partner_name)}" if case.partner_name else "",
            f"{case.prepared_on:%d %B %Y}",
        )
        if x
    )
    verdict_class = {"Proceed": "", "Proceed with a measured pilot": "caution"}.get(case.verdict, "stop")
    if case.verdict == "Pilot before committing":
        verdict_class = "caution"
    kpis = headline_figures(case)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No external requests: nothing may be loaded from anywhere but this file.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; "
        'font-src data:">',
        f"<title>{esc(_title(case))}</title>",
        f"<style>{CSS_VARIABLES}{CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body><main>",
        '<header class="band"><h1>Security Copilot business case</h1>',
        f'<p class="who">{who}</p>',
        # The case, worded as on every page of the app (the customer is named in the line above).
        f'<p class="case">{esc(_case_parts_line(case))}</p></header>',
        f'<p><span class="verdict {verdict_class}">{esc(case.verdict)}</span> {esc(case.recommendation)}</p>',
        f'<p class="warning">{esc(case.throttling_warning)}</p>' if case.throttling_warning else "",
        *(f'<p class="warning">{esc(note)}</p>' for note in case.ledger_notes),
        '<div class="kpis">',
        *(
            f'<div class="kpi"><div class="label">{esc(label)}</div><div class="value">{esc(value)}</div>'
            f'<div class="note">{esc(note)}</div></div>'
            for label, value, note in kpis
        ),
        "</div>",
        "<h2>What must be true</h2>",
        _list(case.what_must_be_true),
        '<div class="chart">',
        _figure(_cumulative(case), "bc-cumulative"),
        "</div>",
        # The assumptions fill page 1; the two charts print together at the top of page 2.
        "<h2>Assumptions</h2>",
        _assumptions(case),
        '<section class="chart">',
        "<h2>Where the value comes from and what moves it</h2>",
        '<div class="charts">',
        f'<div class="chart">{_figure(_by_role(case), "bc-roles")}</div>',
        f'<div class="chart">{_figure(_tornado(case), "bc-tornado")}</div>',
        "</div></section>",
        f"<h2>Evidence behind time saved (studies run by {esc(evidence_authors(case))})</h2>",
        _evidence(case),
        _usage(case),
        _finance_tables(case),
        _agents(case),
        _comparison(case),
        "<footer>",
        # One paragraph (a second starts a line of its own, and the page is full); the date is in
        # the header.
        f"<div>Data sources: {'; '.join(esc(s) for s in case.data_sources)}. "
        f"{esc(convention_footer(case))}</div>",
        "</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts)


def _case_parts_line(case: BusinessCase) -> str:
    """``case_line`` without the customer when the line above already names them."""
    parts = case_summary(case)
    if case.customer_name:
        parts.pop("Customer")
    return " · ".join(f"{label}: {text}" for label, text in parts.items())


def _title(case: BusinessCase) -> str:
    suffix = f" - {case.customer_name}" if case.customer_name else ""
    return f"Security Copilot business case{suffix}"


def _list(lines: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul>"


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: set[int]) -> str:
    head = "".join(f'<th class="{"n" if i in numeric else ""}">{esc(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"n" if i in numeric else ""}">{esc(v)}</td>' for i, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _assumptions(case: BusinessCase) -> str:
    s, c = case.scenario, case.prices.currency
    rows = []
    for r in role_ids_with_people(case):
        role = s.roles[r]
        rows.append(
            (
                case.role_label(r),
                f"{role.headcount:,}",
                f"{role.hours_per_week_on_assisted_tasks:g}",
                f"{role.time_saved_share:.1%}",
                case.time_saved_from(r),
                f"{role.loaded_cost_per_hour:,.0f}",
                f"{role.adoption.starting_share:.0%} → {role.adoption.months_to_full} mo",
                f"{s.capacity.scu_per_person_month[r]:g}",
            )
        )
    table = _table(
        ("Role", "People", "Hours/wk", "Time saved", "Source", f"Cost/h ({c})", "Adoption", "SCU/person/mo"),
        rows,
        {1, 2, 3, 5, 7},
    )
    scenario_line = (
        f"Realisation rate {s.realisation_rate:.0%} (assumption: share of freed hours turned into value); "
        f"discount rate {s.discount_rate_annual:.1%} a year; horizon {s.horizon_months} months; one-off "
        f"costs {money(s.one_off_costs.total, c)} in month 1; capacity plan {case.result.plan_description}."
    )
    return f'{table}<p class="small">{esc(scenario_line)}</p>'


def _finance_tables(case: BusinessCase) -> str:
    """The annual table and the other lines, when the scenario has them (the figures are in the footer)."""
    parts = []
    for table in finance_tables(case)[1:]:
        parts += [f"<h3>{esc(table.title)}</h3>", _table(table.headers, table.rows, set(table.numeric))]
    return "".join(parts)


def _evidence(case: BusinessCase) -> str:
    """One row per study and use, with every role that draws on it (studies repeat across roles).

    The study cell carries its grade on a second line: who ran it, what it measured, the setting,
    the significance and the sample.
    """
    by_study: dict[tuple[str, str, str, str], list[str]] = {}
    context: dict[tuple[str, str, str], list[str]] = {}
    for e in case.evidence:
        if e.use == "context":
            # One compact line each: they back no number, so they need no table row.
            grade = f"run by {e.authors}; {_short(e.measures)}; {e.setting}; {e.significance}"
            context.setdefault((e.study, grade, e.result), []).append(e.role)
            continue
        if e.use == "assumption":
            key = (NO_STUDY, "", "No task-time study: the default is a conservative assumption", "-")
        else:
            study = e.study
            grade = f"Run by {e.authors}; {_short(e.measures)}; {e.setting}; {e.significance}; {e.sample}"
            key = (study, grade, e.result, e.caveat)
        roles = by_study.setdefault(key, [])
        if evidence_backs(e) not in roles:
            roles.append(evidence_backs(e))
    # The roles ride on the study's grade line: a column of its own would squeeze the text.
    body = "".join(
        f'<tr><td>{esc(study)}<span class="grade">{esc(_with_roles(grade, roles))}</span></td>'
        f"<td>{esc(result)}</td><td>{esc(caveat)}</td></tr>"
        for (study, grade, result, caveat), roles in by_study.items()
    )
    head = "".join(
        f"<th>{esc(h)}</th>" for h in ("Study, its grade and the roles it backs", "Result", "Caveat")
    )
    table = f'<table class="evidence"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    note = (
        f"All run or funded by {evidence_authors(case)}. Time saved cites task time (labour minutes) "
        "only; elapsed time is context."
    )
    context_lines = "".join(
        f"<li>Context, not labour saved: {esc(study)} ({esc(grade)}; {esc(', '.join(roles))}): "
        f"{esc(result)}</li>"
        for (study, grade, result), roles in context.items()
    )
    shown = f'<ul class="small">{context_lines}</ul>' if context else ""
    return f'<p class="small">{esc(note)}</p>{table}{shown}'


def _short(measures: str) -> str:
    """``task time (labour minutes)`` -> ``task time``: the note above the table says what it means."""
    return measures.split(" (")[0]


def _with_roles(grade: str, roles: list[str]) -> str:
    """``Run by ...; for SOC analyst, IT admin`` (or only the roles, for an assumption)."""
    backs = f"for {', '.join(roles)}"
    return f"{grade}; {backs}" if grade else backs


def _usage(case: BusinessCase) -> str:
    u = case.usage
    if u is None:
        return ""
    c = case.prices.currency
    names = "pseudonymised" if u.pseudonymised else "as exported"
    intro = (
        f"{u.rows:,} usage rows from {', '.join(u.file_names)}, {u.first:%d %b %Y} to {u.last:%d %b %Y} "
        f"({u.timezone}); {u.total_units_scu:,.1f} SCUs by {u.users:,} users and agents (names {names}). "
        f"Chargeback splits the observed period's bill pro rata at {u.cost_per_scu:,.2f} {c} per SCU."
    )
    top_users = u.chargeback_by_user.head(USAGE_ROWS_SHOWN)
    users = _table(
        ("Top users", "SCUs", "Share", f"Cost ({c})"),
        [
            (row.user, f"{row.units_scu:,.1f}", f"{row.share:.1%}", f"{row.cost:,.0f}")
            for row in top_users.itertuples(index=False)
        ],
        {1, 2, 3},
    )
    roles = _table(
        ("Role", "SCUs", "Share", f"Cost ({c})"),
        [
            (row.role_label, f"{row.units_scu:,.1f}", f"{row.share:.1%}", f"{row.cost:,.0f}")
            for row in u.chargeback_by_role.itertuples(index=False)
        ],
        {1, 2, 3},
    )
    return (
        f'<h2>Measured usage and chargeback</h2><p class="small">{esc(intro)}</p>'
        f'<div class="columns"><div>{roles}</div><div>{users}</div></div>'
    )


def _compact(figure: go.Figure, width: int, height: int) -> go.Figure:
    """Print size: white plot area (paper, not a screen), navy titles, the legend in its own strip
    under the axis title so the two never overlap."""
    legend = len(figure.data) > 1
    figure.update_layout(
        template="plotly_white",
        width=width,
        height=height,
        autosize=False,
        font={"size": 11, "color": palette.INK},
        title={"font": {"size": 13, "color": palette.NAVY}, "x": 0, "xanchor": "left"},
        margin={"l": 60, "r": 10, "t": 40, "b": 75 if legend else 40},
        legend={"font": {"size": 10}, "orientation": "h", "y": -0.32, "yanchor": "top", "x": 0},
    )
    figure.update_xaxes(title={"font": {"size": 11}, "standoff": 4})
    figure.update_yaxes(title={"font": {"size": 11}})
    return figure


def _cumulative(case: BusinessCase) -> go.Figure:
    figure = value_charts.cumulative_figure(case.result)
    figure.update_traces(textposition="bottom right", selector={"mode": "markers+text"})
    return _compact(figure, CHART_WIDTH_PX, 235)


def _by_role(case: BusinessCase) -> go.Figure:
    figure = value_charts.hours_by_role_figure(case.result)
    figure.update_traces(textfont={"size": 9})
    figure = _compact(figure, HALF_WIDTH_PX, 200)
    figure.update_layout(margin={"l": 120})
    return figure


def _tornado(case: BusinessCase) -> go.Figure:
    # The labels can hold agent names: the chart's text is page text too.
    bars = [dataclasses.replace(b, label=strip_control(b.label)) for b in case.top_assumptions]
    figure = value_charts.tornado_figure(bars, case.result.npv, case.prices.currency, top=len(bars))
    figure = _compact(figure, HALF_WIDTH_PX, 200)
    # Compact money ticks (100k), so three ticks fit the half-width axis without colliding.
    figure.update_layout(
        margin={"l": 150, "b": 60},
        yaxis={"tickfont": {"size": 9}},
        xaxis={"tickformat": "~s"},
        legend={"orientation": "h", "y": -0.3, "yanchor": "top", "x": -0.9},
    )
    return figure


def _figure(figure: go.Figure, div_id: str) -> str:
    return str(
        figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=div_id,
            config={"displaylogo": False, "responsive": False, "displayModeBar": False},
        )
    )


def _agents(case: BusinessCase) -> str:
    """Per agent line: cost per alert processed against the manual cost (empty without lines)."""
    if not case.result.agent_lines:
        return ""
    return (
        "<h2>Agents: cost per alert processed</h2>"
        + _table(AGENT_HEADERS, agent_rows(case), numeric={1, 2, 3, 4, 5})
        + f"<p>{esc(AGENT_NOTE)}</p>"
    )


def _comparison(case: BusinessCase) -> str:
    """Scenarios side by side (only when several were compared): a table and the shared chart."""
    comparison = case.comparison
    if comparison is None:
        return ""
    numeric = set(comparison_text.NUMERIC_COLUMNS)
    table = _table(comparison_text.HEADERS, comparison_text.rows(comparison), numeric)
    figure = _compact(value_charts.comparison_figure(comparison), CHART_WIDTH_PX, 420)
    figure.update_layout(legend={"y": -0.14}, margin={"b": 70})
    return (
        f'<section class="chart"><h2>{esc(comparison_text.title(comparison))}</h2>'
        f'<p class="small">{esc(comparison_text.intro(comparison))}</p>{table}'
        f'<div class="chart">{_figure(figure, "bc-comparison")}</div></section>'
    )
