"""Adoption metrics over a 10-million-row history against one hand-written DuckDB query (issue 20 item 5).

A synthetic year of usage (5,000 people who start, lapse and come back, 20 agents; 10,000,000 rows
in four Parquet files of 2.5 million) is written once to a temporary folder. Timed, each reading
the same files from disk:

* the engine: ``pyarrow.parquet.read_table`` (text columns dictionary-encoded, as a history
  stores them) and ``measure_adoption_table``: every figure of ``copilot-roi adoption``;
* the baseline: one DuckDB query computing the same figures (weekly cohorts, lapsed, active in 28
  days per day and per week, habitual, time to habitual, funnel per role, intensity per
  experience, promptbook and plugin shares, agents' runs and SCUs per week).

Target: the engine <= 1.5x the query; peak memory (ru_maxrss of a fresh process doing only the
engine's read and figures, VmHWM) < 2 GiB. Before timing, the two are checked to agree on the figures.
Run alone with ``python tests/bench/run_benchmarks.py adoption``.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from benchkit import BenchRow

ROOT = Path(__file__).resolve().parents[2]
ROWS = int(os.environ.get("ADOPTION_BENCH_ROWS", "10000000"))  # smaller for a quick check
FILES = 4
PEOPLE = 5_000
AGENTS = 20
DAYS = 364
START = dt.date(2025, 11, 3)  # a Monday
TEXT = ["user", "type", "category", "experience", "plugins"]
EXPERIENCES = [
    "Standalone",
    "Embedded in Microsoft Defender XDR",
    "Embedded in Microsoft Entra",
    "Embedded in Microsoft Intune",
    "Embedded in Microsoft Purview",
]
PLUGINS = [
    "Microsoft Defender XDR",
    "Microsoft Sentinel",
    "Microsoft Entra",
    "Microsoft Intune",
    "Microsoft Purview",
    "Microsoft Defender XDR, Microsoft Sentinel",
    "",
]


def write_history(folder: Path, seed: int = 20) -> list[Path]:
    """Four Parquet files of a year of usage; people join over the year, a third lapse for a while."""
    rng = np.random.default_rng(seed)
    joins = rng.integers(0, DAYS - 30, PEOPLE)
    leaves = np.minimum(joins + rng.integers(30, DAYS, PEOPLE), DAYS)
    gap_start = joins + rng.integers(0, 200, PEOPLE)
    gap_days = np.where(rng.random(PEOPLE) < 0.33, rng.integers(29, 90, PEOPLE), 0)
    agent_rows = ROWS // 10
    person = rng.integers(0, PEOPLE, ROWS - agent_rows)
    span = leaves[person] - joins[person]
    day = joins[person] + (rng.random(len(person)) * span).astype(np.int64)
    in_gap = (day >= gap_start[person]) & (day < gap_start[person] + gap_days[person])
    day = np.where(in_gap, np.minimum(day + gap_days[person], DAYS - 1), day)
    agent_day = rng.integers(0, DAYS, agent_rows)
    days = np.concatenate([day, agent_day])
    who = np.concatenate([person, PEOPLE + rng.integers(0, AGENTS, agent_rows)])
    names = [f"person{n:05d}@contoso.com" for n in range(PEOPLE)]
    names += [f"Contoso Triage {n} Agent" for n in range(AGENTS)]
    session = days * 10_000 + who * 2 + rng.integers(0, 2, ROWS)  # a few sessions a person-day
    seconds = rng.integers(8 * 3600, 18 * 3600, ROWS)
    epoch = (START - dt.date(1970, 1, 1)).days
    started = ((epoch + days) * 86_400 + seconds) * 1_000_000
    order = np.argsort(started, kind="stable")
    person_kind = np.zeros(ROWS, dtype=np.int32)
    person_kind[len(person) :] = 1
    table = pa.table(
        {
            "started_at": pa.array(started[order], pa.timestamp("us", tz="UTC")),
            "units_scu": pa.array(rng.integers(1, 40, ROWS)[order] / 10),
            "user": pa.DictionaryArray.from_arrays(pa.array(who[order].astype(np.int32)), pa.array(names)),
            "type": pa.DictionaryArray.from_arrays(
                pa.array(person_kind[order]), pa.array(["Prompt", "Agent"])
            ),
            "session_id": pc_string(session[order]),
            "category": pa.DictionaryArray.from_arrays(
                pa.array((rng.random(ROWS) < 0.1).astype(np.int32)[order]), pa.array(["Prompt", "Promptbook"])
            ),
            "experience": pa.DictionaryArray.from_arrays(
                pa.array(rng.integers(0, len(EXPERIENCES), ROWS, dtype=np.int32)[order]),
                pa.array(EXPERIENCES),
            ),
            "plugins": pa.DictionaryArray.from_arrays(
                pa.array(rng.integers(0, len(PLUGINS), ROWS, dtype=np.int32)[order]), pa.array(PLUGINS)
            ),
        }
    )
    paths = []
    per_file = ROWS // FILES
    for n in range(FILES):
        path = folder / f"history-{n}.parquet"
        pq.write_table(table.slice(n * per_file, per_file), path)
        paths.append(path)
    return paths


def pc_string(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def engine(paths: list[Path]) -> dict[str, object]:
    from copilot_roi.usage.adoption import measure_adoption_table

    # Text columns as dictionaries, as a history keeps them: a few hundred distinct values each.
    table = pa.concat_tables([pq.read_table(p, read_dictionary=TEXT) for p in paths])
    return measure_adoption_table(table).as_dict()


REFERENCE_SQL = r"""
WITH src AS MATERIALIZED (
  SELECT "user" AS u, CAST(started_at AS DATE) AS d, session_id AS s, units_scu AS units,
         category, experience, plugins,
         (lower("type") LIKE '%agent%'
          OR regexp_matches(trim("user"), '^[^@]+\s+agent$', 'i')) AS is_agent
  FROM read_parquet($files)
),
bounds AS (SELECT min(d) AS first_day, max(d) AS end_day FROM src),
people AS MATERIALIZED (SELECT * FROM src WHERE NOT is_agent),
pd AS MATERIALIZED (SELECT u, d FROM people GROUP BY u, d),
firsts AS (SELECT u, min(d) AS first_day FROM pd GROUP BY u),
lagged AS MATERIALIZED (
  SELECT u, d, date_trunc('week', d)::DATE AS w, lag(d) OVER (PARTITION BY u ORDER BY d) AS prev FROM pd
),
pw AS (SELECT u, w, d, prev FROM lagged QUALIFY row_number() OVER (PARTITION BY u, w ORDER BY d) = 1),
-- distinct people active in the 28 days ending on each day: each active day keeps its person
-- active from max(d, prev + 28) to d + 27, spans that never overlap for one person
events AS (
  SELECT greatest(d, coalesce(prev + 28, d)) AS day, 1 AS change
  FROM lagged WHERE greatest(d, coalesce(prev + 28, d)) <= d + 27
  UNION ALL
  SELECT d + 28 AS day, -1 AS change
  FROM lagged WHERE greatest(d, coalesce(prev + 28, d)) <= d + 27
),
days AS (SELECT range::DATE AS day FROM bounds, range(first_day, end_day + 1, INTERVAL 1 DAY)),
rolling AS (
  SELECT days.day, sum(coalesce(e.change, 0)) OVER (ORDER BY days.day) AS active_28d
  FROM days LEFT JOIN (SELECT day, sum(change) AS change FROM events GROUP BY day) e ON e.day = days.day
),
daily AS (
  SELECT r.day, coalesce(a.n, 0) AS active_people, r.active_28d
  FROM rolling r LEFT JOIN (SELECT d, count(*) AS n FROM pd GROUP BY d) a ON a.d = r.day
),
started_by AS (
  SELECT days.day, count(f.u) OVER (ORDER BY days.day) AS n
  FROM days LEFT JOIN firsts f ON f.first_day = days.day
),
started AS (SELECT day, max(n) AS n FROM started_by GROUP BY day),
weeks AS (
  SELECT w, least(w + 6, end_day) AS last_day,
         count(*) AS active_people,
         count(*) FILTER (WHERE prev IS NULL) AS new,
         count(*) FILTER (WHERE prev >= w - 28) AS back,
         count(*) FILTER (WHERE prev < w - 28) AS reactivated
  FROM pw, bounds GROUP BY w, end_day
),
weekly AS (
  SELECT weeks.*, r.active_28d, s.n - r.active_28d AS lapsed
  FROM weeks JOIN rolling r ON r.day = weeks.last_day JOIN started s ON s.day = weeks.last_day
),
blocks AS (
  SELECT u, count(DISTINCT (end_day - d) // 7) AS weeks_active
  FROM pd, bounds WHERE d > end_day - 28 GROUP BY u
),
habit AS (
  SELECT u, d, w, lag(w, 2) OVER (PARTITION BY u ORDER BY w) AS w2 FROM pw
),
reached AS (
  SELECT u, min(d) AS d FROM habit WHERE w2 IS NOT NULL AND w - w2 <= 21 GROUP BY u
),
ruled AS (
  SELECT u, CASE
      WHEN contains(lower(plugins), 'entra') THEN 'iam'
      WHEN contains(lower(plugins), 'intune') THEN 'it_admin'
      WHEN contains(lower(plugins), 'purview') THEN 'dlp'
      WHEN contains(lower(plugins), 'defender') THEN 'soc'
      WHEN contains(lower(plugins), 'sentinel') THEN 'soc'
      ELSE 'unassigned' END AS role, sum(units) AS units
  FROM people GROUP BY ALL
),
roles AS (
  SELECT u, role FROM (SELECT u, role, round(sum(units), 6) AS units FROM ruled GROUP BY u, role)
  QUALIFY row_number() OVER (PARTITION BY u ORDER BY units DESC, role) = 1
),
person AS (
  SELECT f.u, r.role,
         EXISTS (SELECT 1 FROM pd, bounds WHERE pd.u = f.u AND pd.d > end_day - 28) AS active_28d,
         coalesce(b.weeks_active, 0) >= 3 AS habitual
  FROM firsts f JOIN roles r USING (u) LEFT JOIN blocks b USING (u)
),
recent AS MATERIALIZED (SELECT people.* FROM people, bounds WHERE d > end_day - 28),
intensity AS (
  SELECT experience, count(DISTINCT u) AS people,
         count(DISTINCT nullif(s, '')) + count(*) FILTER (WHERE s = '') AS sessions,
         count(*) AS prompts, sum(units) AS units
  FROM recent GROUP BY ROLLUP (experience)
),
plugin_cells AS (SELECT plugins, count(*) AS n FROM recent GROUP BY plugins),
-- a cell names plugins split by ',' or ';': each named once per cell; a cell naming none is
-- '(not recorded)' (no lambdas: they changed syntax between DuckDB 1.x and 2)
plugin_parts AS (
  SELECT DISTINCT plugins, n, trim(part) AS name
  FROM (SELECT plugins, n, unnest(string_split(replace(plugins, ';', ','), ',')) AS part FROM plugin_cells)
  WHERE trim(part) <> ''
),
plugin_share AS (
  SELECT name, sum(n) / (SELECT count(*) FROM recent) AS share FROM (
    SELECT name, n FROM plugin_parts
    UNION ALL
    SELECT '(not recorded)', n FROM plugin_cells WHERE plugins NOT IN (SELECT plugins FROM plugin_parts)
  ) GROUP BY name
),
agents AS (
  SELECT u, date_trunc('week', d)::DATE AS w,
         count(DISTINCT nullif(s, '')) + count(*) FILTER (WHERE s = '') AS runs, sum(units) AS units
  FROM src, bounds WHERE is_agent AND d <= end_day GROUP BY ALL
)
SELECT
  (SELECT count(*) FROM firsts) AS people,
  (SELECT active_28d FROM rolling, bounds WHERE day = end_day) AS active_people_28d,
  (SELECT count(*) FROM blocks WHERE weeks_active >= 3) AS habitual_people,
  (SELECT list(struct_pack(w, active_people, new, back, reactivated, lapsed, active_28d) ORDER BY w)
     FROM weekly) AS weekly,
  (SELECT list(struct_pack(day, active_people, active_28d) ORDER BY day) FROM daily) AS daily,
  (SELECT median(r.d - f.first_day) FROM reached r JOIN firsts f USING (u)) AS median_time_to_habitual,
  (SELECT list(struct_pack(role, n, a, h) ORDER BY role) FROM (
     SELECT role, count(*) AS n, count(*) FILTER (WHERE active_28d) AS a,
            count(*) FILTER (WHERE habitual) AS h
     FROM person GROUP BY role)) AS funnel,
  (SELECT list(struct_pack(experience, people, sessions, prompts, units) ORDER BY experience NULLS LAST)
     FROM intensity) AS intensity,
  (SELECT count(*) FILTER (WHERE lower(category) = 'promptbook') / count(*) FROM recent) AS promptbook_share,
  (SELECT list(struct_pack(name, share) ORDER BY share DESC, name) FROM plugin_share) AS plugin_share,
  (SELECT list(struct_pack(u, w, runs, units) ORDER BY u, w) FROM agents) AS agents
"""


def reference(paths: list[Path]) -> tuple[object, ...]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    row = con.execute(REFERENCE_SQL, {"files": [str(p) for p in paths]}).fetchone()
    con.close()
    assert row is not None
    return tuple(row)


def check_agreement(ours: dict[str, object], theirs: tuple[object, ...]) -> None:
    """The engine and the query give the same figures (else the ratio compares different work)."""
    (
        people,
        active_28d,
        habitual,
        weekly,
        daily,
        median_habit,
        funnel,
        intensity,
        promptbook,
        plugins,
        agents,
    ) = theirs
    assert (ours["people"], ours["active_people_28d"], ours["habitual_people"]) == (
        people,
        active_28d,
        habitual,
    )
    mine = [
        (
            w["week_start"],
            w["active_people"],
            w["new"],
            w["returning"],
            w["reactivated"],
            w["lapsed"],
            w["active_people_28d"],
        )
        for w in ours["weekly"]  # type: ignore[attr-defined]
    ]
    assert mine == [
        (str(w["w"]), w["active_people"], w["new"], w["back"], w["reactivated"], w["lapsed"], w["active_28d"])
        for w in weekly  # type: ignore[attr-defined]
    ]
    assert [(d["active_people"], d["active_people_28d"]) for d in ours["daily"]] == [  # type: ignore[attr-defined]
        (d["active_people"], d["active_28d"])
        for d in daily  # type: ignore[attr-defined]
    ]
    assert float(ours["time_to_habitual_days"]["median"]) == float(median_habit)  # type: ignore[index, arg-type]
    assert [(f["role"], f["ever_used"], f["active_28d"], f["habitual"]) for f in ours["funnel"]] == [  # type: ignore[attr-defined]
        (f["role"], f["n"], f["a"], f["h"])
        for f in sorted(funnel, key=lambda f: (f["role"] == "unassigned", f["role"]))  # type: ignore[arg-type]
    ]
    by_experience = {r["experience"]: r for r in ours["intensity"]["by_experience"]}  # type: ignore[index]
    for r in intensity:  # type: ignore[attr-defined]
        mine_row = by_experience[r["experience"] or "All experiences"]
        assert (mine_row["active_people"], mine_row["sessions"], mine_row["prompts"]) == (
            r["people"],
            r["sessions"],
            r["prompts"],
        )
        assert abs(mine_row["units_scu"] - r["units"]) < 1e-3
    assert abs(ours["intensity"]["promptbook_share"] - promptbook) < 1e-6  # type: ignore[index, operator]
    shares = ours["intensity"]["plugin_share"]  # type: ignore[index]
    assert all(abs(shares[p["name"]] - p["share"]) < 1e-6 for p in plugins)  # type: ignore[attr-defined, index]
    mine_agents = [(a["agent"], a["week_start"], a["runs"]) for a in ours["agents"]["weekly"]]  # type: ignore[index]
    assert mine_agents == [(a["u"], str(a["w"]), a["runs"]) for a in agents]  # type: ignore[attr-defined]


# VmHWM, not ru_maxrss: a child forked from this (large) process would inherit its ru_maxrss, while
# VmHWM belongs to the memory of the program the child runs, from its exec on.
PEAK_SCRIPT = """
import sys
sys.path.insert(0, {bench!r})
from bench_adoption import engine
from pathlib import Path
engine([Path(p) for p in {paths!r}])
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


def peak_rss_mib(paths: list[Path]) -> float:
    script = PEAK_SCRIPT.format(bench=str(Path(__file__).parent), paths=[str(p) for p in paths])
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(run.stdout.strip().splitlines()[-1]) / 1024  # kB


def alternating_medians_ms(
    first: Callable[[], object], second: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Medians of the two, timed in turn: a neighbour's load on the shared cores falls on both."""
    first()
    second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for run, kept in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            run()
            kept.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def benchmarks() -> list[BenchRow]:
    with tempfile.TemporaryDirectory() as folder:
        paths = write_history(Path(folder))
        check_agreement(engine(paths), reference(paths))
        ours, theirs = alternating_medians_ms(lambda: engine(paths), lambda: reference(paths), repeats=5)
        peak = peak_rss_mib(paths)
        size_mib = sum(p.stat().st_size for p in paths) / 2**20
    return [
        BenchRow(
            name=f"adoption: every figure over a {ROWS:,}-row history ({FILES} Parquet files)",
            median_ms=ours,
            baseline_name="one hand-written DuckDB query computing the same figures",
            baseline_ms=theirs,
            target="<= 1.5x; peak RSS < 2048 MiB",
            notes=f"{size_mib:,.0f} MiB on disk, {PEOPLE:,} people and {AGENTS} agents over {DAYS} days; "
            f"the figures checked equal first; medians of 5 runs taken in turn; peak RSS {peak:,.0f} MiB",
        )
    ]
