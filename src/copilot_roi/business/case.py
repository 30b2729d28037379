"""The business case model: a scenario, its result and sensitivity, the evidence and the usage facts.

Every exporter (XLSX, PPTX, HTML) and the page render a ``BusinessCase``; none computes a number
of its own, so the four agree. Build one with :func:`build_case`.

Names from usage exports are pseudonymised here (when asked) before any exporter sees them, so
no exporter can leak a real name by forgetting to.

>>> from copilot_roi.value.scenario import scenario_template
>>> case = build_case(scenario_template("expected"), draws=500)
>>> case.result.npv == compute(case.scenario, case.prices).npv
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from copilot_roi.billing import bill
from copilot_roi.business.finance_rows import (
    cost_card_note,
    finance_assumption_fields,
    fte_card_note,
    payback_card_note,
)
from copilot_roi.case import Case, case_parts, new_case, usage_description
from copilot_roi.pricebook import PriceBook, Prices, load_price_book
from copilot_roi.roles import RoleId, role_label
from copilot_roi.survey.calibration import EVIDENCE_GRADE, SurveyTimeSaved
from copilot_roi.usage.agent_names import is_agent_identity
from copilot_roi.usage.analytics import breakdown
from copilot_roi.usage.chargeback import ChargebackResult, Roster, chargeback
from copilot_roi.usage.ingest import UsageDataset
from copilot_roi.usage.pseudonymise import alias_map, new_key
from copilot_roi.value.catalogue import (
    MEASURE_LABELS,
    Catalogue,
    CitedDefault,
    RoleDefaults,
    load_catalogue,
)
from copilot_roi.value.comparison import Comparison, compared_scenario, comparison_of
from copilot_roi.value.engine import (
    ScenarioResult,
    compute,
    ledger_notes,
    scenario_prices,
    throttled_share_text,
    throttling_warning,
)
from copilot_roi.value.scenario import Scenario, preset_on_team
from copilot_roi.value.sensitivity import MONTE_CARLO_DRAWS, Sensitivity, TornadoBar, analyse
from copilot_roi.value.simulation_text import INDEPENDENCE_CAVEAT, share_positive_sentence
from copilot_roi.value.workshop import break_even_sentence
from copilot_roi.wording import (
    PESSIMISTIC_PRESET,
    money,
    p10_basis,
    payback_fell_back_sentence,
    payback_text,
)

TOP_ASSUMPTIONS = 6
MAX_USAGE_ROWS_IN_EXPORTS = 200  # users / plugins listed per table; the rest are summed


@dataclass(frozen=True)
class AssumptionRow:
    """One input of the case: where it sits, its value and unit, and its source."""

    key: str  # stable id, e.g. "soc.headcount" or "realisation_rate"
    section: str  # role label or "Scenario"
    label: str
    value: float
    unit: str
    basis: str  # "evidence", "assumption" or "customer data"
    source: str


@dataclass(frozen=True)
class EvidenceRow:
    """One study behind (or beside) a role's time saved, graded for a finance reader."""

    role: str
    # "cited (low end)" (that end of the default derives from it), "context" (shown, not used) or
    # "assumption"
    use: str
    study: str
    authors: str  # who ran or funded it
    measures: str  # task time, elapsed time, accuracy or throughput, in words
    setting: str  # "lab" or "live"
    significance: str
    sample: str
    result: str
    caveat: str
    reference: str


@dataclass(frozen=True)
class Range:
    p10: float
    p50: float
    p90: float
    share_npv_positive: float  # share of simulated scenarios with NPV > 0 (not odds of paying back)
    draws: int


@dataclass(frozen=True)
class PessimisticCheck:
    """The case with every input at its pessimistic end at once (:func:`preset_on_team`, "low")."""

    npv: float
    payback_month: int | None

    @property
    def pays_back(self) -> bool:
        return self.npv > 0 and self.payback_month is not None


@dataclass(frozen=True)
class UsageFacts:
    """What the usage exports show, names already pseudonymised when that is on."""

    file_names: tuple[str, ...]
    rows: int
    users: int
    total_units_scu: float
    first: pd.Timestamp
    last: pd.Timestamp
    timezone: str
    by_user: pd.DataFrame  # name, units_scu, rows, share
    by_plugin: pd.DataFrame
    chargeback_by_role: pd.DataFrame  # role_label, units_scu, sessions, share, cost
    chargeback_by_user: pd.DataFrame  # user, role, team, units_scu, sessions, share, cost
    cost_per_scu: float
    pseudonymised: bool


@dataclass(frozen=True)
class BusinessCase:
    customer_name: str
    partner_name: str
    prepared_on: dt.date
    scenario: Scenario
    prices: Prices
    price_book: PriceBook
    result: ScenarioResult
    range: Range
    tornado: list[TornadoBar]
    verdict: str
    recommendation: str
    what_must_be_true: list[str]
    assumptions: list[AssumptionRow]
    evidence: list[EvidenceRow]
    usage: UsageFacts | None = None
    data_sources: list[str] = field(default_factory=list)
    # Set when the plan refuses part of the demand: every format shows it beside the verdict.
    throttling_warning: str | None = None
    # The ledger of hours' notes (caps that bound, agents freeing no one's hours, a study counted
    # twice): every format shows them beside the verdict.
    ledger_notes: list[str] = field(default_factory=list)
    # Set when several scenarios are compared: every format adds a section for them.
    comparison: Comparison | None = None
    # The case this was built from (customer, data identity, plan, price book), written as case.json.
    record: Case | None = None
    # The Pessimistic preset on this team: "even at the pessimistic end" is said only when it pays back.
    pessimistic: PessimisticCheck | None = None

    def time_saved_from(self, role_id: str) -> str:
        """Where a role's time saved comes from, in a table cell: 'study', 'assumption' or the
        survey ('survey, n=23, Nov 2026') when the case took it from the team's survey."""
        if self.record is not None and (survey := self.record.time_saved_sources(self.scenario).get(role_id)):
            return survey.source()
        basis = next((a.basis for a in self.assumptions if a.key == f"{role_id}.time_saved_share"), "")
        return "study" if basis == "evidence" else "assumption"

    @property
    def top_assumptions(self) -> list[TornadoBar]:
        return self.tornado[:TOP_ASSUMPTIONS]

    def price_book_label(self) -> str:
        return price_book_label(self.price_book)

    def role_label(self, role_id: str) -> str:
        return role_label(role_id)


def price_book_label(book: PriceBook) -> str:
    """Name and effective dates of a price book, e.g. for a footer."""
    dates = sorted(c.effective_date for _, c in book.citations())
    return f"{book.name}, entries effective {dates[0]:%d %b %Y} to {dates[-1]:%d %b %Y}"


def build_case(
    scenario: Scenario,
    prices: Prices | None = None,
    usage: UsageDataset | None = None,
    *,
    customer_name: str = "",
    partner_name: str = "",
    prepared_on: dt.date | None = None,
    pseudonymise: bool = True,
    pseudonym_key: bytes | None = None,
    roster: Roster | None = None,
    draws: int = MONTE_CARLO_DRAWS,
    compared: Sequence[tuple[str, Scenario]] = (),
    price_book: PriceBook | None = None,
    record: Case | None = None,
) -> BusinessCase:
    """Compute the scenario and its sensitivity and assemble everything a decision maker sees.

    ``prices`` defaults to the scenario's own (price book plus its overrides). With
    ``pseudonymise`` on, user names from ``usage`` are replaced by aliases under
    ``pseudonym_key`` (a fresh key when none is given). ``compared``: named scenarios to put side
    by side (two or more), priced like the case; one equal to ``scenario`` reuses its figures.
    ``price_book``: the book ``prices`` come from (today's by default; a case pins its own).
    ``record``: the case ``scenario`` was computed from, kept to be written as ``case.json``.
    """
    prices = prices or scenario_prices(scenario)
    result = compute(scenario, prices)
    sensitivity = analyse(scenario, prices, result, draws=draws)
    mc = sensitivity.monte_carlo
    case_range = Range(mc.p10, mc.p50, mc.p90, mc.share_npv_positive, mc.draws)
    catalogue = load_catalogue()
    pessimistic = pessimistic_check(scenario, prices)
    verdict, recommendation = _recommend(result, case_range, pessimistic)
    facts = None
    if usage is not None:
        facts = usage_facts(usage, scenario, prices, pseudonymise, pseudonym_key or new_key(), roster)
    surveyed = record.time_saved_sources(scenario) if record is not None else {}
    return BusinessCase(
        customer_name=customer_name.strip(),
        partner_name=partner_name.strip(),
        prepared_on=prepared_on or dt.date.today(),
        scenario=scenario,
        prices=prices,
        price_book=price_book or load_price_book(),
        result=result,
        range=case_range,
        tornado=sensitivity.tornado,
        verdict=verdict,
        recommendation=recommendation,
        what_must_be_true=_what_must_be_true(result, catalogue),
        assumptions=assumption_rows(scenario, prices, catalogue, surveyed),
        evidence=_evidence(scenario, catalogue),
        usage=facts,
        data_sources=_data_sources(scenario, facts, catalogue, price_book or load_price_book(), surveyed),
        throttling_warning=throttling_warning(result) if result.served_share < 1 else None,
        ledger_notes=ledger_notes(result),
        comparison=_comparison(compared, scenario, prices, result, sensitivity, draws),
        record=record,
        pessimistic=pessimistic,
    )


def _comparison(
    compared: Sequence[tuple[str, Scenario]],
    scenario: Scenario,
    prices: Prices,
    result: ScenarioResult,
    sensitivity: Sensitivity,
    draws: int,
) -> Comparison | None:
    """The side-by-side section, when two or more scenarios are named."""
    if len(compared) < 2:
        return None
    rows = [
        compared_scenario(name, s, prices, result, sensitivity, draws)
        if s == scenario
        else compared_scenario(name, s, prices, draws=draws)
        for name, s in compared
    ]
    return comparison_of(rows, draws)


def pessimistic_check(scenario: Scenario, prices: Prices) -> PessimisticCheck:
    """NPV and payback of the Pessimistic preset applied to ``scenario``'s team, at ``prices``."""
    low = compute(preset_on_team(scenario, "low"), prices)
    return PessimisticCheck(npv=low.npv, payback_month=low.payback_month)


def _recommend(result: ScenarioResult, case_range: Range, pessimistic: PessimisticCheck) -> tuple[str, str]:
    """A verdict and one sentence, from the NPV, the simulated range and the pessimistic preset.

    The sentence names what it rests on: the P10 is of draws with independent inputs (narrower
    than the truth when inputs move together), and "even at the pessimistic end" is said only when
    every input at its pessimistic end at once still pays back.
    """
    c = result.currency
    npv = f"{c} {result.npv:,.0f}"
    span = f"{c} {case_range.p10:,.0f} to {c} {case_range.p90:,.0f}"
    basis = p10_basis(case_range.draws)
    low = f"{c} {pessimistic.npv:,.0f}"
    if result.npv > 0 and case_range.p10 > 0 and pessimistic.pays_back:
        return "Proceed", (
            f"Proceed: the case pays back even at the pessimistic end: with {PESSIMISTIC_PRESET} the "
            f"NPV is {low} (expected NPV {npv}; P10 to P90 {span}, the {basis})."
        )
    if result.npv > 0 and case_range.p10 > 0:
        return "Proceed", (
            f"Proceed: NPV {npv}, positive at the {basis} ({c} {case_range.p10:,.0f}; P90 "
            f"{c} {case_range.p90:,.0f}); with {PESSIMISTIC_PRESET} it is {low}."
        )
    if result.npv > 0:
        return "Proceed with a measured pilot", (
            f"Proceed with a measured pilot: the expected NPV is {npv}, but the range ({span}; the "
            f"{basis}) includes a loss, so measure time saved and realisation in the first months."
        )
    if case_range.p90 > 0:
        return "Pilot before committing", (
            f"Pilot before committing: on these inputs the NPV is {npv}; it turns positive only in "
            f"the optimistic part of the range ({span}; P10 to P90 of {case_range.draws:,} draws with "
            "independent inputs)."
        )
    return "Do not proceed on these assumptions", (
        f"Do not proceed on these assumptions: the NPV is {npv} and even the optimistic end of the "
        f"range ({span}; P10 to P90 of {case_range.draws:,} draws with independent inputs) does not "
        "pay back."
    )


def _what_must_be_true(result: ScenarioResult, catalogue: Catalogue) -> list[str]:
    lines = [break_even_sentence(result)]
    shares = result.break_even.time_saved_share_by_role
    if shares:
        per_role = ", ".join(f"{role_label(r)} {s:.0%}" for r, s in shares.items())
        lines.append(f"Break-even time saved by role: {per_role}.")
    be = result.break_even
    if be.hours_freed_per_month_needed is not None:
        lines.append(
            f"About {be.hours_freed_per_month_needed:,.0f} freed analyst hours a month, on average, "
            "at the realised rate per hour."
        )
    lines.append(
        "Freed hours are reinvested in security work (the realisation rate says how much); "
        "freed time that is not reinvested is not value."
    )
    return lines


def assumption_rows(
    scenario: Scenario,
    prices: Prices,
    catalogue: Catalogue,
    surveyed: Mapping[str, SurveyTimeSaved] | None = None,
) -> list[AssumptionRow]:
    """Every input of ``scenario`` with its unit and source (catalogue evidence or 'assumption';
    a role in ``surveyed`` cites the team's survey, graded ``self_report``, for its time saved)."""
    surveyed = surveyed or {}
    rows: list[AssumptionRow] = []
    measured_roles = set(scenario.capacity.measured_roles)
    for r in scenario.role_ids():
        role, defaults = scenario.roles[r], catalogue.roles[r]
        label = role_label(r)

        def source(name: str, defaults: RoleDefaults = defaults) -> tuple[str, str]:
            return _cited_source(catalogue, defaults.cited_fields()[name])

        items: list[tuple[str, str, float, str, tuple[str, str]]] = [
            ("headcount", "People", role.headcount, "people", source("headcount")),
            (
                "hours_per_week_on_assisted_tasks",
                "Hours/week on assisted tasks",
                role.hours_per_week_on_assisted_tasks,
                "hours per person per week",
                source("hours_per_week"),
            ),
            (
                "time_saved_share",
                "Time saved",
                role.time_saved_share,
                "share",
                (EVIDENCE_GRADE, surveyed[r].cited()) if r in surveyed else source("time_saved_share"),
            ),
            (
                "loaded_cost_per_hour",
                "Loaded cost per hour",
                role.loaded_cost_per_hour,
                f"{prices.currency} per hour",
                source("loaded_cost_per_hour"),
            ),
            (
                "adoption_starting_share",
                "Using it in month 1",
                role.adoption.starting_share,
                "share",
                ("assumption", catalogue.defaults.adoption_starting_share.reason),
            ),
            (
                "adoption_months_to_full",
                "Months to full adoption",
                role.adoption.months_to_full,
                "months",
                ("assumption", catalogue.defaults.adoption_months_to_full.reason),
            ),
            (
                "scu_per_person_month",
                "SCUs per person per month",
                scenario.capacity.scu_per_person_month[r],
                "SCU",
                ("customer data", "Measured from the customer's usage export")
                if r in measured_roles
                else source("scu_per_person_month"),
            ),
        ]
        for key, text, value, unit, (basis, why) in items:
            rows.append(AssumptionRow(f"{r}.{key}", label, text, float(value), unit, basis, why))
    d = catalogue.defaults
    rows += [
        AssumptionRow(
            "realisation_rate", "Scenario", "Realisation rate", scenario.realisation_rate, "share",
            "assumption", d.realisation_rate.reason,
        ),
        AssumptionRow(
            "discount_rate_annual", "Scenario", "Discount rate (annual)", scenario.discount_rate_annual,
            "share per year", "assumption", d.discount_rate_annual.reason,
        ),
        AssumptionRow(
            "horizon_months", "Scenario", "Horizon", scenario.horizon_months, "months", "assumption",
            "The period the case covers",
        ),
        AssumptionRow(
            "enablement", "Scenario", "Enablement (one-off, month 1)", scenario.one_off_costs.enablement,
            prices.currency, "assumption", d.enablement_cost.reason,
        ),
        AssumptionRow(
            "training", "Scenario", "Training (one-off, month 1)", scenario.one_off_costs.training,
            prices.currency, "assumption", d.training_cost.reason,
        ),
        AssumptionRow(
            "provisioned_per_scu_hour", "Prices", "Provisioned price per SCU-hour",
            prices.provisioned_per_scu_hour, f"{prices.currency} per SCU-hour", "price book",
            load_price_book().provisioned_price_per_scu_hour_usd.source,
        ),
        AssumptionRow(
            "overage_per_scu", "Prices", "Overage price per SCU", prices.overage_per_scu,
            f"{prices.currency} per SCU", "price book", load_price_book().overage_price_per_scu_usd.source,
        ),
        AssumptionRow(
            "discount_share", "Prices", "Negotiated discount", prices.discount_share, "share",
            "assumption", "Entered in the sidebar (0 = list price)",
        ),
    ]  # fmt: skip
    return rows + [AssumptionRow(*fields) for fields in finance_assumption_fields(scenario)]


def _cited_source(catalogue: Catalogue, default: CitedDefault) -> tuple[str, str]:
    """(basis, source text) of a catalogue default."""
    if default.basis == "evidence":
        studies = "; ".join(
            f"{e.study} (run by {e.authors}; {MEASURE_LABELS[e.measures]}; {e.significance_label})"
            for e in catalogue.evidence_for(default)
        )
        return "evidence", f"{default.reason}. Studies: {studies}"
    return "assumption", default.reason


NO_STUDY = "No task-time measurement"


def _evidence(scenario: Scenario, catalogue: Catalogue) -> list[EvidenceRow]:
    """Per role with people: the studies its time saved derives from, then those shown as context."""
    rows: list[EvidenceRow] = []
    for r in scenario.role_ids():
        if scenario.roles[r].headcount == 0:
            continue
        default = catalogue.roles[r].time_saved_share
        label = role_label(r)
        if default.basis == "assumption":
            rows.append(
                EvidenceRow(label, "assumption", NO_STUDY, "-", "-", "-", "-", "-", default.reason,
                            "A labelled assumption", "-")
            )  # fmt: skip
        graded = [
            (f"cited ({_ends_text(default.ends_resting_on(e))})", catalogue.evidence[e])
            for e in default.evidence
        ]
        graded += [("context", e) for e in catalogue.context_for(default)]
        for use, e in graded:
            rows.append(
                EvidenceRow(
                    label, use, e.study, e.authors, MEASURE_LABELS[e.measures], e.setting,
                    e.significance_label, e.sample, e.result, e.caveat, e.reference,
                )
            )  # fmt: skip
    return rows


def _ends_text(ends: Sequence[str]) -> str:
    """``low end`` or ``low and high ends``: which ends of a band a study backs.

    >>> _ends_text(["low"]), _ends_text(["low", "expected", "high"])
    ('low end', 'low, expected and high ends')
    """
    if len(ends) == 1:
        return f"{ends[0]} end"
    return f"{', '.join(ends[:-1])} and {ends[-1]} ends"


def evidence_backs(row: EvidenceRow) -> str:
    """The role a cited study backs, with the ends: ``SOC analyst (low end)``."""
    return f"{row.role} ({row.use.removeprefix('cited (')}" if row.use.startswith("cited (") else row.role


def evidence_authors(case: BusinessCase) -> str:
    """Who ran the studies behind the case, e.g. 'Microsoft', for a sentence a CFO reads."""
    authors = sorted({e.authors for e in case.evidence if e.use != "assumption"})
    return " and ".join(authors) if authors else "nobody (every time saved is an assumption)"


def _data_sources(
    scenario: Scenario,
    facts: UsageFacts | None,
    catalogue: Catalogue,
    book: PriceBook,
    surveyed: Mapping[str, SurveyTimeSaved] | None = None,
) -> list[str]:
    sources = [
        "Roles catalogue: time saved from task-time studies (run or funded by Microsoft) or an assumption",
        f"Price book: {price_book_label(book)}",
    ]
    if surveyed:
        roles = "; ".join(f"{role_label(r)} ({s.source()})" for r, s in surveyed.items())
        sources.append(
            f"Time saved from the team's own survey (self-reported, which overstates measured time; "
            f"the studies' band kept for the range): {roles}"
        )
    if facts is not None:
        sources.append(
            f"Usage exports ({', '.join(facts.file_names)}): {facts.rows:,} rows from "
            f"{facts.first:%d %b %Y} to {facts.last:%d %b %Y} ({facts.timezone})"
            + (", user names pseudonymised" if facts.pseudonymised else "")
        )
    if scenario.capacity.usage_source == "usage":
        # Labels, not ids: this line reaches the customer's slides and page.
        measured = ", ".join(role_label(r) for r in scenario.capacity.measured_roles)
        sources.append(f"SCUs per person per month: measured from the customer's usage ({measured})")
    else:
        sources.append("SCUs per person per month: estimated (no usage calibration)")
    return sources


def usage_facts(
    usage: UsageDataset,
    scenario: Scenario,
    prices: Prices,
    pseudonymise: bool,
    pseudonym_key: bytes,
    roster: Roster | None = None,
) -> UsageFacts:
    """Usage summary and chargeback for the exports; names replaced by aliases when asked.

    Chargeback prices the observed usage under the scenario's plan and splits that bill pro rata
    by SCUs (the blended cost per SCU).
    """
    frame = usage.frame
    observed = bill(usage.hourly, scenario.capacity.plan, prices).totals
    consumed = float(frame["units_scu"].sum())
    cost_per_scu = observed.total_cost / consumed if consumed > 0 else 0.0
    charge: ChargebackResult = chargeback(frame, roster, cost_per_scu, prices.currency)
    by_user = breakdown(frame, "user")
    by_plugin = breakdown(frame, "plugins")
    cb_user = charge.by_user.drop(columns=["seniority", "source"], errors="ignore")
    file_names = [f.file_name for f in usage.quality.files]
    if pseudonymise:
        # People are aliased; agents keep their product names (they are not people).
        names = [str(u) for u in frame["user"].astype(str).unique()]
        aliases = alias_map([n for n in names if not is_agent_identity(n)], pseudonym_key)
        by_user = by_user.assign(name=[aliases.get(str(n), str(n)) for n in by_user["name"]])
        cb_user = cb_user.assign(user=[aliases.get(str(n), str(n)) for n in cb_user["user"]])
        file_names = [_without_names(f, aliases) for f in file_names]
    return UsageFacts(
        file_names=tuple(file_names),
        rows=len(frame),
        users=int(frame["user"].astype(str).nunique()),
        total_units_scu=consumed,
        first=usage.quality.first,
        last=usage.quality.last,
        timezone=usage.timezone,
        by_user=by_user.head(MAX_USAGE_ROWS_IN_EXPORTS).reset_index(drop=True),
        by_plugin=by_plugin.head(MAX_USAGE_ROWS_IN_EXPORTS).reset_index(drop=True),
        chargeback_by_role=charge.by_role[["role_label", "units_scu", "sessions", "share", "cost"]],
        chargeback_by_user=cb_user.head(MAX_USAGE_ROWS_IN_EXPORTS).reset_index(drop=True),
        cost_per_scu=cost_per_scu,
        pseudonymised=pseudonymise,
    )


def _without_names(text: str, aliases: dict[str, str]) -> str:
    """``text`` with every user name in it replaced by its alias (a file named after a person).

    >>> _without_names("usage Ben Heppard.csv", {"Ben Heppard": "User 1A"})
    'usage User 1A.csv'
    """
    # Longest names first, so "Ben Heppard-Smith" is not half-replaced by "Ben Heppard".
    for name in sorted(aliases, key=len, reverse=True):
        if len(name) >= 3 and name in text:
            text = text.replace(name, aliases[name])
    return text


def role_ids_with_people(case: BusinessCase) -> list[RoleId]:
    return [r for r in case.scenario.role_ids() if case.scenario.roles[r].headcount > 0]


def headline_figures(case: BusinessCase) -> list[tuple[str, str, str]]:
    """(label, value, note) for the five numbers every format leads with, worded once."""
    r, c = case.result, case.prices.currency
    payback = payback_text(r.payback_month)
    fell_back = payback_fell_back_sentence(r.payback_month, r.first_crossing_month)
    return [
        (
            "Cost",
            money(r.total_cost, c),
            f"{cost_card_note(r)}, {r.horizon_months} months; PV {money(r.pv_costs, c)}",
        ),
        (
            "Realised value",
            money(r.total_value, c),
            f"{r.realisation_rate:.0%} of freed hours counted; PV of benefits {money(r.pv_benefits, c)}",
        ),
        (
            "Analyst hours freed",
            f"{r.total_hours_freed:,.0f} h",
            f"{fte_card_note(r, c)}; not value until reinvested"
            if r.served_share >= 1
            else f"only served work counts: {throttled_share_text(r)} of demanded SCUs throttled",
        ),
        (
            "NPV",
            money(r.npv, c),
            f"P10 {money(case.range.p10, c)} to P90 {money(case.range.p90, c)}; {INDEPENDENCE_CAVEAT}",
        ),
        (
            "Payback",
            payback,
            (f"{fell_back} " if fell_back else "")
            + f"{share_positive_sentence(case.range.share_npv_positive, case.range.draws)}; "
            f"{payback_card_note(r)}",
        ),
    ]


RUN_RATE_MONTHS = 12


@dataclass(frozen=True)
class RunRate:
    """What the case costs and returns in an average month once it runs (see :func:`run_rate`)."""

    months: int  # the months averaged (the horizon's last 12, or all of a shorter horizon)
    cost_per_month: float  # capacity and other recurring costs, without one-off costs
    value_per_month: float  # realised value of freed hours (people and agents)
    other_benefits_per_month: float
    net_per_month: float  # value + other benefits - cost

    def per_year(self, per_month: float) -> float:
        return 12 * per_month


def run_rate(result: ScenarioResult) -> RunRate:
    """The average month of the horizon's last 12 months (all of them when the horizon is shorter),
    without one-off costs: the monthly run rate once adoption has ramped up; a year's is 12 times it.

    Undiscounted and before risk adjustment, like the horizon totals it stands beside.

    >>> from copilot_roi.value.scenario import scenario_template
    >>> result = compute(scenario_template("expected"))
    >>> rate = run_rate(result)
    >>> last = result.monthly[-12:]
    >>> round(rate.cost_per_month, 6) == round(sum(m.cost - m.one_off_cost for m in last) / 12, 6)
    True
    """
    window = result.monthly[-RUN_RATE_MONTHS:]
    n = len(window)
    cost = sum(m.cost - m.one_off_cost for m in window) / n
    value = sum(m.value for m in window) / n
    other = sum(m.other_benefits for m in window) / n
    return RunRate(n, cost, value, other, value + other - cost)


def case_record(case: BusinessCase) -> Case:
    """The case the business case was built from (a new one around its scenario when none was
    kept), under the names the business case shows."""
    record = case.record or new_case(case.scenario)
    names = {"customer_name": case.customer_name, "partner_name": case.partner_name}
    return record.model_copy(update={k: v for k, v in names.items() if v})


def case_summary(case: BusinessCase) -> dict[str, str]:
    """The case's five parts (customer, data, plan, price book, names), worded as on every page
    (``copilot_roi.case.case_parts``); the data part names the exports as the exports do
    (file names pseudonymised when names are) with the period they cover."""
    record, u = case_record(case), case.usage
    if u is None:
        return case_parts(record)
    first, last = u.first.to_pydatetime(), u.last.to_pydatetime()
    parts = case_parts(record, first, last, u.pseudonymised)
    parts["Data"] = usage_description(list(u.file_names), u.timezone, first, last)
    return parts


def case_line(case: BusinessCase) -> str:
    """:func:`case_summary` in one line, as ``copilot_roi.case.case_line`` writes it."""
    return " · ".join(f"{label}: {text}" for label, text in case_summary(case).items())
