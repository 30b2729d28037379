"""CLI commands ``scenario-template`` and ``roi``: the portable scenario JSON and its value case."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from copilot_roi.case import case_line, effective_scenario
from copilot_roi.cli.arguments import add_timezone_argument
from copilot_roi.cli.case_inputs import CaseInputs, add_case_arguments, read_case
from copilot_roi.cli.errors import CliError
from copilot_roi.cli.input_files import read_roster_path
from copilot_roi.cli.json_output import emit_json
from copilot_roi.cli.model_files import load_model
from copilot_roi.usage import IngestOptions, UntrustedFileError, ingest_paths
from copilot_roi.usage.adoption import Adoption, measure_adoption
from copilot_roi.usage.agents import RateCard, rate_card
from copilot_roi.usage.chargeback import Roster
from copilot_roi.value.adoption_fit import AdoptionCalibration, calibrate_adoption
from copilot_roi.value.agent_lines import lines_from_rate_card
from copilot_roi.value.engine import ScenarioResult, compute, ledger_notes, throttling_warning
from copilot_roi.value.finance_text import convention_sentence, discounted_figures
from copilot_roi.value.realised import realised_to_date
from copilot_roi.value.rightsize import RightSizing, right_size
from copilot_roi.value.scenario import Scenario, scenario_template
from copilot_roi.wording import other_convention_npv, payback_fell_back_sentence, payback_phrase

# A scenario is a few kilobytes; refuse anything that is clearly not one before parsing it.
MAX_SCENARIO_BYTES = 1_000_000


def register(sub: Any) -> None:
    template = sub.add_parser(
        "scenario-template", help="print a complete value scenario as JSON (the portable format)"
    )
    template.add_argument(
        "--preset",
        choices=("low", "expected", "high"),
        default="expected",
        help="pessimistic, expected or optimistic defaults from the roles catalogue",
    )
    template.set_defaults(handler=run_scenario_template)

    roi = sub.add_parser("roi", help="cost, value, NPV, payback and break-even of a scenario")
    roi.add_argument(
        "--scenario",
        type=Path,
        action="append",
        metavar="FILE.json",
        help="a scenario file; repeat to compare several (JSON: a list, one result per file, in order)",
    )
    roi.add_argument("--json", action="store_true", help="print JSON")
    roi.add_argument(
        "--right-size",
        action="store_true",
        help="value the scenario on the purchasable plan with the highest NPV (flat 1..100 SCU, "
        "overage off or unlimited, or the E5/E7 pool alone), as the Value scenarios page does",
    )
    roi.add_argument(
        "--agent-rates",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="usage exports (.xlsx/.csv): take each agent's runs a month and SCUs per run from their "
        "rate card into the scenario's agent lines (a line per agent, added when missing)",
    )
    roi.add_argument(
        "--as-of", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="day the exports were taken"
    )
    add_timezone_argument(roi, "time zone of the exports' clock times (UTC, or the case's)", default=None)
    roi.add_argument(
        "--usage", type=Path, nargs="+", metavar="FILE", help="with --case: the usage exports it records"
    )
    roi.add_argument(
        "--calibrate-adoption",
        action="store_true",
        help="fit each role's adoption ramp (starting share, months to full) to the share of its people "
        "active in each complete month of the usage (--usage, with --roster for the people per role; "
        "else the scenario's headcount); with --case, its own exports",
    )
    add_case_arguments(roi)
    roi.set_defaults(handler=run_roi)


def run_scenario_template(args: argparse.Namespace) -> None:
    sys.stdout.write(scenario_template(args.preset).model_dump_json(indent=2) + "\n")


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; any problem is a CliError (exit 1) naming the field."""
    return load_model(path, Scenario, "a scenario", MAX_SCENARIO_BYTES)


def run_roi(args: argparse.Namespace) -> None:

    if args.case is not None:
        _run_case(args)
        return
    if not args.scenario:
        raise CliError("give --scenario FILE.json (repeat to compare) or --case case.json")
    if args.reprice or (not args.calibrate_adoption and (args.usage or args.roster)):
        raise CliError("--usage and --roster go with --case or --calibrate-adoption; --reprice with --case")
    paths: list[Path] = args.scenario
    # Every file is validated before any is computed: a bad third file fails fast, naming it.
    scenarios = [load_scenario(path) for path in paths]
    calibrations: list[AdoptionCalibration] = []
    if args.calibrate_adoption:
        if not args.usage:
            raise CliError("--calibrate-adoption: give the usage exports to measure (--usage FILE...)")
        adoption, roster = _measured_adoption(args)
        calibrations = [_calibrated(s, adoption, roster) for s in scenarios]
        scenarios = [c.scenario for c in calibrations]
    if args.agent_rates:
        card = _rate_card(args)
        scenarios = [
            Scenario.model_validate(
                s.model_dump() | {"agents": [a.model_dump() for a in lines_from_rate_card(s.agents, card)]}
            )
            for s in scenarios
        ]
    evaluated = [_evaluate(scenario, args.right_size) for scenario in scenarios]
    if args.json:
        payloads = [_payload(result, sizing) for result, sizing in evaluated]
        for payload, calibration in zip(payloads, calibrations, strict=False):
            payload["measured_adoption"] = _adoption_payload(calibration)
        if len(payloads) == 1:
            emit_json(payloads[0])
        else:
            emit_json([{"scenario_file": p.name, **d} for p, d in zip(paths, payloads, strict=True)])
        return
    for number, (path, (result, sizing)) in enumerate(zip(paths, evaluated, strict=True)):
        if len(evaluated) > 1:
            sys.stdout.write(f"== {path.name}\n")
        if calibrations:
            _print_adoption(calibrations[number])
        _print_result(result, sizing)


def _measured_adoption(args: argparse.Namespace) -> tuple[Adoption, Roster | None]:
    roster = read_roster_path(args.roster) if args.roster else None
    try:
        usage = ingest_paths(args.usage, IngestOptions(as_of=args.as_of, timezone=args.tz or "UTC"))
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error
    return measure_adoption(usage.frame, roster=roster), roster


def _calibrated(scenario: Scenario, adoption: Adoption, roster: Roster | None) -> AdoptionCalibration:
    try:
        return calibrate_adoption(scenario, adoption, roster)
    except ValueError as error:
        raise CliError(f"--calibrate-adoption: {error}") from error


def _adoption_payload(calibration: AdoptionCalibration) -> dict[str, Any]:
    return {**calibration.record.model_dump(mode="json"), "measured_months": calibration.months_payload()}


def _print_adoption(calibration: AdoptionCalibration) -> None:
    sys.stdout.write(f"Adoption fitted: {calibration.record.describe()}\n")
    for role, fitted in calibration.record.roles.items():
        shares = ", ".join(f"{s:.0%}" for s in calibration.ramps[role].shares)
        sys.stdout.write(
            f"  {role}: {fitted.starting_share:.0%} in month 1, everyone from month {fitted.months_to_full} "
            f"(measured {shares} of {fitted.people:,} {'person' if fitted.people == 1 else 'people'})\n"
        )


def _run_case(args: argparse.Namespace) -> None:
    """``roi --case``: the case's figures from the files it records, as the app shows them."""

    if args.scenario or args.agent_rates or args.right_size:
        raise CliError(
            "--case carries the scenario and its plan: drop --scenario, --agent-rates, --right-size"
        )
    inputs = read_case(args)
    calibration = None
    if args.calibrate_adoption:
        if inputs.usage is None:
            raise CliError("--calibrate-adoption: the case records no usage export to measure")
        adoption = measure_adoption(inputs.usage.frame, roster=inputs.roster, rules=inputs.case.role_rules)
        calibration = _calibrated(inputs.case.scenario, adoption, inputs.roster)
        case = inputs.case.with_scenario(calibration.scenario).model_copy(
            update={"measured_adoption": calibration.record}
        )
        scenario, measured = effective_scenario(case, inputs.usage, inputs.roster)
        inputs = CaseInputs(case, inputs.usage, inputs.roster, scenario, measured)
    prices = inputs.case.prices()
    result = compute(inputs.scenario, prices)
    realised = (
        realised_to_date(inputs.scenario, inputs.usage, inputs.roster, inputs.case.role_rules, prices, result)
        if inputs.usage is not None
        else None
    )
    if args.json:
        payload = result.cli_payload()
        payload["case"] = case_payload(inputs)
        if realised is not None:
            payload["realised_to_date"] = realised.payload()
        if calibration is not None:
            payload["measured_adoption"] = _adoption_payload(calibration)
        emit_json(payload)
        return
    sys.stdout.write(case_line(inputs.case, *_period(inputs)) + "\n")
    if inputs.measured is not None:
        for note in inputs.measured.notes:
            sys.stdout.write(f"Measured from the usage (roles by {inputs.measured.roles_from}): {note}\n")
    if calibration is not None:
        _print_adoption(calibration)
    _print_result(result, None)
    if realised is not None:
        sys.stdout.write(f"Realised to date: {realised.sentence()}\n")


def _period(inputs: CaseInputs) -> tuple[dt.datetime | None, dt.datetime | None]:
    q = inputs.usage.quality if inputs.usage is not None else None
    return (q.first, q.last) if q is not None else (None, None)


def case_payload(inputs: CaseInputs) -> dict[str, Any]:
    """What the JSON says of the case: names, data, plan, price book, what was measured."""
    case = inputs.case
    return {
        "customer_name": case.customer_name,
        "partner_name": case.partner_name,
        "usage_files": [f.file_name for f in case.usage.files] if case.usage else [],
        "roster": case.roster.file_name if case.roster else None,
        "plan": case.plan.describe(),
        "price_book": case.price_book.name,
        "measured_scu_per_person_month": dict(inputs.measured.scu_per_person_month)
        if inputs.measured
        else {},
        "measured_adoption": case.measured_adoption.model_dump(mode="json")
        if case.measured_adoption
        else None,
        "time_saved_sources": {r: s.source() for r, s in case.time_saved_sources().items()},
    }


def _rate_card(args: argparse.Namespace) -> RateCard:
    options = IngestOptions(as_of=args.as_of, timezone=args.tz or "UTC")  # --tz was checked when parsed
    try:
        return rate_card(ingest_paths(args.agent_rates, options).frame)
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error
    except ValueError as error:
        raise CliError(f"agent rates: {error}", exit_code=1) from error


def _evaluate(scenario: Scenario, right_sized: bool) -> tuple[ScenarioResult, RightSizing | None]:
    """The scenario's result, on the NPV-best purchasable plan when ``right_sized``."""
    if not right_sized:
        return compute(scenario), None
    sizing = right_size(scenario)
    capacity = scenario.capacity.model_copy(update={"plan": sizing.best.plan})
    return compute(scenario.model_copy(update={"capacity": capacity})), sizing


def _payload(result: ScenarioResult, sizing: RightSizing | None) -> dict[str, Any]:
    payload = result.cli_payload()
    if sizing is not None:
        payload["right_size"] = sizing.payload()
    return payload


def _print_result(result: ScenarioResult, sizing: RightSizing | None) -> None:
    c = result.currency
    be = result.break_even
    lines = [
        f"Horizon: {result.horizon_months} months; plan: {result.plan_description}",
        f"Total cost:        {c} {result.total_cost:,.0f}",
        f"Hours freed:       {result.total_hours_freed:,.0f} h",
        f"Realised value:    {c} {result.total_value:,.0f} (realisation rate {result.realisation_rate:.0%})",
        f"Net benefit:       {c} {result.net_benefit:,.0f}",
        "ROI:               " + ("n/a" if result.roi is None else f"{result.roi:.0%}"),
        f"{f'NPV at {result.discount_rate_annual:.1%}:':<19}{c} {result.npv:,.0f} ({result.convention} "
        f"convention; {other_convention_npv(result.npv_by_convention, result.convention, c)})",
        "Payback month:     "
        + (payback_phrase(None) if result.payback_month is None else str(result.payback_month)),
    ]
    if fell_back := payback_fell_back_sentence(result.payback_month, result.first_crossing_month):
        lines.append(fell_back)
    if result.served_share < 1:
        lines.append(throttling_warning(result))
    if sizing is not None:
        lines.append(
            f"Right-sized by NPV from {len(sizing.candidates)} purchasable plans "
            f"(the scenario's own plan, {sizing.current.describe()}: NPV {c} {sizing.current.npv:,.0f})"
        )
    for line in result.agent_lines:
        cost = "n/a" if line.cost_per_run is None else f"{c} {line.cost_per_run:,.2f}"
        lines.append(
            f"Agent {_printable(line.agent)}: {line.runs_per_month:,.0f} runs a month, cost per run {cost} "
            f"(by hand {c} {line.manual_cost_per_run:,.2f}), {line.total_hours_freed:,.0f} h freed"
        )
    if be.time_saved_multiplier is not None and be.realisation_rate is not None:
        lines.append(
            f"Break-even: time saved x{be.time_saved_multiplier:.2f}, "
            f"or a realisation rate of {be.realisation_rate:.0%}"
        )
    lines += [f"{label + ':':<31}{value}" for label, value, _ in discounted_figures(result)]
    lines.append(convention_sentence(result))
    if result.fte is not None:
        lines.append(result.fte.sentence(c))
    lines += [_printable(note) for note in ledger_notes(result)]
    sys.stdout.write("\n".join(lines) + "\n")


def _printable(text: str) -> str:
    """User text for a terminal: control characters (escape sequences) shown as "?"."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)
