"""The usage report as plain data: what ``copilot-roi usage --json`` prints and the page shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from copilot_roi.plans import DEFAULT_PLAN, CapacityPlan
from copilot_roi.pricebook import Prices, list_prices
from copilot_roi.usage.agent_names import is_agent_identity
from copilot_roi.usage.agents import QUANTILE_METHOD, TOP_AGENTS, listed_agents, rate_card
from copilot_roi.usage.analytics import summarise
from copilot_roi.usage.ingest import UsageDataset
from copilot_roi.usage.pseudonymise import alias_map, without_names
from copilot_roi.usage.workspaces import bill_workspaces, split_by_workspace


def usage_payload(
    dataset: UsageDataset,
    pseudonymise_key: bytes | None = None,
    rejection_limit: int = 1000,
    agent_limit: int | None = TOP_AGENTS,
    workspace_plans: Mapping[str, CapacityPlan] | None = None,
    plan: CapacityPlan = DEFAULT_PLAN,
    prices: Prices | None = None,
) -> dict[str, Any]:
    """Counts, period, peak hour, units per category, plugin, experience and user, agent rate card.

    The rate card lists the ``agent_limit`` agents with the most SCUs (every agent with None);
    ``other_agents`` sums the rest (null when none is left out), ``agents_count`` counts them all:
    200,000 agents listed in full made 447 MB of JSON.

    With ``pseudonymise_key`` people appear as stable aliases, in ``by_user`` as in the rate card;
    agents keep their product names. Times are ISO 8601 with the inferred year and the offset of
    the export's time zone.

    ``workspaces`` lists each workspace (rows, sessions, units, busiest hour) with its bill on its
    own capacity: ``workspace_plans`` by name, else ``plan`` (the case's default plan), at
    ``prices`` (list prices by default).
    """
    quality = dataset.quality
    summary = summarise(dataset.frame, dataset.hourly)
    by_user = summary.by["user"]
    rejections = quality.rejection_records(rejection_limit)
    files = [f.file_name for f in quality.files]
    notes = list(quality.notes)
    card = rate_card(dataset.frame)
    listed, others = listed_agents(card, agent_limit)
    aliases: dict[str, str] = {}
    if pseudonymise_key is not None:
        aliases = alias_map([name for name in by_user if not is_agent_identity(name)], pseudonymise_key)
        by_user = {aliases.get(name, name): units for name, units in by_user.items()}
        # A file may be named after a person: the name is replaced there too.
        files = [without_names(name, aliases) for name in files]
        notes = [without_names(note, aliases) for note in notes]  # notes start with the file name
        for record in rejections:
            record["file"] = without_names(record["file"], aliases)
    return {
        "files": files,
        "timezone": quality.timezone,
        "as_of": quality.as_of.isoformat(),
        "inferred_years": list(quality.inferred_years),
        "rows_read": quality.rows_read,
        "rows_used": quality.rows_used,
        "rows_rejected": quality.rows_rejected,
        "duplicates_removed": quality.duplicates_removed,
        "blank_rows": quality.blank_rows,
        "total_rows_skipped": quality.total_rows,
        "sessions": summary.sessions,
        "users": summary.users,
        "total_units": summary.total_units,
        "units_per_session": summary.units_per_session,
        "first": summary.first.isoformat(),
        "last": summary.last.isoformat(),
        "period_hours": summary.period_hours,
        "peak_hour": summary.peak_hour.isoformat(),
        "peak_hour_units": summary.peak_hour_units,
        "by_category": summary.by["category"],
        "by_type": summary.by["type"],
        "by_plugin": summary.by["plugins"],
        "by_experience": summary.by["experience"],
        "by_user": by_user,
        "agents": [a.as_dict(aliases.get(a.agent) if a.is_person else None) for a in listed],
        "agents_count": len(card.agents),
        "other_agents": None if others is None else others.as_dict(),
        "agent_days": card.days,
        "agent_quantile_method": QUANTILE_METHOD,
        "notes": notes,
        "rejections": rejections,
        "rejections_listed": min(len(quality.rejections), rejection_limit),
        "workspaces": bill_workspaces(
            split_by_workspace(dataset), workspace_plans or {}, prices or list_prices(), plan
        ).as_dict()["workspaces"],
    }
