"""The case: everything that decides a number, in one model that every page, the CLI and the exports read.

A case names the customer and partner, identifies the usage exports and the roster it was built
on (file name, size and SHA-256: the data itself never goes into the case), holds the role rules,
the calibration choice and the scenario (whose ``capacity.plan`` is the one plan of the case and
whose ``prices`` are the user's overrides), and pins the price book it was priced under.

Calibration is applied here, never stored: :func:`effective_scenario` measures SCUs per person
from the loaded usage when the case asks for it, so the page, ``copilot-roi roi --case`` and
``copilot-roi report --case`` give the same figures for the same files.

>>> case = new_case()
>>> open_case(case_json(case)) == case
True
>>> open_case(case.scenario.model_dump_json()).scenario == case.scenario  # an old scenario.json
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import PriceBook, Prices, effective_prices, load_price_book
from copilot_roi.roles import RoleId
from copilot_roi.survey.calibration import SurveyTimeSaved, calibrate, standing_sources
from copilot_roi.survey.statistics import SurveySummary
from copilot_roi.timezones import check_timezone
from copilot_roi.usage import UsageDataset
from copilot_roi.usage.chargeback import DEFAULT_RULES, RoleRule, Roster
from copilot_roi.value.adoption_fit import MeasuredAdoption
from copilot_roi.value.calibration import UsageMeasurement, calibrated, measure_usage
from copilot_roi.value.scenario import Scenario, scenario_template

CASE_FORMAT: Literal["copilot-roi-case"] = "copilot-roi-case"
CASE_FORMAT_VERSION: Literal[1] = 1
CASE_FILE_NAME = "case.json"
# A case is a scenario (a few kilobytes, up to a few hundred with 50 agent lines and many holidays)
# plus identities; refuse anything far larger before parsing it.
MAX_CASE_BYTES = 2_000_000
MAX_NAME_CHARS = 120


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)


class FileIdentity(_Frozen):
    """One input file as the case knows it: enough to recognise it, nothing of its content."""

    file_name: str = Field(min_length=1, max_length=255)
    size_bytes: int = Field(ge=0, le=2**40)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    @classmethod
    def of(cls, file_name: str, data: bytes) -> FileIdentity:
        return cls(file_name=file_name[:255] or "unnamed", size_bytes=len(data), sha256=sha256_hex(data))

    @classmethod
    def of_path(cls, path: Path) -> FileIdentity:
        """The identity of a file on disk, hashed in blocks (an export can be hundreds of MB)."""
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
                size += len(block)
        return cls(file_name=path.name[:255] or "unnamed", size_bytes=size, sha256=digest.hexdigest())


class UsageIdentity(_Frozen):
    """The usage exports a case was built on, and how they were read (export day, time zone)."""

    files: tuple[FileIdentity, ...] = Field(min_length=1, max_length=100)
    as_of: dt.date | None = None
    timezone: str = Field(default="UTC", min_length=1, max_length=64)
    history: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="the customer whose kept history is the usage (files: the history's parts)",
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_timezone(value)


class Case(_Frozen):
    """Everything that decides a number. See the module docstring for what is kept and what is not."""

    format: Literal["copilot-roi-case"] = CASE_FORMAT
    format_version: Literal[1] = CASE_FORMAT_VERSION
    customer_name: str = Field(default="", max_length=MAX_NAME_CHARS)
    partner_name: str = Field(default="", max_length=MAX_NAME_CHARS)
    usage: UsageIdentity | None = Field(default=None, description="None: no export loaded (estimates)")
    roster: FileIdentity | None = None
    role_rules: tuple[RoleRule, ...] = Field(default=DEFAULT_RULES, max_length=200)
    calibrate_from_usage: bool = Field(
        default=True, description="measure SCUs per person from the usage when an export is loaded"
    )
    scenario: Scenario
    price_book: PriceBook
    measured_adoption: MeasuredAdoption | None = Field(
        default=None, description="the adoption ramps were fitted to measured months (None: assumed)"
    )
    # The team's survey (identity only) and each role whose time saved was taken from it; a role
    # whose time saved was moved since cites its studies again (see ``time_saved_sources``).
    survey: FileIdentity | None = None
    time_saved_from_survey: dict[RoleId, SurveyTimeSaved] = Field(default_factory=dict)

    @property
    def plan(self) -> CapacityPlan:
        """The one plan of the case (the scenario's)."""
        return self.scenario.capacity.plan

    def with_plan(self, plan: CapacityPlan) -> Case:
        capacity = self.scenario.capacity.model_copy(update={"plan": plan})
        return self.model_copy(update={"scenario": self.scenario.model_copy(update={"capacity": capacity})})

    def with_scenario(self, scenario: Scenario) -> Case:
        """The case with another scenario (its plan and price overrides come with it)."""
        return self.model_copy(update={"scenario": scenario})

    def prices(self) -> Prices:
        """The effective prices: the pinned book with the scenario's overrides."""
        return effective_prices(self.price_book, self.scenario.prices)

    def time_saved_sources(self, scenario: Scenario | None = None) -> dict[str, SurveyTimeSaved]:
        """The roles of ``scenario`` (the case's by default) whose time saved is still the survey's."""
        return standing_sources(scenario or self.scenario, self.time_saved_from_survey)


def with_survey_time_saved(
    case: Case, survey: FileIdentity, summary: SurveySummary, roles: list[str] | None = None
) -> tuple[Case, list[str]]:
    """The case with ``roles``' time saved (default: every role that can be) taken from the survey,
    recorded with its source; and why each role asked for was left as it was. The page's button and
    ``roi --case ... --survey FILE --calibrate-time-saved`` both call this.
    """
    scenario, records, skipped = calibrate(case.scenario, summary, roles)
    kept = case.time_saved_sources() if case.survey == survey else {}
    updated = case.model_copy(
        update={"scenario": scenario, "survey": survey, "time_saved_from_survey": kept | records}
    )
    return updated, skipped


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_case(scenario: Scenario | None = None) -> Case:
    """A case on today's price book: the expected template (on the default plan), unless given."""
    return Case(scenario=scenario or scenario_template("expected"), price_book=load_price_book())


def case_json(case: Case) -> str:
    return case.model_dump_json(indent=2)


def open_case(data: bytes | str) -> Case:
    """A ``case.json``, or an older ``scenario.json`` (then pinned to today's price book).

    Raises ``pydantic.ValidationError`` naming the field, or ``ValueError`` for what is not JSON.
    """
    if len(data) > MAX_CASE_BYTES:
        raise ValueError(f"{len(data):,} bytes is too large for a case (limit {MAX_CASE_BYTES:,})")
    try:
        parsed = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"not JSON ({error})") from None
    if isinstance(parsed, dict) and parsed.get("format") == CASE_FORMAT:
        return Case.model_validate_json(data)
    return new_case(Scenario.model_validate_json(data))


def is_case_file(data: bytes | str) -> bool:
    """True for a ``case.json`` (a scenario file is not one)."""
    try:
        parsed = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(parsed, dict) and parsed.get("format") == CASE_FORMAT


def price_book_changes(pinned: PriceBook, current: PriceBook) -> list[str]:
    """What differs between the book a case was priced under and ``current``, one line per fact.

    >>> book = load_price_book()
    >>> raised = book.model_copy(update={"overage_price_per_scu_usd":
    ...     book.overage_price_per_scu_usd.model_copy(update={"value": 6.5})})
    >>> price_book_changes(book, raised)
    ["overage price per SCU (USD): 6 in the case, 6.5 in today's book"]
    >>> price_book_changes(book, book)
    []
    """
    changes: list[str] = []
    if pinned.name != current.name:
        changes.append(f"name: {pinned.name!r} in the case, {current.name!r} in today's book")
    current_facts = dict(current.citations())
    for name, fact in pinned.citations():
        now = current_facts.get(name)
        if now is not None and now.value != fact.value:
            words = name.removesuffix("_usd").replace("_", " ").replace("scu", "SCU")
            label = f"{words} (USD)" if name.endswith("_usd") else words
            changes.append(f"{label}: {_shown(fact.value)} in the case, {_shown(now.value)} in today's book")
    if pinned.rules != current.rules and not changes:
        changes.append("billing rules: the case's book cites other rules than today's")
    return changes


def _shown(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def repriced(case: Case, book: PriceBook | None = None) -> Case:
    """The case priced under ``book`` (today's bundled book by default)."""
    return case.model_copy(update={"price_book": book or load_price_book()})


def measurement(
    case: Case, usage: UsageDataset | None, roster: Roster | None = None
) -> UsageMeasurement | None:
    """Each role's SCUs per person per month in the loaded usage, when the case measures them.

    Users are mapped to roles by the roster, then the case's rules (as on the Chargeback page).
    None without an export or with calibration off.
    """
    if usage is None or not case.calibrate_from_usage:
        return None
    return measure_usage(usage.frame, usage.hourly.hours, roster, case.role_rules)


def effective_scenario(
    case: Case,
    usage: UsageDataset | None,
    roster: Roster | None = None,
    measured: UsageMeasurement | None = None,
) -> tuple[Scenario, UsageMeasurement | None]:
    """The scenario the numbers come from, and what was measured (None: nothing measured).

    With an export loaded and calibration on, each role's SCUs per person per month are measured
    from it, exactly as every page and command does; otherwise the scenario's own estimates stand.
    ``measured`` is :func:`measurement`'s result when the caller kept it (it reads every usage row).
    """
    found = measured if measured is not None else measurement(case, usage, roster)
    if found is None or usage is None or not case.calibrate_from_usage:
        return case.scenario, None
    return calibrated(case.scenario, found.scu_per_person_month), found


def usage_mismatches(case: Case, given: list[FileIdentity]) -> list[str]:
    """Why the ``given`` files are not the exports the case records (empty when they are), naming
    each file. Files are matched by content, in any order: a renamed copy is the same data.
    """
    recorded = case.usage.files if case.usage is not None else ()
    problems: list[str] = []
    recorded_hashes = {f.sha256 for f in recorded}
    for identity in given:
        if identity.sha256 not in recorded_hashes:
            problems.append(f"{identity.file_name}: its content differs from every export the case records")
    given_hashes = {g.sha256 for g in given}
    problems += [
        f"{f.file_name}: recorded in the case ({f.size_bytes:,} bytes) but not given"
        for f in recorded
        if f.sha256 not in given_hashes
    ]
    return problems


def data_description(case: Case, first: dt.datetime | None = None, last: dt.datetime | None = None) -> str:
    """What the case's data is, in a few words: the exports (with their period when known) or the sample.

    >>> data_description(new_case())
    'bundled sample (a made-up tenant); value from estimates'
    >>> files = (FileIdentity.of("a.csv", b"1"), FileIdentity.of("b.csv", b"2"))
    >>> identity = UsageIdentity(files=files, timezone="Europe/Paris")
    >>> data_description(new_case().model_copy(update={"usage": identity}),
    ...                  dt.datetime(2026, 8, 17), dt.datetime(2026, 11, 20))
    '2 exports, 17 Aug to 20 Nov 2026, Europe/Paris'
    """
    if case.usage is None:
        return "bundled sample (a made-up tenant); value from estimates"
    return usage_description([f.file_name for f in case.usage.files], case.usage.timezone, first, last)


def usage_description(
    file_names: list[str], timezone: str, first: dt.datetime | None = None, last: dt.datetime | None = None
) -> str:
    """Usage exports in a few words: the file (or how many), the period when known, the time zone.

    >>> usage_description(["a.csv"], "UTC", dt.datetime(2025, 12, 1), dt.datetime(2026, 1, 31))
    'a.csv, 01 Dec 2025 to 31 Jan 2026, UTC'
    """
    named = file_names[0] if len(file_names) == 1 else f"{len(file_names)} exports"
    period = ""
    if first is not None and last is not None:
        start = f"{first:%d %b}" if first.year == last.year else f"{first:%d %b %Y}"
        period = f", {start} to {last:%d %b %Y}"
    return f"{named}{period}, {timezone}"


def case_parts(
    case: Case, first: dt.datetime | None = None, last: dt.datetime | None = None, pseudonymised: bool = True
) -> dict[str, str]:
    """The case's identity in five short parts (customer, data, plan, price book, privacy), as the
    top of every page shows them and :func:`case_line` writes them."""
    return {
        "Customer": case.customer_name or "not named",
        "Data": data_description(case, first, last),
        "Plan": case.plan.describe(),
        "Price book": case.price_book.name,
        "Names": "pseudonymised" if pseudonymised else "shown",
    }


def case_line(
    case: Case, first: dt.datetime | None = None, last: dt.datetime | None = None, pseudonymised: bool = True
) -> str:
    """The case in one line, for the command line and the exports.

    >>> case_line(new_case())  # doctest: +NORMALIZE_WHITESPACE
    'Customer: not named · Data: bundled sample (a made-up tenant); value from estimates ·
     Plan: 1 SCU 24x7, unlimited overage · Price book: Microsoft list prices (USD) · Names: pseudonymised'
    """
    parts = case_parts(case, first, last, pseudonymised)
    return " · ".join(f"{label}: {text}" for label, text in parts.items())
