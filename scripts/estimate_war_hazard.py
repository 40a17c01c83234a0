"""Estimate the yearly hazard that an interstate armed-conflict episode ends, from UCDP/PRIO.

The model needs the probability that an ongoing interstate war ends in a given year. This
script measures it on the UCDP/PRIO Armed Conflict Dataset (conflict-years 1946-2024) as
the share of interstate conflict-years that are the last year of their episode::

    hazard = (interstate conflict-years with ep_end = 1) / (interstate conflict-years)

with a 95% Wilson score interval, for every interstate conflict-year, for the war level
(``intensity_level`` 2, at least 1,000 battle-related deaths in the year) and the minor
level (1), and by the year of the episode (1st, 2nd, 3rd or later: duration dependence);
plus the distribution of episode lengths (median of completed episodes and the
Kaplan-Meier median, which also uses the episodes still active in 2024).

Sample construction (all counts are written to the output):

1. The file has one row per combination of a conflict-year's parties (primary and
   secondary); rows are collapsed to one per ``(conflict_id, year)``, after checking that
   the conflict-year's attributes (type, intensity, episode start and end) agree.
2. Interstate conflict-years: ``type_of_conflict`` = ``interstate`` (UCDP type 2;
   internationalized intrastate conflicts, ``II``, are not interstate).
3. An episode is a run of consecutive active years of one conflict, identified by
   ``conflict_id`` and ``start_date2`` (the episode's start); ``ep_end`` = 1 marks its last
   active year (the next year has fewer than 25 battle-related deaths). The script checks
   that every episode's years are consecutive, that it starts in the year of
   ``start_date2`` and that ``ep_end`` = 1 falls exactly in the last year of each ended
   episode; episodes active in the last data year without ``ep_end`` are right-censored.

Outputs ``<out>/war_termination.json`` (the numbers, rounded to 6 significant digits,
sorted keys, so reruns are byte-identical) and ``<out>/war_termination.md`` (the report).

Usage::

    python scripts/estimate_war_hazard.py --sources ../shared/data --out sim/data

Relative paths are resolved against the repository root (the parent of ``scripts/``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]

SOURCE_FILE = "ucdp_armed_conflict.csv.gz"
#: Years the estimate covers (the whole dataset; checked).
YEARS = (1946, 2024)
#: UCDP conflict types as this file spells them.
CONFLICT_TYPES = {"extrasystemic", "interstate", "intrastate", "II"}
INTERSTATE = "interstate"
#: Two-sided 95% normal quantile of the Wilson score interval.
Z95 = 1.959963984540054
#: Attributes that must agree across the rows of one conflict-year.
CONFLICT_YEAR_COLUMNS = (
    "type_of_conflict",
    "intensity_level",
    "incompatibility",
    "start_date",
    "start_date2",
    "ep_end",
    "ep_end_date",
)

CITATIONS = {
    "ucdp_prio_2002": (
        "Gleditsch, Nils Petter, Peter Wallensteen, Mikael Eriksson, Margareta Sollenberg "
        'and Håvard Strand (2002), "Armed Conflict 1946-2001: A New Dataset", Journal of '
        "Peace Research 39(5): 615-637."
    ),
    "ucdp_2025": (
        "Davies, Shawn, Therése Pettersson, Margareta Sollenberg and Magnus Öberg (2025), "
        '"Organized violence 1989-2024, and the challenges of identifying civilian victims", '
        "Journal of Peace Research 62(4): 1223-1240."
    ),
    "data": (
        "UCDP/PRIO Armed Conflict Dataset, conflict-years 1946-2024, Uppsala Conflict Data "
        "Program (ucdp.uu.se), CC BY 4.0."
    ),
    "wilson": (
        'Wilson, Edwin B. (1927), "Probable Inference, the Law of Succession, and Statistical '
        'Inference", Journal of the American Statistical Association 22(158): 209-212.'
    ),
}


def require(condition: bool, message: str) -> None:
    """Stop with ``message`` when a check on the source fails (also under ``python -O``).

    Args:
        condition: What must hold.
        message: What went wrong.

    Raises:
        ValueError: When ``condition`` is false.
    """
    if not condition:
        raise ValueError(f"estimate_war_hazard: {message}")


def sig(x, digits=6):
    """Round a number to ``digits`` significant digits (ints stay ints, NaN gives None).

    Args:
        x: A number.
        digits: Significant digits.

    Returns:
        A float or int, or None when ``x`` is not finite.
    """
    if isinstance(x, (int, np.integer)):
        return int(x)
    x = float(x)
    if not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion.

    Args:
        k: Successes.
        n: Trials (> 0).
        z: Normal quantile (default: two-sided 95%).

    Returns:
        ``(low, high)``.
    """
    require(n > 0, "a proportion needs at least one trial")
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def code(text: str) -> str:
    """A UCDP identifier as read (``"13243.0"``) without the float's ``.0``.

    Args:
        text: The identifier.

    Returns:
        The identifier as an integer string.
    """
    value = float(text)
    require(value == round(value), f"identifier {text!r} is not a whole number")
    return str(int(value))


def years_text(x: float) -> str:
    """``1 year``, ``2.5 years``.

    Args:
        x: A number of years.

    Returns:
        The text.
    """
    return f"{x:g} year" + ("" if x == 1 else "s")


def hazard(years: pd.DataFrame) -> dict:
    """The share of conflict-years that end their episode, with its 95% Wilson interval.

    Args:
        years: Conflict-years with a boolean ``ends`` column.

    Returns:
        ``conflict_years``, ``episode_ends``, ``estimate``, ``ci95_low``, ``ci95_high``.
    """
    n, k = len(years), int(years["ends"].sum())
    low, high = wilson(k, n)
    return {
        "conflict_years": n,
        "episode_ends": k,
        "estimate": sig(k / n),
        "ci95_low": sig(low),
        "ci95_high": sig(high),
    }


def load_conflict_years(path: Path, counts: dict) -> pd.DataFrame:
    """Read UCDP and collapse it to one row per conflict-year (checking the rows agree).

    Args:
        path: The UCDP file.
        counts: Updated in place with sample counts.

    Returns:
        One row per ``(conflict_id, year)``, ``year`` as int, ``ends`` (bool) from ``ep_end``.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    counts["rows_in_file"] = len(raw)
    key = ["conflict_id", "year"]
    varying = raw.groupby(key)[list(CONFLICT_YEAR_COLUMNS)].nunique()
    bad = varying[(varying > 1).any(axis=1)]
    require(bad.empty, f"conflict-years whose rows disagree: {list(bad.index[:5])}")
    cy = raw.drop_duplicates(key).copy()
    cy["year"] = pd.to_numeric(cy["year"], errors="raise").astype(int)
    require((cy["year"].min(), cy["year"].max()) == YEARS,
            f"years {cy['year'].min()}-{cy['year'].max()}, expected {YEARS}")  # fmt: skip
    types = set(cy["type_of_conflict"])
    require(types == CONFLICT_TYPES, f"conflict types {sorted(types)}")
    ep_end = pd.to_numeric(cy["ep_end"], errors="raise")
    require(ep_end.isin([0, 1]).all(), "ep_end is not 0/1")
    cy["ends"] = ep_end == 1
    cy["intensity"] = pd.to_numeric(cy["intensity_level"], errors="raise").astype(int)
    require(cy["intensity"].isin([1, 2]).all(), "intensity_level is not 1/2")
    counts["conflict_years_all_types"] = len(cy)
    return cy.sort_values(key).reset_index(drop=True)


def episodes_of(cy: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Episodes of the given conflict-years, checked; adds ``age`` (year of the episode).

    Args:
        cy: Conflict-years of one type (modified in place: ``age`` is added).
        last_year: Last year of the data (episodes active then may be censored).

    Returns:
        One row per episode: ``first``, ``last``, ``length``, ``ended``.
    """
    cy["start_year"] = pd.to_numeric(cy["start_date2"].str[:4], errors="raise").astype(int)
    g = cy.groupby(["conflict_id", "start_date2"], sort=True)
    ep = g.agg(
        first=("year", "min"),
        last=("year", "max"),
        length=("year", "size"),
        start_year=("start_year", "first"),
        ends=("ends", "sum"),
    )
    require((ep["last"] - ep["first"] + 1 == ep["length"]).all(), "an episode has a gap")
    require((ep["start_year"] == ep["first"]).all(), "an episode starts before its first year")
    require(ep["ends"].isin([0, 1]).all(), "an episode ends twice")
    last_of_episode = cy["year"] == g["year"].transform("max")
    require((cy["ends"] <= last_of_episode).all(), "ep_end = 1 before an episode's last year")
    open_episodes = ep[ep["ends"] == 0]
    require((open_episodes["last"] == last_year).all(),
            "an episode stops before the last data year without ep_end = 1")  # fmt: skip
    cy["age"] = cy["year"] - cy["start_year"] + 1
    ep["ended"] = ep["ends"] == 1
    return ep.drop(columns="ends")


def kaplan_meier_median(ep: pd.DataFrame) -> tuple[int | None, list[dict]]:
    """Product-limit survival of episode length, with censored (still active) episodes.

    Args:
        ep: Episodes with ``length`` (years observed) and ``ended``.

    Returns:
        The median length (the first length at which survival is <= 0.5; None if never)
        and the survival table (``years``, ``at_risk``, ``ended``, ``survival``).
    """
    survival, median, table = 1.0, None, []
    for years in range(1, int(ep["length"].max()) + 1):
        at_risk = int((ep["length"] >= years).sum())
        ended = int(((ep["length"] == years) & ep["ended"]).sum())
        if at_risk == 0:
            break
        survival *= 1.0 - ended / at_risk
        table.append({"years": years, "at_risk": at_risk, "ended": ended,
                      "survival": sig(survival)})  # fmt: skip
        if median is None and survival <= 0.5:
            median = years
    return median, table


def run(sources: Path, out: Path) -> dict:
    """Estimate the hazards and write ``war_termination.json`` and ``war_termination.md``.

    Args:
        sources: Directory holding the UCDP file.
        out: Output directory.

    Returns:
        The result dictionary (as written to the JSON file).
    """
    counts: dict = {}
    cy = load_conflict_years(sources / SOURCE_FILE, counts)
    inter = cy[cy["type_of_conflict"] == INTERSTATE].copy()
    ep = episodes_of(inter, YEARS[1])
    counts.update(
        interstate_conflict_years=len(inter),
        interstate_conflicts=int(inter["conflict_id"].nunique()),
        interstate_episodes=len(ep),
        interstate_episodes_ended=int(ep["ended"].sum()),
        interstate_episodes_active_at_end=int((~ep["ended"]).sum()),
        interstate_war_level_conflict_years=int((inter["intensity"] == 2).sum()),
    )
    war = inter["intensity"] == 2
    hazards = {
        "all": hazard(inter),
        "war": hazard(inter[war]),
        "minor": hazard(inter[~war]),
        "episode_year_1": hazard(inter[inter["age"] == 1]),
        "episode_year_2": hazard(inter[inter["age"] == 2]),
        "episode_year_3_plus": hazard(inter[inter["age"] >= 3]),
        "war_episode_year_3_plus": hazard(inter[war & (inter["age"] >= 3)]),
    }
    completed = ep.loc[ep["ended"], "length"]
    km_median, km_table = kaplan_meier_median(ep)
    lengths = {
        "median_completed": sig(float(completed.median())),
        "mean_completed": sig(float(completed.mean())),
        "max_completed": int(completed.max()),
        "n_completed": len(completed),
        "median_kaplan_meier": km_median,
        "kaplan_meier": km_table,
        "share_completed_1_year": sig(float((completed == 1).mean())),
        "active_at_end": [
            {"conflict_id": code(cid), "start": str(start), "years_observed": int(r.length)}
            for (cid, start), r in ep[~ep["ended"]].iterrows()
        ],
    }
    result = {
        "description": (
            "Yearly hazard that an interstate armed-conflict episode ends: the share of UCDP "
            "interstate conflict-years that are the last year of their episode (ep_end = 1), "
            "with 95% Wilson score intervals."
        ),
        "definition": {
            "conflict_year": "one (conflict_id, year) of UCDP/PRIO, >= 25 battle deaths",
            "interstate": "type_of_conflict = interstate (UCDP type 2)",
            "war": "intensity_level = 2 (>= 1,000 battle-related deaths in the year)",
            "episode": "consecutive active years of a conflict (conflict_id, start_date2)",
            "episode_end": "ep_end = 1: the episode's last active year",
            "episode_year": "year - year of start_date2 + 1",
            "interval": f"Wilson score, z = {Z95:.6f}",
        },
        "years": list(YEARS),
        "hazard": hazards,
        "episode_length_years": lengths,
        "sample": counts,
        "source": CITATIONS,
    }
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, sort_keys=True, indent=2, ensure_ascii=True) + "\n"
    (out / "war_termination.json").write_text(text, encoding="utf-8")
    (out / "war_termination.md").write_text(report(result), encoding="utf-8")
    return result


def report(r: dict) -> str:
    """Render the Markdown report ``war_termination.md`` from the result dictionary.

    Args:
        r: The result dictionary.

    Returns:
        The Markdown text.
    """
    h, s, e = r["hazard"], r["sample"], r["episode_length_years"]
    labels = {
        "all": "every interstate conflict-year",
        "war": "war level (intensity 2, >= 1,000 deaths)",
        "minor": "minor level (intensity 1, 25-999 deaths)",
        "episode_year_1": "first year of the episode",
        "episode_year_2": "second year of the episode",
        "episode_year_3_plus": "third or later year (episode has lasted >= 2 years)",
        "war_episode_year_3_plus": "war level, third or later year",
    }
    rows = [
        f"| {labels[k]} | {v['conflict_years']} | {v['episode_ends']} | {v['estimate']:.3f} "
        f"| {v['ci95_low']:.3f}-{v['ci95_high']:.3f} |"
        for k, v in h.items()
    ]
    km = ", ".join(
        f"{t['years']}: {t['survival']:.3f} ({t['at_risk']} at risk)" for t in e["kaplan_meier"]
    )
    active = ", ".join(
        f"conflict {a['conflict_id']} from {a['start']} ({years_text(a['years_observed'])})"
        for a in e["active_at_end"]
    )
    y0, y1 = r["years"]
    lines = [
        f"# Yearly hazard that an interstate armed conflict ends (UCDP/PRIO, {y0}-{y1})",
        "",
        "<!-- Generated by scripts/estimate_war_hazard.py; edit the script, not this file. -->",
        "",
        "Generated by `scripts/estimate_war_hazard.py` (deterministic; the numbers are also in "
        "`war_termination.json`). The hazard is the share of interstate conflict-years that "
        "are the last active year of their episode (`ep_end` = 1): the probability that a "
        "year of interstate armed conflict (at least 25 battle-related deaths) is followed by "
        "a year below 25 deaths, i.e. the yearly probability that the war ends. Intervals "
        "are 95% Wilson score intervals (Wilson 1927), which treat conflict-years as "
        "independent trials. At the war level, an end means a fall from at least 1,000 "
        "deaths to below 25 in one year; a war that de-escalates to the minor level first "
        "ends from a minor-level year.",
        "",
        "## Estimates",
        "",
        "| Conflict-years | n | Episode ends | Hazard | 95% interval |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "**Duration dependence.** The hazard in the first year of an episode is "
        f"{h['episode_year_1']['estimate']:.3f}, in the second "
        f"{h['episode_year_2']['estimate']:.3f} and from the third year on "
        f"{h['episode_year_3_plus']['estimate']:.3f}"
        + (
            ": interstate conflicts that survive their first years are less likely to end in "
            "any one year (the later estimates rest on few conflict-years; see the intervals), "
            "so a constant yearly hazard overstates how quickly a long war ends."
            if h["episode_year_3_plus"]["ci95_high"] < h["episode_year_1"]["ci95_low"]
            else " (the intervals overlap: no clear duration dependence)."
        ),
        "",
        "## Episode lengths",
        "",
        f"- Completed interstate episodes: {e['n_completed']}; median length "
        f"{years_text(e['median_completed'])}, mean {e['mean_completed']:.2f} years, longest "
        f"{years_text(e['max_completed'])}; {100 * e['share_completed_1_year']:.0f}% last one "
        "year (the median is that of the many short episodes; the long wars are in the tail).",
        f"- Kaplan-Meier median (with the {s['interstate_episodes_active_at_end']} episodes "
        f"still active in {y1} as censored): {years_text(e['median_kaplan_meier'])}. "
        "Share of episodes lasting more than a given number of years (Kaplan-Meier survival), "
        "by length in years: "
        f"{km}.",
        f"- Active in {y1} (censored): {active}.",
        "",
        "## Sample",
        "",
        f"- `ucdp_armed_conflict.csv.gz`: {s['rows_in_file']} rows, one per combination of a "
        "conflict-year's parties, collapsed to "
        f"{s['conflict_years_all_types']} conflict-years (all types) after checking that the "
        "rows of a conflict-year agree on type, intensity, incompatibility, start dates and "
        "episode end.",
        f"- Interstate (`type_of_conflict` = interstate, UCDP type 2; internationalized "
        f"intrastate conflicts are excluded): {s['interstate_conflict_years']} conflict-years "
        f"of {s['interstate_conflicts']} conflicts in {s['interstate_episodes']} episodes "
        f"({s['interstate_episodes_ended']} ended, {s['interstate_episodes_active_at_end']} "
        f"active in {y1}); {s['interstate_war_level_conflict_years']} conflict-years at war "
        "level.",
        "- An episode is identified by `conflict_id` and `start_date2`; the script checks "
        "that its years are consecutive, that it begins in the year of `start_date2`, that "
        "`ep_end` = 1 falls in its last year only, and that every episode without an end is "
        f"active in {y1}. Episode year = year - year of `start_date2` + 1.",
        "",
        "## Citations",
        "",
        *[f"- {v}" for _, v in sorted(r["source"].items())],
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    """Command-line entry point.

    Args:
        argv: Argument list (defaults to ``sys.argv[1:]``).
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sources",
        default="../shared/data",
        help="source data directory (relative to the repo root)",
    )
    ap.add_argument("--out", default="sim/data", help="output directory (relative to repo root)")
    args = ap.parse_args(argv)
    sources = (REPO_ROOT / args.sources).resolve()
    out = (REPO_ROOT / args.out).resolve()
    r = run(sources, out)
    print(json.dumps(r["hazard"], sort_keys=True, indent=1))
    print(f"median episode length (completed): {r['episode_length_years']['median_completed']}")


if __name__ == "__main__":
    main(sys.argv[1:])
