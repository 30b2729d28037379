"""The roles catalogue: who uses Security Copilot, default inputs per role and the evidence behind each.

The data lives in ``data/roles.toml`` (or the file ``roles.ROLES_FILE_VARIABLE`` names); this
module only validates and serves its defaults, while ``copilot_roi.roles`` serves who each role is
(id, label, spellings, colour) from the same tables. Every default is
either tied to evidence entries (study, sample, result, caveat, reference) or labelled an assumption
with a reason, so the page and the business case can show the source next to every number.

Each evidence entry is graded: what it measured (``measures``), who ran or funded it
(``authors``), its setting (lab or live) and whether the result was significant. The loader refuses
a time-saved default that cites anything but a ``task_time`` result (wall-clock ``elapsed_time``
results are queues and hand-offs, not labour; a default may show them as ``context``), and a
default resting on a non-significant result whose reason does not say so.

>>> catalogue = load_catalogue()
>>> catalogue.roles["soc"].time_saved_share.expected
0.22
>>> catalogue.roles["irm"].time_saved_share.basis
'assumption'
>>> catalogue.evidence["live_soc_2411_03116"].measures
'elapsed_time'
>>> catalogue.used_by("rct_novices_2024")
['soc.time_saved_share']
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from copilot_roi.roles import (
    IDENTITY_KEYS,
    RoleRegistry,
    RolesFile,
    read_roles_file,
    registry_from_tables,
    roles_file,
)
from copilot_roi.roles import (
    clear_cache as clear_registry_cache,
)

Basis = Literal["evidence", "assumption"]
Confidence = Literal["documented", "reported"]
PresetName = Literal["low", "expected", "high"]
Measure = Literal["task_time", "elapsed_time", "accuracy", "throughput"]
Setting = Literal["lab", "live"]
EvidenceKind = Literal["study", "claim"]
# Minutes an agent run avoids may rest on labour time or on outcomes per analyst-minute.
AGENT_MINUTES_MEASURES: frozenset[str] = frozenset({"task_time", "throughput"})
# TOML has no null: the catalogue spells an unreported significance out, and the model holds None.
NOT_REPORTED = "not reported"
# Only labour minutes can become a share of labour hours saved.
TIME_SAVED_MEASURES: frozenset[str] = frozenset({"task_time"})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Evidence(_Frozen):
    """One published, graded measurement a default derives from or shows as context."""

    study: str = Field(min_length=1)
    measures: Measure
    authors: str = Field(min_length=1)
    setting: Setting
    significant: bool | None  # None: the source does not report it (required, never implied)
    sample: str = Field(min_length=1)
    result: str = Field(min_length=1)
    caveat: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    confidence: Confidence
    # A claim (a vendor's sentence, no measurement published) is shown as such, never as a study.
    kind: EvidenceKind = "study"

    @field_validator("significant", mode="before")
    @classmethod
    def _not_reported(cls, value: Any) -> Any:
        if value == NOT_REPORTED:
            return None
        if not isinstance(value, bool):
            raise ValueError(f'significant must be true, false or "{NOT_REPORTED}"')
        return value

    @property
    def significance_label(self) -> str:
        """``significant``, ``not significant`` or ``significance not reported``."""
        if self.significant is None:
            return "significance not reported"
        return "significant" if self.significant else "not significant"

    @property
    def grade(self) -> str:
        """One line a CFO reads: who ran it, what it measured, where, and its significance.

        >>> load_catalogue().evidence["live_soc_2411_03116"].grade
        'Run by Microsoft; elapsed time (wall clock); live, observational; significance not reported'
        """
        if self.kind == "claim":
            return f"A claim by {self.authors}, not a study: no measurement published"
        setting = "lab tasks" if self.setting == "lab" else "live, observational"
        return f"Run by {self.authors}; {MEASURE_LABELS[self.measures]}; {setting}; {self.significance_label}"


MEASURE_LABELS: dict[str, str] = {
    "task_time": "task time (labour minutes)",
    "elapsed_time": "elapsed time (wall clock)",
    "accuracy": "accuracy",
    "throughput": "throughput (outcomes per analyst-minute)",
}


class CitedDefault(_Frozen):
    """A default with its pessimistic (``low``) and optimistic (``high``) ends and its basis.

    ``low`` / ``high`` are the value-pessimistic / value-optimistic ends, so for inputs where
    fewer is better (months to full adoption, prices) ``low`` is the larger number.
    """

    low: float
    expected: float
    high: float
    basis: Basis
    evidence: tuple[str, ...] = ()
    # Vendor claims (kind "claim") an end rests on: used, so listed where used, and graded as claims.
    claims: tuple[str, ...] = ()
    # Results shown beside the default for context (e.g. incidents resolved faster); never used.
    context: tuple[str, ...] = ()
    # Which cited entries each end rests on; an end not named here is the reason's assumption.
    # Required wherever anything is cited, so no end borrows the standing of another end's study.
    ends: dict[PresetName, tuple[str, ...]] = Field(default_factory=dict)
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _cited(self) -> CitedDefault:
        if self.basis == "evidence" and not self.evidence:
            raise ValueError("a default with basis 'evidence' must name its evidence entries")
        if self.basis == "assumption" and self.evidence:
            raise ValueError("an assumption cites no evidence; use basis 'evidence'")
        listed = self.evidence + self.claims + self.context
        if len(set(listed)) != len(listed):
            raise ValueError("an entry is either cited (evidence), a claim used, or context, not two of them")
        cited = {*self.evidence, *self.claims}
        named = {e for entries in self.ends.values() for e in entries}
        if named - cited:
            raise ValueError(f"ends name {sorted(named - cited)}, which the default does not cite")
        if cited - named:
            raise ValueError(f"say which end {sorted(cited - named)} backs (ends = {{ low = [...], ... }})")
        lo, hi = sorted((self.low, self.high))
        if not lo <= self.expected <= hi:
            raise ValueError("the expected value must lie between low and high")
        return self

    def preset(self, name: PresetName) -> float:
        return {"low": self.low, "expected": self.expected, "high": self.high}[name]

    @property
    def bounds(self) -> tuple[float, float]:
        """(smallest, largest) of low and high, whichever is pessimistic."""
        lo, hi = sorted((self.low, self.high))
        return lo, hi

    def ends_resting_on(self, entry_id: str) -> list[PresetName]:
        """The ends (low, expected, high, in that order) that rest on ``entry_id``."""
        return [end for end in PRESET_NAMES if entry_id in self.ends.get(end, ())]


PRESET_NAMES: tuple[PresetName, ...] = ("low", "expected", "high")


class MinutesDerivation(_Frozen):
    """How an agent's minutes avoided per run follow from what a study measured, with the
    assumptions stated: minutes a person spent on one item before the agent, times the share of
    them the agent leaves undone.

    ``measured = "task_time"``: ``factor`` is the share of task time saved, so minutes avoided =
    manual minutes x factor. ``measured = "throughput"``: ``factor`` is how many times more
    outcomes an analyst-minute yields with the agent; the same outcomes then take 1 / factor of the
    minutes (assumed: the items needing a verdict are the same), so minutes avoided = manual
    minutes x (1 - 1 / factor).
    """

    measured: Literal["task_time", "throughput"]
    manual_minutes_per_run: CitedDefault
    factor: CitedDefault

    def minutes(self, end: PresetName) -> float:
        manual = self.manual_minutes_per_run.preset(end)
        factor = self.factor.preset(end)
        return manual * factor if self.measured == "task_time" else manual * (1.0 - 1.0 / factor)


class RoleDefaults(_Frozen):
    """A role's assisted tasks and cited defaults (its label and colour are ``roles.Role``'s)."""

    tasks: tuple[str, ...] = Field(min_length=1)
    headcount: CitedDefault
    hours_per_week: CitedDefault
    time_saved_share: CitedDefault
    loaded_cost_per_hour: CitedDefault
    scu_per_person_month: CitedDefault

    @model_validator(mode="after")
    def _ranges(self) -> RoleDefaults:
        checks = {
            "time_saved_share": (self.time_saved_share, 0.0, 0.9),
            "hours_per_week": (self.hours_per_week, 0.0, 60.0),
            "loaded_cost_per_hour": (self.loaded_cost_per_hour, 1.0, 2000.0),
            "headcount": (self.headcount, 0.0, 100_000.0),
            "scu_per_person_month": (self.scu_per_person_month, 0.0, 10_000.0),
        }
        for name, (default, lo, hi) in checks.items():
            if not (lo <= default.bounds[0] and default.bounds[1] <= hi):
                raise ValueError(f"{name} defaults must lie in [{lo}, {hi}]")
        return self

    def cited_fields(self) -> dict[str, CitedDefault]:
        return {
            "headcount": self.headcount,
            "hours_per_week": self.hours_per_week,
            "time_saved_share": self.time_saved_share,
            "loaded_cost_per_hour": self.loaded_cost_per_hour,
            "scu_per_person_month": self.scu_per_person_month,
        }


class ScenarioDefaults(_Frozen):
    adoption_starting_share: CitedDefault
    adoption_months_to_full: CitedDefault
    realisation_rate: CitedDefault
    discount_rate_annual: CitedDefault
    capacity_price_multiplier: CitedDefault
    usage_multiplier: CitedDefault
    enablement_cost: CitedDefault
    training_cost: CitedDefault
    # The working year of one person: each role's monthly ceiling on hours freed (value.ledger)
    # and the hours of one FTE (value.fte).
    working_hours_per_person_year: CitedDefault


class AgentDefaults(_Frozen):
    """A Microsoft agent's preset line: runs a month, SCUs per run, analyst minutes a run avoids."""

    agent: str = Field(min_length=1)
    product: str = Field(min_length=1)
    # The role whose work the agent takes over (TOML has no null: leave the key out for work
    # nobody did before, which frees no one's hours).
    takes_over: str | None = None
    runs_per_month: CitedDefault
    scu_per_run: CitedDefault
    analyst_minutes_avoided_per_run: CitedDefault
    # Required when the minutes cite a study: the study's own measure, converted in the open.
    minutes_derivation: MinutesDerivation | None = None

    @model_validator(mode="after")
    def _derived(self) -> AgentDefaults:
        minutes = self.analyst_minutes_avoided_per_run
        derivation = self.minutes_derivation
        if minutes.evidence and derivation is None:
            raise ValueError(
                "minutes avoided that cite a study need a minutes_derivation: the study's measure and "
                "the stated manual minutes it converts"
            )
        if derivation is not None:
            for end in PRESET_NAMES:
                # The catalogue shows minutes to two decimals; the derivation must give them.
                if abs(minutes.preset(end) - derivation.minutes(end)) > 0.006:
                    raise ValueError(
                        f"minutes avoided ({end}) {minutes.preset(end):g} do not follow from the "
                        f"derivation ({derivation.minutes(end):.2f})"
                    )
        return self

    def cited_fields(self) -> dict[str, CitedDefault]:
        fields = {
            "runs_per_month": self.runs_per_month,
            "scu_per_run": self.scu_per_run,
            "analyst_minutes_avoided_per_run": self.analyst_minutes_avoided_per_run,
        }
        if self.minutes_derivation is not None:
            fields["manual_minutes_per_run"] = self.minutes_derivation.manual_minutes_per_run
            fields["minutes_factor"] = self.minutes_derivation.factor
        return fields


class Catalogue(_Frozen):
    evidence: dict[str, Evidence]
    registry: RoleRegistry  # who the roles are, read from the same [roles.<id>] tables
    roles: dict[str, RoleDefaults]
    defaults: ScenarioDefaults
    agents: dict[str, AgentDefaults] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Catalogue:
        missing = [r for r in self.registry.ids if r not in self.roles]
        if missing or list(self.roles) != list(self.registry.ids):
            raise ValueError(f"every registered role needs defaults, in registry order (lacking: {missing})")
        for path, name, default in self._all_fields():
            self._check_citations(path, name, default)
        for agent_id, agent in self.agents.items():
            if agent.takes_over is not None and agent.takes_over not in self.registry.ids:
                raise ValueError(f"agents.{agent_id}.takes_over: {agent.takes_over!r} is not a role")
            derivation = agent.minutes_derivation
            if derivation is None:
                continue
            for entry_id in derivation.factor.evidence:
                if self.evidence[entry_id].measures != derivation.measured:
                    raise ValueError(
                        f"agents.{agent_id}.minutes_factor cites {entry_id}, which measures "
                        f"{self.evidence[entry_id].measures}, not {derivation.measured}"
                    )
        self._check_same_work_counted_once()
        return self

    def _check_same_work_counted_once(self) -> None:
        """A study backs a role's time saved or an agent line's minutes, never both: an agent that
        takes over the work a role's band measured would count the same minutes twice."""
        role_studies = {e for role in self.roles.values() for e in role.time_saved_share.evidence}
        for path, _, default in self._agent_fields_named():
            twice = sorted(role_studies & set(default.evidence))
            if twice:
                raise ValueError(
                    f"{path} cites {twice}, which already backs a role's time saved: a study backs a "
                    "role's band or an agent line for the same work, not both"
                )

    def _check_citations(self, path: str, name: str, default: CitedDefault) -> None:
        listed = (*default.evidence, *default.claims, *default.context)
        unknown = [e for e in listed if e not in self.evidence]
        if unknown:
            raise ValueError(f"{path} cites unknown evidence {unknown}")
        for entry_id in default.claims:
            if self.evidence[entry_id].kind != "claim":
                raise ValueError(f"{path} lists {entry_id} under claims, but it is a study: cite it")
        for entry_id in default.evidence:
            entry = self.evidence[entry_id]
            if name == "time_saved_share" and entry.measures not in TIME_SAVED_MEASURES:
                raise ValueError(
                    f"{path} cites {entry_id}, which measures {entry.measures}: a time-saved default "
                    "may cite only task_time results (list it under context instead)"
                )
            if entry.kind == "claim":
                raise ValueError(f"{path} cites {entry_id}, a claim: list it under claims, not evidence")
            if name == "analyst_minutes_avoided_per_run" and entry.measures not in AGENT_MINUTES_MEASURES:
                raise ValueError(f"{path} cites {entry_id}, which measures {entry.measures}")
            if entry.significant is False and "not significant" not in default.reason:
                raise ValueError(
                    f"{path} rests on {entry_id}, a result that was not significant: its reason must say "
                    "'not significant'"
                )

    def evidence_for(self, default: CitedDefault) -> list[Evidence]:
        return [self.evidence[e] for e in default.evidence]

    def context_for(self, default: CitedDefault) -> list[Evidence]:
        return [self.evidence[e] for e in default.context]

    def used_by(self, evidence_id: str) -> list[str]:
        """The defaults (``role.field``) that rest on ``evidence_id`` (cited, or a claim an end
        uses); context does not count."""
        return [use["default"] for use in self.uses(evidence_id)]

    def uses(self, evidence_id: str) -> list[dict[str, Any]]:
        """Where ``evidence_id`` is used: each default resting on it, the ends it backs, and
        whether it stands there as a study's result (``evidence``) or a vendor's claim (``claim``).
        An end that rests on a result that was not significant is listed in ``not_significant``."""
        entry = self.evidence[evidence_id]
        found: list[dict[str, Any]] = []
        for path, _, default in self._all_fields():
            if evidence_id not in (*default.evidence, *default.claims):
                continue
            ends = default.ends_resting_on(evidence_id)
            found.append(
                {
                    "default": path,
                    "ends": ends,
                    "as": "claim" if entry.kind == "claim" else "evidence",
                    "not_significant": ends if entry.significant is False else [],
                }
            )
        return found

    def shown_with(self, evidence_id: str) -> list[str]:
        """The defaults (``role.field``) that show ``evidence_id`` as context only."""
        return [path for path, _, default in self._all_fields() if evidence_id in default.context]

    def not_significant_ends(self, default: CitedDefault) -> list[PresetName]:
        """The ends of ``default`` resting on a result that was not significant."""
        return [
            end
            for end in PRESET_NAMES
            if any(self.evidence[e].significant is False for e in default.ends.get(end, ()))
        ]

    def claim_ends(self, default: CitedDefault) -> list[PresetName]:
        """The ends of ``default`` resting on a vendor's claim rather than a study."""
        return [end for end in PRESET_NAMES if any(e in default.claims for e in default.ends.get(end, ()))]

    def _all_fields(self) -> list[tuple[str, str, CitedDefault]]:
        """Every cited default as (path, field name, default), roles first, in catalogue order."""
        return [
            (f"{role_id}.{name}", name, default)
            for role_id, role in self.roles.items()
            for name, default in role.cited_fields().items()
        ] + self._agent_fields_named()

    def _agent_fields_named(self) -> list[tuple[str, str, CitedDefault]]:
        return [
            (f"agents.{agent_id}.{name}", name, default)
            for agent_id, agent in self.agents.items()
            for name, default in agent.cited_fields().items()
        ]


def load_catalogue(text: str | None = None) -> Catalogue:
    """The catalogue of the roles file in use (cached; it is immutable), or one given as TOML text."""
    if text is None:
        return _catalogue_of(roles_file())
    return _parse(text)


def _parse(text: str) -> Catalogue:
    data = tomllib.loads(text)
    tables: dict[str, dict[str, Any]] = data.get("roles", {})
    # One table per role: its identity keys build the registry, the rest are its defaults.
    defaults = {r: {k: v for k, v in t.items() if k not in IDENTITY_KEYS} for r, t in tables.items()}
    return Catalogue.model_validate(data | {"registry": registry_from_tables(tables), "roles": defaults})


@lru_cache(maxsize=4)  # keyed like the registry's cache: one entry per roles file
def _catalogue_of(file: RolesFile) -> Catalogue:
    return _parse(read_roles_file(file))


def clear_cache() -> None:
    """Forget every parsed catalogue and registry (after a test pointed at another roles file)."""
    _catalogue_of.cache_clear()
    clear_registry_cache()
