"""What the scenarios page needs besides the engine: widget keys and values, edits, plain words.

The page only draws widgets and figures; turning widget values into a valid ``Scenario``, showing
the evidence beside a default and phrasing the executive numbers happen here, where they can be
tested without Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from copilot_roi.pricebook import PriceBook, PriceOverrides, Prices
from copilot_roi.roles import RoleId, role_label
from copilot_roi.value.bounds import field_bounds, percent_bounds
from copilot_roi.value.catalogue import Catalogue, CitedDefault, Evidence, load_catalogue
from copilot_roi.value.engine import ScenarioResult
from copilot_roi.value.scenario import Adoption, RoleScenario, Scenario
from copilot_roi.value.sensitivity import Sensitivity
from copilot_roi.value.simulation_text import INDEPENDENCE_CAVEAT, share_positive_sentence
from copilot_roi.wording import money, payback_sentence, payback_text


@dataclass(frozen=True)
class RoleInput:
    """One per-role input: its field (the input name is ``<role>_<field>``), label, limits and step.

    The limits are the scenario model's (percent widgets show a share times 100), so every value
    a file or a link can hold fits the widget that shows it.
    """

    field: str
    label: str
    low: float
    high: float
    step: float
    whole: bool = False


ROLE_INPUTS: tuple[RoleInput, ...] = (
    RoleInput("headcount", "People", *field_bounds(RoleScenario, "headcount"), step=1, whole=True),
    RoleInput(
        "hours",
        "Hours/week on assisted tasks",
        *field_bounds(RoleScenario, "hours_per_week_on_assisted_tasks"),
        step=0.5,
    ),
    RoleInput(
        "saved_pct",
        "Time saved on those tasks (%)",
        *percent_bounds(RoleScenario, "time_saved_share"),
        step=0.5,
    ),
    RoleInput("cost", "Loaded cost per hour", *field_bounds(RoleScenario, "loaded_cost_per_hour"), step=5.0),
    RoleInput("start_pct", "Using it in month 1 (%)", *percent_bounds(Adoption, "starting_share"), step=1.0),
    RoleInput("months", "Months to full adoption", *field_bounds(Adoption, "months_to_full"), 1, True),
)
ROLE_INPUT = {spec.field: spec for spec in ROLE_INPUTS}


def role_key(role_id: str, field: str) -> str:
    """The input name of one role's field (``soc_headcount``); a page prefixes its own keys."""
    return f"{role_id}_{field}"


def widget_values(scenario: Scenario) -> dict[str, Any]:
    """The scenario inputs' values, by input name, that show ``scenario`` (no session keys: the
    page adds its own prefix)."""
    values: dict[str, Any] = {}
    for r, role in scenario.roles.items():
        values[role_key(r, "headcount")] = role.headcount
        values[role_key(r, "hours")] = float(role.hours_per_week_on_assisted_tasks)
        # Percent widgets keep the file's precision (6 places): a loaded value is shown, not rounded.
        values[role_key(r, "saved_pct")] = round(role.time_saved_share * 100, 6)
        values[role_key(r, "cost")] = float(role.loaded_cost_per_hour)
        values[role_key(r, "start_pct")] = round(role.adoption.starting_share * 100, 6)
        values[role_key(r, "months")] = role.adoption.months_to_full
        values[role_key(r, "scu")] = float(scenario.capacity.scu_per_person_month[r])
    values["realisation_pct"] = round(scenario.realisation_rate * 100, 6)
    values["horizon"] = scenario.horizon_months
    values["discount_pct"] = round(scenario.discount_rate_annual * 100, 6)
    values["enablement"] = float(scenario.one_off_costs.enablement)
    values["training"] = float(scenario.one_off_costs.training)
    return values


def scenario_from_values(base: Scenario, values: dict[str, Any]) -> Scenario:
    """``base`` with the widget values applied; a band widens to hold a value set outside it.

    Raises ``pydantic.ValidationError`` (a ``ValueError``) naming the field when a value is invalid.
    """
    data = base.model_dump()
    for r in base.roles:
        role = data["roles"][r]
        ranges = role["ranges"]
        headcount = int(values.get(role_key(r, "headcount"), role["headcount"]))
        hours = float(values.get(role_key(r, "hours"), role["hours_per_week_on_assisted_tasks"]))
        share = float(values.get(role_key(r, "saved_pct"), role["time_saved_share"] * 100)) / 100
        cost = float(values.get(role_key(r, "cost"), role["loaded_cost_per_hour"]))
        months = int(values.get(role_key(r, "months"), role["adoption"]["months_to_full"]))
        start = float(values.get(role_key(r, "start_pct"), role["adoption"]["starting_share"] * 100))
        role.update(
            headcount=headcount,
            hours_per_week_on_assisted_tasks=hours,
            time_saved_share=share,
            loaded_cost_per_hour=cost,
            adoption=Adoption(starting_share=start / 100, months_to_full=months).model_dump(),
        )
        for name, value in (
            ("headcount", headcount),
            ("hours_per_week_on_assisted_tasks", hours),
            ("time_saved_share", share),
            ("loaded_cost_per_hour", cost),
            ("adoption_months_to_full", months),
        ):
            ranges[name] = _widen(ranges[name], value)
        scu = values.get(role_key(r, "scu"))
        if scu is not None:
            data["capacity"]["scu_per_person_month"][r] = float(scu)
    realisation = float(values.get("realisation_pct", base.realisation_rate * 100)) / 100
    discount = float(values.get("discount_pct", base.discount_rate_annual * 100)) / 100
    data["realisation_rate"] = realisation
    data["discount_rate_annual"] = discount
    data["ranges"]["realisation_rate"] = _widen(data["ranges"]["realisation_rate"], realisation)
    data["ranges"]["discount_rate_annual"] = _widen(data["ranges"]["discount_rate_annual"], discount)
    data["horizon_months"] = int(values.get("horizon", base.horizon_months))
    capacity = data["capacity"]
    capacity["measured_roles"] = measured_roles(base, capacity["scu_per_person_month"])
    capacity["usage_source"] = "usage" if capacity["measured_roles"] else "estimate"
    data["one_off_costs"] = {
        "enablement": float(values.get("enablement", base.one_off_costs.enablement)),
        "training": float(values.get("training", base.one_off_costs.training)),
    }
    if data != base.model_dump():
        data["preset"] = "custom"
    return Scenario.model_validate(data)


def measured_roles(base: Scenario, scu: dict[str, float]) -> list[RoleId]:
    """Roles of ``base`` measured from usage whose SCUs per person still equal the measured figure
    (a scenario file can carry measured figures; an edit makes them an estimate again)."""
    return [
        r
        for r in base.role_ids()
        if r in base.capacity.measured_roles and abs(base.capacity.scu_per_person_month[r] - scu[r]) < 1e-9
    ]


def _widen(band: dict[str, float], value: float) -> dict[str, float]:
    return {"low": min(float(band["low"]), value), "high": max(float(band["high"]), value)}


def overrides_from_prices(prices: Prices, book: PriceBook) -> PriceOverrides:
    """Overrides that reproduce ``prices`` from ``book`` (for the portable scenario); what equals
    the book stays unset, so an untouched sidebar gives the template's ``prices``.

    >>> from copilot_roi.pricebook import effective_prices, load_price_book
    >>> book = load_price_book()
    >>> o = PriceOverrides(provisioned_price_per_scu_hour_usd=3.5, discount_share=0.1)
    >>> overrides_from_prices(effective_prices(book, o), book) == o
    True
    """
    factor = (1 - prices.discount_share) * prices.usd_to_currency_rate
    provisioned = round(prices.provisioned_per_scu_hour / factor, 6)
    overage = round(prices.overage_per_scu / factor, 6)
    return PriceOverrides(
        provisioned_price_per_scu_hour_usd=None
        if provisioned == book.provisioned_price_per_scu_hour_usd.value
        else provisioned,
        overage_price_per_scu_usd=None if overage == book.overage_price_per_scu_usd.value else overage,
        discount_share=prices.discount_share,
        currency=prices.currency,
        usd_to_currency_rate=prices.usd_to_currency_rate,
        overage_rounding=None
        if prices.overage_rounding == book.overage_rounding.value
        else prices.overage_rounding,
    )


@dataclass(frozen=True)
class EvidenceNote:
    """What the page shows beside a default."""

    field: str
    default: str
    basis: str  # "evidence" or "assumption"
    lines: tuple[str, ...]
    summary: str  # one line for the executive view: the main source and its caveat


def evidence_notes(role_id: RoleId) -> list[EvidenceNote]:
    """Each default of ``role_id`` with its source, sample and caveat, or its assumption reason."""
    catalogue = load_catalogue()
    role = catalogue.roles[role_id]
    labels = {
        "time_saved_share": ("Time saved", "{:.1%}"),
        "hours_per_week": ("Hours/week", "{:g} h"),
        "loaded_cost_per_hour": ("Cost/hour", "USD {:,.0f}"),
        "scu_per_person_month": ("SCUs per person per month", "{:g} SCU"),
    }
    notes = []
    for name, (label, fmt) in labels.items():
        default = role.cited_fields()[name]
        expected, low, high = (fmt.format(v) for v in (default.expected, default.low, default.high))
        shown = f"{label}: {expected} (range {low} to {high}{_end_flags(catalogue, default)})"
        context = tuple(_context_line(e) for e in catalogue.context_for(default))
        if default.basis == "evidence":
            cited = catalogue.evidence_for(default)
            lines = tuple(
                f"{e.study} ({e.sample}; {e.grade}): {e.result}. Caveat: {e.caveat}. Source: {e.reference}"
                for e in cited
            )
            lines = (default.reason, *lines, *context)
            first = cited[0]
            summary = f"{first.study} ({first.sample}; {first.grade}). Caveat: {first.caveat}."
        else:
            lines = (f"Assumption: {default.reason}", *context)
            summary = lines[0]
        notes.append(EvidenceNote(name, shown, default.basis, lines, summary))
    return notes


def _end_flags(catalogue: Catalogue, default: CitedDefault) -> str:
    """``; low end not significant`` or ``; high end a vendor's claim``: ends whose standing is weak."""
    flags = [f"{end} end not significant" for end in catalogue.not_significant_ends(default)]
    flags += [f"{end} end a vendor's claim, not a study" for end in catalogue.claim_ends(default)]
    return "".join(f"; {flag}" for flag in flags)


def _context_line(entry: Evidence) -> str:
    """An elapsed-time (or other non-labour) result shown beside a default, never used in it."""
    return (
        f"Context, not labour saved: {entry.study} ({entry.grade}): {entry.result}. Caveat: {entry.caveat}."
    )


def evidence_markdown(role_id: RoleId, brief: bool) -> str:
    """A role's evidence notes as one Markdown block: each default in bold, tagged ``cited`` or
    ``assumption``, then its summary (``brief``) or every source with sample and caveat."""
    blocks = []
    for note in evidence_notes(role_id):
        tag = "cited" if note.basis == "evidence" else "assumption"
        detail = note.summary if brief else "\n\n".join(note.lines)
        blocks.append(f"**{note.default}** · _{tag}_\n\n{detail}")
    return "\n\n".join(blocks)


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    sentence: str


NPV_RANGE_CARD = 2  # position of the headline that needs the Monte Carlo
RANGE_PENDING = "..."


def headlines(result: ScenarioResult, sensitivity: Sensitivity | None) -> list[Headline]:
    """The executive view's four numbers, each with one plain sentence.

    Without ``sensitivity`` the NPV range reads ``RANGE_PENDING``: the page shows the cash-flow
    headlines first and the range once the Monte Carlo has run.
    """
    c, years = result.currency, result.horizon_months / 12
    mc = sensitivity.monte_carlo if sensitivity is not None else None
    payback = payback_text(result.payback_month)
    return [
        Headline(
            "Cost",
            money(result.total_cost, c),
            f"Security Copilot capacity and one-off costs over {years:g} years.",
        ),
        Headline(
            "Realised value",
            money(result.total_value, c),
            f"{result.total_hours_freed:,.0f} analyst hours freed, of which "
            f"{result.realisation_rate:.0%} is counted as value.",
        ),
        Headline(
            "NPV range (P10 to P90)",
            RANGE_PENDING,
            "Simulating the range of outcomes...",
        )
        if mc is None
        else Headline(
            "NPV range (P10 to P90)",
            f"{money(mc.p10, c)} to {money(mc.p90, c).removeprefix(c + ' ')}",
            f"{share_positive_sentence(mc.share_npv_positive, mc.draws)}; {INDEPENDENCE_CAVEAT}.",
        ),
        Headline(
            "Payback",
            payback,
            payback_sentence(result.payback_month, result.first_crossing_month),
        ),
    ]


def break_even_sentence(result: ScenarioResult) -> str:
    """ "What must be true", in one sentence."""
    be = result.break_even
    if be.time_saved_multiplier is None or be.realisation_rate is None:
        return "No time is saved, so no assumption about value can cover the cost."
    rate = be.realisation_rate
    rate_text = (
        f"at least {rate:.0%} of freed hours must turn into value"
        if rate <= 1
        else "even turning every freed hour into value would not cover the cost"
    )
    return (
        f"To break even over {result.horizon_months} months, time saved must be at least "
        f"{be.time_saved_multiplier:.0%} of what is assumed, or {rate_text}."
    )


def assumption_rows(scenario: Scenario) -> list[dict[str, Any]]:
    """Every role input of ``scenario`` with the basis of its time-saved default, one row a role."""
    catalogue = load_catalogue()
    return [
        {
            "Role": role_label(r),
            "People": role.headcount,
            "Hours/week assisted": role.hours_per_week_on_assisted_tasks,
            "Time saved": f"{role.time_saved_share:.1%}",
            "Time saved basis": catalogue.roles[r].time_saved_share.basis,
            "Cost/hour": role.loaded_cost_per_hour,
            "Month-1 adoption": f"{role.adoption.starting_share:.0%}",
            "Full adoption from month": role.adoption.months_to_full,
            "SCU/person/month": scenario.capacity.scu_per_person_month[r],
            "SCU source": scenario.capacity.usage_source,
        }
        for r, role in scenario.roles.items()
    ]


def measured_summary(scenario: Scenario) -> list[str]:
    """The measured SCUs per person, one line per measured role (when no upload details are kept).

    >>> from copilot_roi.value.calibration import calibrated
    >>> from copilot_roi.value.scenario import scenario_template
    >>> measured_summary(calibrated(scenario_template(), {"soc": 52.25}))
    ['SOC analyst 52.2 SCU per person per month']
    """
    scu = scenario.capacity.scu_per_person_month
    return [
        f"{role_label(r)} {scu[r]:,.1f} SCU per person per month" for r in scenario.capacity.measured_roles
    ]
