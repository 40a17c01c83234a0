"""Mechanism validation: does every lever move its primary outcomes as the cited theory expects?

Usage:

    python -m experiments.mechanisms DIR [--write-docs] [--check]
    python -m experiments.mechanisms --run [--replicates R] [--steps S] [--out DIR] [...]

A *lever* is something a researcher can pull (a great power's strategy, an event, a Council
rule, an alignment strategy, a model parameter). Each compares two *arms*, options of the
`arm` config group (`configs/arm/<name>.yaml`, bundles of overrides; `status_quo` is empty):
the world `without` the lever and the world `with_` it, on one or more primary *outcomes*
(a column of the `steps` table, or a function of an arm's tables, over a window of years),
each with the sign its theory expects ("+", "-", or "!=" for a change of either sign).

The study `experiment=mechanisms` runs one job per arm, all from the same seed: replicate r
of every arm starts from the same seed (common random numbers), so each lever is judged on
paired differences, replicate by replicate (with minus without). For each lever and outcome
this module reports the mean paired difference and its 95% t-interval, each arm's mean, n and
a verdict: "as expected" (the interval excludes 0, on the expected side for "+" and "-"),
"null" (it includes 0), "wrong sign" (it excludes 0 on the other side), or "no data" (the
outcome is not recorded, or fewer than two pairs). It writes `DIR/mechanisms.csv` (one row
per lever and outcome) and `DIR/mechanisms.png` (a forest plot), prints the table, and with
`--write-docs` rewrites the generated section of `docs/VALIDATION.md`.

`check(table, explained)` lists the rows that fail: verdict not "as expected" and not listed
in the "Explained nulls" section of `docs/VALIDATION.md` (`explained_nulls` reads it: one
bullet per lever and outcome, "- `lever` `outcome`: why the theory predicts no effect, with
evidence"); `stale_explanations(table, explained)` lists the entries whose row is as
expected (they excuse nothing). `--check` exits 1 when any row fails or any entry is stale;
the test suite runs the study at its full size and does the same (`tests/test_mechanisms.py`,
marker `mechanisms`).

To add a lever: add its arms to `configs/arm/` (if new) and a `Lever` to `LEVERS`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from experiments.collect import design
from experiments.store import replace_section

#: `configs/` and the docs of this checkout.
ROOT = Path(__file__).resolve().parents[1]
ARMS_DIR = ROOT / "configs" / "arm"
DOCS = ROOT / "docs" / "VALIDATION.md"
#: The markers around the generated section of docs/VALIDATION.md.
BEGIN = "<!-- mechanisms:begin -->"
END = "<!-- mechanisms:end -->"
#: The heading of the hand-written section that `explained_nulls` reads.
EXPLAINED_HEADING = "Explained nulls"

SIGNS = ("+", "-", "!=")
AS_EXPECTED, NULL, WRONG_SIGN, NO_DATA = "as expected", "null", "wrong sign", "no data"
VERDICTS = (AS_EXPECTED, NULL, WRONG_SIGN, NO_DATA)
CONFIDENCE = 0.95

#: An outcome computed from an arm's tables: takes a mapping of kind ("steps", "votes", ...)
#: to that arm's table (each with `replicate` and, for yearly tables, `year`) and returns a
#: DataFrame with columns `replicate`, `year` and `value` (one row per replicate and year).
Metric = Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame]
Window = int | tuple[int, int]


def parse_window(window: Window | str) -> tuple[int, int]:
    """A window of years as (first, last), both included: 2050, (2026, 2030) or "2026-2030"."""
    if isinstance(window, str):
        parts = window.split("-")
        if len(parts) not in (1, 2) or not all(p.strip().isdigit() for p in parts):
            raise ValueError(f"window {window!r}: expected a year (2050) or a range (2026-2030)")
        window = tuple(int(p) for p in parts) if len(parts) == 2 else int(parts[0])
    if isinstance(window, int | np.integer):
        return int(window), int(window)
    first, last = window
    if first > last:
        raise ValueError(f"window {window!r}: the first year is after the last")
    return int(first), int(last)


def window_label(first: int, last: int) -> str:
    """The window as written: "2050" or "2026-2030"."""
    return str(first) if first == last else f"{first}-{last}"


@dataclass(frozen=True)
class Outcome:
    """A primary outcome of a lever.

    Attributes:
        column: A column of the `steps` table, or a `Metric` (a function of an arm's tables).
        window: The year (2050) or the years, both included, whose values are averaged per
            replicate ((2026, 2030) or "2026-2030").
        sign: The sign of (with - without) that the theory expects: "+", "-", or "!=" for a
            change of either sign.
        name: The outcome's name in the tables and in docs/VALIDATION.md (default: the
            column, or the function's name).
    """

    column: str | Metric
    window: Window | str
    sign: str
    name: str = ""

    def __post_init__(self) -> None:
        """Check the sign and the window; name the outcome."""
        if self.sign not in SIGNS:
            raise ValueError(f"outcome {self.column!r}: sign {self.sign!r} not one of {SIGNS}")
        object.__setattr__(self, "window", parse_window(self.window))
        if not self.name:
            name = self.column if isinstance(self.column, str) else self.column.__name__
            object.__setattr__(self, "name", name)

    @property
    def years(self) -> str:
        """The window as written in the tables ("2050", "2026-2030")."""
        return window_label(*self.window)


def outcome(column: str | Metric, window: Window | str, sign: str, name: str = "") -> Outcome:
    """Shorthand for `Outcome(column, window, sign, name)`."""
    return Outcome(column, window, sign, name)


@dataclass(frozen=True)
class Lever:
    """Something a researcher can pull, compared with and without it.

    Attributes:
        name: Short name (snake_case), unique in `LEVERS`.
        question: The question, in one line.
        without: The arm without the lever (an option of the `arm` group).
        with_: The arm with it.
        outcomes: Its primary outcomes, each with a window and the expected sign.
        theory: The citation and the mechanism, in one or two sentences.
    """

    name: str
    question: str
    without: str
    with_: str
    outcomes: tuple[Outcome, ...]
    theory: str

    def __post_init__(self) -> None:
        """Check that the arms differ and the outcomes' names are unique."""
        object.__setattr__(self, "outcomes", tuple(self.outcomes))
        if self.without == self.with_:
            raise ValueError(f"lever {self.name!r}: the two arms are the same ({self.with_!r})")
        names = [o.name for o in self.outcomes]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"lever {self.name!r}: outcomes need unique names, got {names}")


COUNCIL_YEARS = "2025-2050"

#: The levers and what their theories expect. Arms are options of `configs/arm/`.
LEVERS: tuple[Lever, ...] = (
    Lever(
        "wedge",
        "Does a full US wedge on Russia (instead of containment) court Russia and estrange it "
        "from China?",
        "status_quo",
        "wedge",
        (outcome("affinity_USA_RUS", 2030, "+"), outcome("affinity_RUS_CHN", 2030, "-")),
        "Crawford 2011; Izumikawa 2013: rewards to the junior partner of a rival coalition "
        "(affinity, sanctions relief) court it; the senior partner's fear of abandonment "
        "(Snyder 1984) estranges the partners.",
    ),
    Lever(
        "wedge_splits",
        "Where trade binds half as much, does the full wedge split Russia from China?",
        "light_ties",
        "wedge_light_ties",
        (outcome("ru_cn_aligned", 2050, "-"),),
        "Crawford 2011: a wedge succeeds when its rewards outweigh what the target gains from "
        "its coalition: here the relief of the threat from the West and the bloc's trade.",
    ),
    Lever(
        "trade_protects",
        "Does the exit cost of trade (weight 1 instead of 0.5) protect the partnership against "
        "the full wedge?",
        "wedge_light_ties",
        "wedge",
        (outcome("ru_cn_aligned", 2050, "+"),),
        "Crescenzi 2005 (exit costs); Copeland 2015 (trade expectations): partners who would "
        "lose much trade by leaving resist offers to defect.",
    ),
    Lever(
        "greater_eurasia_protects",
        "Does Greater Eurasia's deeper trade protect the partnership against the full wedge?",
        "wedge",
        "wedge_trade",
        (outcome("ru_cn_aligned", 2050, "+"),),
        "Crescenzi 2005; Copeland 2015: cheaper trade among SCO and EAEU members deepens "
        "Russia's trade with its bloc, and so the cost of leaving it.",
    ),
    Lever(
        "contain",
        "Does US containment (against restraint) shrink the Eurasian bloc's economy and close "
        "its ranks?",
        "restraint",
        "status_quo",
        (
            outcome("gdp_share_bloc_Eurasia", 2050, "-"),
            outcome("bloc_cohesion_Eurasia", 2030, "+"),
        ),
        "Kennan 1947: containment denies the rival the gains from trade (ACR 2012: real income "
        "falls with the domestic spending share), and an outside threat binds its bloc.",
    ),
    Lever(
        "expand",
        "Does China's expansion (BRICS offers) grow its bloc and its share of the Global South?",
        "chn_no_expand",
        "status_quo",
        (
            outcome("bloc_size_Eurasia", 2035, "+"),
            outcome("global_south_share_Eurasia", 2035, "+"),
        ),
        "Schweller 1994: states bandwagon for profit with a rising power that offers them "
        "membership and its gains.",
    ),
    Lever(
        "consolidate",
        "Does Russia's consolidation of its bloc raise the bloc's cohesion?",
        "rus_no_consolidate",
        "status_quo",
        (outcome("bloc_cohesion_Eurasia", 2030, "+"),),
        "Alliance management (Snyder 1984): a leader that courts its partners raises their "
        "affinity with one another and with it.",
    ),
    Lever(
        "mediate",
        "Does Chinese mediation shorten the wars?",
        "status_quo",
        "china_mediates",
        (outcome("wars_ongoing", "2026-2035", "-"),),
        "Kydd 2003; mediation and war termination (Beardsley 2011): a mediator with ties to "
        "both sides conveys information and commitment, so wars end sooner.",
    ),
    Lever(
        "brics_expansion",
        "Does BRICS expansion (2026) pull the BRICS members and partners toward Eurasia?",
        "status_quo",
        "brics_expansion",
        (outcome("brics_plus_share_Eurasia", 2035, "+"),),
        "A club is the channel of the leader's membership offers (sim.powers.expand: China's "
        "offer doubles for a country that shares BRICS with it); shared memberships raise "
        "affinity (Bearce & Bondanella 2007).",
    ),
    Lever(
        "greater_eurasia",
        "Does Greater Eurasia trade integration (2027) bind the Eurasian bloc?",
        "status_quo",
        "greater_eurasia",
        (
            outcome("bloc_internal_trade_share_Eurasia", 2035, "+"),
            outcome("bloc_cohesion_Eurasia", 2035, "+"),
            outcome("gdp_share_RUS", 2035, "+"),
        ),
        "Lower trade costs raise flows (gravity; Anderson & van Wincoop 2003) and real income "
        "(ACR 2012); interdependence raises the members' affinity (commercial liberalism).",
    ),
    Lever(
        "greater_eurasia_economic",
        "When countries align by trade, does Greater Eurasia grow the Eurasian bloc?",
        "economic",
        "economic_greater_eurasia",
        (outcome("bloc_size_Eurasia", 2035, "+"),),
        "Economic alignment (Kastner 2016; Hirschman 1945): states follow their trade, and "
        "cheaper trade with the bloc makes it their largest partner.",
    ),
    Lever(
        "sanctions_rus",
        "Do tighter Western sanctions on Russia (0.9 in 2026) push it off the dollar and "
        "toward China?",
        "status_quo",
        "sanctions_rus",
        (
            outcome("non_dollar_share_RUS", 2030, "+"),
            outcome("affinity_RUS_CHN", 2030, "+"),
            outcome("trade_RUS_CHN_usd", 2030, "+"),
        ),
        "Sanctions divert trade to third parties (Haidar 2017: two thirds of sanctioned exports "
        "deflected) and drive the target from the sanctioner's currency (fitted to Russia's "
        "settlement after 2022); sanctions are hostile acts (Drezner 1999) and a common threat "
        "binds the targets (Walt 1987).",
    ),
    Lever(
        "sanctions_chn",
        "Do Western sanctions on China (0.5 in 2026) push it off the dollar and toward Russia?",
        "status_quo",
        "sanctions_chn",
        (outcome("non_dollar_share_CHN", 2030, "+"), outcome("affinity_RUS_CHN", 2030, "+")),
        "As for Russia: sanctions move the target's settlement off the dollar and the common "
        "threat raises the targets' affinity (Walt 1987).",
    ),
    Lever(
        "payment_push",
        "Does a BRICS push for non-dollar settlement (2026) raise the non-dollar share of trade?",
        "status_quo",
        "payment_push",
        (outcome("non_dollar_trade_share", 2035, "+"),),
        "Currency network effects (Eichengreen, Mehl & Chitu 2017): a coordinated switch by a "
        "group of traders raises the value of the alternative to their partners.",
    ),
    Lever(
        "three_way_summit",
        "Does a US-Russia-China summit (2026) restore agreement among the P5?",
        "status_quo",
        "three_way_summit",
        (
            outcome("p5_agreement", "2026-2030", "+"),
            outcome("drafts_vetoed", "2026-2030", "-"),
        ),
        "Jervis 1985 (concert): great powers that agree to manage their rivalry together vote "
        "together and veto less.",
    ),
    Lever(
        "ceasefire",
        "Does a Russia-Ukraine ceasefire (2026), against a war that goes on, end the war and "
        "change the Council while it would have lasted?",
        "war_goes_on",
        "ceasefire",
        (
            outcome("wars_ongoing", "2026-2035", "-"),
            outcome("vetoes_RUS", "2026-2035", "-"),
            outcome("p5_agreement", "2026-2035", "+"),
        ),
        "A war puts its parties on the Council's agenda (conflict_agenda_weight): drafts "
        "against a permanent member at war, or against its adversary's foes, meet its veto "
        "(Russia's 2022 vetoes on Ukraine); a ceasefire takes them off.",
    ),
    Lever(
        "no_veto",
        "Does abolishing the veto end vetoes and raise the share of drafts adopted?",
        "status_quo",
        "no_veto",
        (
            outcome("drafts_vetoed", COUNCIL_YEARS, "-"),
            outcome("adoption_share", COUNCIL_YEARS, "+"),
        ),
        "UN Charter Art. 27(3): without the concurring votes of the permanent members, a draft "
        "passes with nine votes; the P5's Shapley-Shubik power falls.",
    ),
    Lever(
        "two_vetoes",
        "Does requiring two vetoes to block (a 'double veto' reform) cut vetoed drafts?",
        "status_quo",
        "two_vetoes",
        (outcome("drafts_vetoed", COUNCIL_YEARS, "-"),),
        "A lone negative vote no longer blocks; only drafts opposed by two permanent members "
        "fail (Shapley-Shubik power of each P5 member falls).",
    ),
    Lever(
        "g4_veto",
        "Does the G4 model with a veto for the new permanent members (A/59/L.64) raise vetoes?",
        "status_quo",
        "g4_veto",
        (outcome("drafts_vetoed", COUNCIL_YEARS, "+"),),
        "A/59/L.64: more veto holders, more chances that one of them objects (more veto "
        "players, Tsebelis 2002).",
    ),
    Lever(
        "g4_no_veto",
        "Does the G4 model without new vetoes (25 seats) change the share of drafts adopted?",
        "status_quo",
        "g4_no_veto",
        (outcome("adoption_share", COUNCIL_YEARS, "!="),),
        "A/59/L.64 without veto: a larger Council and a higher threshold change each seat's "
        "Shapley-Shubik power; the sign depends on who gains seats.",
    ),
    Lever(
        "charter_1945",
        "Does the 1945 Charter (11 seats, 7 votes) change the share of drafts adopted?",
        "status_quo",
        "charter_1945",
        (outcome("adoption_share", COUNCIL_YEARS, "!="),),
        "UN Charter Art. 23 and 27 before the 1965 amendment: fewer elected members and a lower "
        "threshold change the elected members' Shapley-Shubik power.",
    ),
    Lever(
        "balancing",
        "Do fewer countries stay non-aligned when all balance than when all hedge?",
        "hedging",
        "balancing",
        (outcome("nonaligned_count", 2035, "-"),),
        "Walt 1987 (balance of threat) against Kuik 2008 (hedging): balancers join the side "
        "against the threat, hedgers avoid both.",
    ),
    Lever(
        "bandwagoning",
        "Does bandwagoning (against the status quo) grow the West, the strongest bloc?",
        "status_quo",
        "bandwagoning",
        (outcome("bloc_size_West", 2035, "+"),),
        "Schweller 1994: weak states join the stronger side for profit.",
    ),
)


def lever_named(name: str, levers: Iterable[Lever] = LEVERS) -> Lever:
    """The lever of that name."""
    for lever in levers:
        if lever.name == name:
            return lever
    raise KeyError(f"no lever {name!r}; known: {[lever.name for lever in levers]}")


def arms_used(levers: Iterable[Lever] = LEVERS) -> list[str]:
    """The arms the levers compare, each once, in order of first use."""
    return list(dict.fromkeys(arm for lever in levers for arm in (lever.without, lever.with_)))


def available_arms(arms_dir: Path = ARMS_DIR) -> list[str]:
    """The options of the `arm` config group."""
    return sorted(p.stem for p in arms_dir.glob("*.yaml"))


# ---------------------------------------------------------------------------------------
# Statistics


def t_interval(differences: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The t-interval of the mean of paired differences; a point if they are all the same.

    Args:
        differences: (n,) paired differences, n >= 2.
        confidence: Coverage.

    Returns:
        (low, high).
    """
    from scipy import stats

    d = np.asarray(differences, dtype=float)
    mean = float(d.mean())
    sd = float(d.std(ddof=1))
    if sd == 0.0 or not np.isfinite(sd):
        return mean, mean
    half = float(stats.t.ppf(0.5 + confidence / 2, len(d) - 1)) * sd / math.sqrt(len(d))
    return mean - half, mean + half


def verdict(low: float, high: float, sign: str) -> str:
    """The verdict ("as expected", "null", "wrong sign") of an interval and expected sign."""
    if sign not in SIGNS:
        raise ValueError(f"sign {sign!r} not one of {SIGNS}")
    if not (np.isfinite(low) and np.isfinite(high)):
        return NO_DATA
    if low <= 0.0 <= high:
        return NULL
    if sign == "!=":
        return AS_EXPECTED
    positive = low > 0.0
    return AS_EXPECTED if positive == (sign == "+") else WRONG_SIGN


def paired(
    with_: pd.Series, without: pd.Series, sign: str, confidence: float = CONFIDENCE
) -> dict[str, Any]:
    """Compare two arms replicate by replicate (with minus without, same replicate index).

    Args:
        with_: One value per replicate (indexed by replicate) in the arm with the lever.
        without: The same, without it.
        sign: The expected sign ("+", "-", "!=").
        confidence: Coverage of the interval.

    Returns:
        n (the pairs with both values), the two arms' means over those pairs, the mean
        difference, its interval, the s.d. of the differences and the pooled s.d. of the
        arms' values, and the verdict ("no data" for fewer than two pairs).
    """
    both = pd.concat({"with": with_, "without": without}, axis=1, join="inner").dropna()
    n = len(both)
    w = both["with"].to_numpy(dtype=float)
    wo = both["without"].to_numpy(dtype=float)
    d = w - wo
    row: dict[str, Any] = {
        "n": n,
        "mean_without": float(wo.mean()) if n else math.nan,
        "mean_with": float(w.mean()) if n else math.nan,
        "effect": float(d.mean()) if n else math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "sd_difference": float(d.std(ddof=1)) if n > 1 else math.nan,
        "sd_pooled": (math.sqrt((w.var(ddof=1) + wo.var(ddof=1)) / 2) if n > 1 else math.nan),
        "verdict": NO_DATA,
    }
    if n >= 2:
        row["ci_low"], row["ci_high"] = t_interval(d, confidence)
        row["verdict"] = verdict(row["ci_low"], row["ci_high"], sign)
    return row


# ---------------------------------------------------------------------------------------
# Outcomes of an arm


class MissingOutcome(LookupError):
    """An outcome an arm's tables do not have (a column the model does not record yet)."""


def yearly_values(out: Outcome, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The outcome per replicate and year: columns `replicate`, `year`, `value`."""
    if callable(out.column):
        values = out.column(tables)
        missing = {"replicate", "year", "value"} - set(values.columns)
        if missing:
            raise ValueError(f"outcome {out.name!r}: its function returned no {sorted(missing)}")
        return values[["replicate", "year", "value"]]
    steps = tables["steps"]
    if out.column not in steps.columns:
        raise MissingOutcome(f"column {out.column!r} is not in the steps table")
    values = steps[["replicate", "year", out.column]].rename(columns={out.column: "value"})
    return values.astype({"value": float})


def window_used(window: tuple[int, int], years: Iterable[int]) -> tuple[int, int] | None:
    """The window clipped to the years recorded.

    A run that stops before the window starts stands in with its last year (a quick run);
    None when the window ends before the first recorded year.
    """
    years = sorted(set(int(y) for y in years))
    if not years:
        return None
    first, last = window
    if last < years[0]:
        return None
    if first > years[-1]:  # the run stops before the window: its last year stands in
        return years[-1], years[-1]
    return max(first, years[0]), min(last, years[-1])


def window_means(values: pd.DataFrame, window: tuple[int, int]) -> pd.Series:
    """The mean of each replicate's values over the window's years (NaN values skipped)."""
    first, last = window
    inside = values[(values["year"] >= first) & (values["year"] <= last)]
    return inside.groupby("replicate")["value"].mean()


# ---------------------------------------------------------------------------------------
# The table


#: The columns of the result table (`DIR/mechanisms.csv`), in order.
COLUMNS = (
    "lever",
    "outcome",
    "window",
    "years",
    "expected",
    "without",
    "with",
    "n",
    "mean_without",
    "mean_with",
    "effect",
    "ci_low",
    "ci_high",
    "sd_difference",
    "sd_pooled",
    "verdict",
    "note",
)


def read_table(path: Path) -> pd.DataFrame:
    """A `mechanisms.csv` as `analyse` made it (text columns empty, not NaN)."""
    # "null" is a verdict, not a missing value: only empty cells are missing
    text = ("lever", "outcome", "window", "years", "expected", "without", "with", "verdict", "note")
    table = pd.read_csv(path, dtype=dict.fromkeys(text, str), keep_default_na=False, na_values=[""])
    for column in text:
        table[column] = table[column].fillna("")
    return table


def split_by_arm(steps: pd.DataFrame) -> dict[str, dict[str, pd.DataFrame]]:
    """{arm: {"steps": its rows}} from a steps table with an `arm` column."""
    return {str(arm): {"steps": group} for arm, group in steps.groupby("arm", sort=False)}


def analyse(
    tables: pd.DataFrame | Mapping[str, Mapping[str, pd.DataFrame]],
    levers: Iterable[Lever] = LEVERS,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Every lever's paired effect on each of its outcomes.

    Args:
        tables: Each arm's tables ({arm: {"steps": ..., ...}}), or one steps table with an
            `arm` column. Each steps table has `replicate` and `year`; replicate r of one arm
            is paired with replicate r of the other.
        levers: The levers.
        confidence: Coverage of the intervals.

    Returns:
        One row per lever and outcome (`COLUMNS`).
    """
    if isinstance(tables, pd.DataFrame):
        tables = split_by_arm(tables)
    rows = []
    for lever in levers:
        for out in lever.outcomes:
            row: dict[str, Any] = {
                "lever": lever.name,
                "outcome": out.name,
                "window": out.years,
                "years": "",
                "expected": out.sign,
                "without": lever.without,
                "with": lever.with_,
                "note": "",
            }
            absent = [arm for arm in (lever.without, lever.with_) if arm not in tables]
            if absent:
                rows.append({**row, **paired(pd.Series(), pd.Series(), out.sign)})
                rows[-1]["note"] = f"arm not run: {', '.join(absent)}"
                continue
            try:
                values = {
                    arm: yearly_values(out, tables[arm]) for arm in (lever.with_, lever.without)
                }
            except MissingOutcome as error:
                rows.append({**row, **paired(pd.Series(), pd.Series(), out.sign)})
                rows[-1]["note"] = str(error)
                continue
            common = set(values[lever.with_]["year"]) & set(values[lever.without]["year"])
            used = window_used(out.window, common)
            if used is None:
                rows.append({**row, **paired(pd.Series(), pd.Series(), out.sign)})
                rows[-1]["note"] = "no recorded year in the window"
                continue
            row["years"] = window_label(*used)
            notes = []
            if used != out.window:
                notes.append("window clipped to the years simulated")
            result = paired(
                window_means(values[lever.with_], used),
                window_means(values[lever.without], used),
                out.sign,
                confidence,
            )
            replicates = max(
                values[arm]["replicate"].nunique() for arm in (lever.with_, lever.without)
            )
            if result["n"] < replicates:
                notes.append(f"{replicates - result['n']} replicates without a pair or a value")
            if result["n"] < 2:
                notes.append("fewer than two pairs")
            rows.append({**row, **result, "note": "; ".join(notes)})
    return pd.DataFrame(rows, columns=list(COLUMNS))


# ---------------------------------------------------------------------------------------
# Explained nulls and the check

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_ENTRY = re.compile(r"^`([^`]+)`\s*(?:[/,x×]\s*)?`([^`]+)`\s*[:—–-]?\s*(.*)$", re.DOTALL)


def explained_nulls(text: str) -> dict[tuple[str, str], str]:
    """The lever/outcome pairs that docs/VALIDATION.md explains, with their explanations.

    Read from the section headed "Explained nulls" (any level, up to the next heading of
    the same or a higher level), outside HTML comments and outside the generated block.
    Each entry is a bullet that starts with the lever's and the outcome's names in
    backticks, then the explanation with its evidence (continuation lines indented):

        - `ceasefire` `p5_agreement`: the theory predicts no effect because ...; evidence: ...

    Args:
        text: The Markdown text.

    Returns:
        {(lever, outcome): explanation}.

    Raises:
        ValueError: A bullet of the section that is not an entry, or an entry without an
            explanation (naming its line).
    """
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + rest.split(END, 1)[1]
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found: dict[tuple[str, str], str] = {}
    level = None  # the section's heading level while inside it
    entries: list[list[Any]] = []  # [line number, text] of each bullet
    continuing = False
    fenced = False  # inside a ``` code block: neither headings nor entries
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continuing = False
            continue
        if fenced:
            continue
        heading = _HEADING.match(line)
        if heading:
            depth = len(heading.group(1))
            if level is not None and depth <= level:
                level = None
            if heading.group(2).strip().lower() == EXPLAINED_HEADING.lower():
                level = depth
            continuing = False
            continue
        if level is None:
            continue
        bullet = _BULLET.match(line)
        indent = len(line) - len(line.lstrip())
        if bullet and indent < 2:
            entries.append([number, bullet.group(1).strip()])
            continuing = True
        elif continuing and line.strip():
            entries[-1][1] += " " + line.strip()
        else:
            continuing = False
    for number, body in entries:
        entry = _ENTRY.match(body)
        if not entry:
            raise ValueError(
                f"line {number}: an entry of '{EXPLAINED_HEADING}' starts with the lever and "
                f"the outcome in backticks (- `lever` `outcome`: why), got {body[:60]!r}"
            )
        lever, name, why = entry.group(1).strip(), entry.group(2).strip(), entry.group(3).strip()
        if not why:
            raise ValueError(f"line {number}: `{lever}` `{name}` has no explanation")
        found[(lever, name)] = why
    return found


def read_explained(path: Path = DOCS) -> dict[tuple[str, str], str]:
    """`explained_nulls` of a file (none if it does not exist)."""
    return explained_nulls(path.read_text()) if path.is_file() else {}


def unknown_explanations(
    explained: Mapping[tuple[str, str], str], levers: Iterable[Lever] = LEVERS
) -> list[tuple[str, str]]:
    """Explained pairs that name no lever's outcome (a typo, or a lever since removed)."""
    known = {(lever.name, o.name) for lever in levers for o in lever.outcomes}
    return [key for key in explained if key not in known]


def stale_explanations(
    table: pd.DataFrame, explained: Mapping[tuple[str, str], str]
) -> list[tuple[str, str]]:
    """Explained pairs whose row is now "as expected": the entry excuses nothing; remove it."""
    rows = zip(table["lever"], table["outcome"], table["verdict"], strict=True)
    expected = {(lever, outcome) for lever, outcome, verdict in rows if verdict == AS_EXPECTED}
    return [key for key in explained if key in expected]


def check(table: pd.DataFrame, explained: Mapping[tuple[str, str], str]) -> pd.DataFrame:
    """The failing rows: verdict not "as expected" and the pair not explained.

    Args:
        table: The result of `analyse`.
        explained: `explained_nulls` of docs/VALIDATION.md (pairs (lever, outcome)).
    """
    keys = list(zip(table["lever"], table["outcome"], strict=True))
    ok = (table["verdict"] == AS_EXPECTED).to_numpy() | np.array(
        [key in explained for key in keys], dtype=bool
    )
    return table[~ok]


# ---------------------------------------------------------------------------------------
# Reading a sweep


class _JobTables(Mapping[str, pd.DataFrame]):
    """An arm's tables: `steps` given, the other kinds read from its job folder on demand."""

    def __init__(self, steps: pd.DataFrame, folder: Path) -> None:
        self._tables = {"steps": steps}
        self._folder = folder

    def __getitem__(self, kind: str) -> pd.DataFrame:
        if kind not in self._tables:
            path = self._folder / f"{kind}.parquet"
            if not path.is_file():
                raise KeyError(f"{kind}: no {path}")
            self._tables[kind] = pd.read_parquet(path)
        return self._tables[kind]

    def __iter__(self) -> Iterator[str]:
        kinds = {p.stem for p in self._folder.glob("*.parquet")}
        return iter(sorted(kinds | set(self._tables)))

    def __len__(self) -> int:
        return len(list(iter(self)))


def job_arm(folder: Path) -> str | None:
    """The arm a job ran: Hydra's choice of the `arm` group, else its `arm=` override."""
    hydra_file = folder / ".hydra" / "hydra.yaml"
    if hydra_file.is_file():
        choices = (yaml.safe_load(hydra_file.read_text()) or {}).get("hydra", {})
        choices = choices.get("runtime", {}).get("choices", {})
        if "arm" in choices:
            return choices["arm"]
    overrides = folder / ".hydra" / "overrides.yaml"
    if overrides.is_file():
        for item in yaml.safe_load(overrides.read_text()) or []:
            if str(item).startswith("arm="):
                return str(item).split("=", 1)[1]
    found = re.search(r"(?:^|[,/])arm=([^,/]+)", folder.as_posix())
    return found.group(1) if found else None


def collected(root: Path) -> bool:
    """Whether `root` holds a collected steps table newer than every job in it."""
    table = root / "steps.parquet"
    if not table.is_file():
        return False
    newest = max((p.stat().st_mtime for p in root.glob("**/done.json")), default=0.0)
    return table.stat().st_mtime >= newest


def load(root: Path, allow_incomplete: bool = False) -> dict[str, Mapping[str, pd.DataFrame]]:
    """Each arm's tables from a swept folder, collected first if it is not yet.

    Args:
        root: A sweep folder of `experiment=mechanisms` (one job per arm).
        allow_incomplete: Go on when some jobs are missing or failed (their arms are left out).

    Raises:
        SystemExit: Jobs are not complete (without `allow_incomplete`), or two jobs ran the
            same arm.
    """
    from experiments import collect

    root = Path(root)
    if not collected(root):
        status = collect.main([str(root), *(["--allow-incomplete"] if allow_incomplete else [])])
        if status != 0:
            raise SystemExit(status)
    steps = pd.read_parquet(root / "steps.parquet")
    tables: dict[str, Mapping[str, pd.DataFrame]] = {}
    jobs: dict[str, str] = {}
    for job, rows in steps.groupby("job", sort=True):
        arm = job_arm(root / job)
        if arm is None:
            continue
        if arm in jobs:
            raise SystemExit(
                f"arm {arm!r} ran in two jobs ({jobs[arm]}, {job}): pair replicates of one job "
                "per arm (one seed); analyse each seed's sweep apart"
            )
        jobs[arm] = job
        tables[arm] = _JobTables(rows.reset_index(drop=True), root / job)
    if not tables:
        raise SystemExit(f"{root}: no job ran an arm (sweep experiment=mechanisms)")
    return tables


# ---------------------------------------------------------------------------------------
# Output: printed table, figure, docs


def fmt(x: float) -> str:
    """Three significant figures; "" for NaN."""
    if x is None or not np.isfinite(x):
        return ""
    if x == 0:
        return "0"
    return f"{x:.3g}"


def effect_text(row: Mapping[str, Any]) -> str:
    """The effect and its interval as text: "0.12 [0.05, 0.19]"."""
    if not np.isfinite(row["effect"]):
        return ""
    return f"{fmt(row['effect'])} [{fmt(row['ci_low'])}, {fmt(row['ci_high'])}]"


def printable(table: pd.DataFrame, explained: Mapping[tuple[str, str], str] = ()) -> str:
    """The table as text, one line per lever and outcome."""
    shown = pd.DataFrame(
        {
            "lever": table["lever"],
            "outcome": table["outcome"],
            "years": [y or w for y, w in zip(table["years"], table["window"], strict=True)],
            "exp": table["expected"],
            "effect [95% CI]": [effect_text(r) for r in table.to_dict("records")],
            "without": table["mean_without"].map(fmt),
            "with": table["mean_with"].map(fmt),
            "n": table["n"],
            "verdict": [
                v + (" (explained)" if (lv, o) in explained and v != AS_EXPECTED else "")
                for v, lv, o in zip(table["verdict"], table["lever"], table["outcome"], strict=True)
            ],
            "note": table["note"],
        }
    )
    return shown.to_string(index=False)


VERDICT_COLOURS = {
    AS_EXPECTED: "#1b7837",
    NULL: "#7f7f7f",
    WRONG_SIGN: "#c51b7d",
    NO_DATA: "#bbbbbb",
}


def scaled(row: Mapping[str, Any]) -> tuple[float, float, float]:
    """Effect and interval divided by the interval's reach (the largest absolute bound).

    Outcomes have their own units (shares, counts, dollars): on one axis each row is scaled
    so that its interval ends at -1 or 1 (its position against 0, which makes the verdict,
    keeps; its size is written beside it in the outcome's units).
    """
    e, lo, hi = row["effect"], row["ci_low"], row["ci_high"]
    reach = max(abs(e), abs(lo), abs(hi))
    reach = reach if reach > 0 else 1.0
    return e / reach, lo / reach, hi / reach


def plot(
    table: pd.DataFrame,
    path: Path,
    explained: Mapping[tuple[str, str], str] = (),
    subtitle: str = "",
) -> None:
    """Forest plot: each lever and outcome's mean paired effect and its 95% CI.

    One row per lever and outcome, scaled to its own interval (`scaled`); the side of 0 that
    the theory expects is shaded ("!=": both); the colour is the verdict; the expected sign,
    the effect and interval in the outcome's own units and the pooled s.d. of the arms'
    replicate values (for a sense of size) are written beside.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = table.to_dict("records")
    height = 1.3 + 0.3 * len(rows)
    fig, ax = plt.subplots(figsize=(11, height), layout="constrained")
    labels = []
    for k, row in enumerate(rows):
        y = len(rows) - 1 - k
        colour = VERDICT_COLOURS[row["verdict"]]
        side = {"+": (0.0, 1.15), "-": (-1.15, 0.0), "!=": (-1.15, 1.15)}[row["expected"]]
        ax.fill_between(side, y - 0.4, y + 0.4, color="#e5f5e0", linewidth=0, zorder=0)
        if np.isfinite(row["effect"]):
            e, lo, hi = scaled(row)
            ax.plot([lo, hi], [y, y], color=colour, linewidth=2)
            ax.plot([e], [y], "o", color=colour, markersize=5)
        note = row["verdict"]
        if row["verdict"] != AS_EXPECTED and (row["lever"], row["outcome"]) in explained:
            note += " (explained)"
        labels.append(f"{row['lever']}: {row['outcome']} {row['years'] or row['window']}")
        size = f"   (s.d. {fmt(row['sd_pooled'])})" if np.isfinite(row["sd_pooled"]) else ""
        ax.annotate(
            f"exp. {row['expected']:>2}   {effect_text(row) or 'no data'}{size}   {note}",
            xy=(1.01, y),
            xycoords=("axes fraction", "data"),
            va="center",
            fontsize=7,
            color=colour,
        )
    ax.axvline(0.0, color="0.3", linewidth=0.8)
    ax.set_yticks(range(len(rows) - 1, -1, -1), labels, fontsize=7)
    ax.set(xlim=(-1.15, 1.15), ylim=(-0.7, len(rows) - 0.3))
    ax.set_xlabel(
        "Mean paired effect (with - without) and 95% CI, each row scaled to its CI's reach; "
        "shaded: the expected side",
        fontsize=8,
    )
    ax.set_title(
        "Levers and their primary outcomes" + (f"\n{subtitle}" if subtitle else ""), fontsize=9
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)


def markdown(
    table: pd.DataFrame,
    levers: Iterable[Lever],
    meta: Mapping[str, Any],
    explained: Mapping[tuple[str, str], str] = (),
) -> str:
    """The generated section of docs/VALIDATION.md (between the markers, markers excluded)."""
    levers = list(levers)
    counts = table["verdict"].value_counts()
    failing = check(table, explained)
    lines = [
        "<!-- Generated by python -m experiments.mechanisms --write-docs: do not edit by hand. -->",
        "",
        f"Produced on {meta['date']} by `{meta['command']}`"
        + (f" from the sweep `{meta['sweep']}`" if meta.get("sweep") else "")
        + f": {meta['replicates']} replicates "
        f"a lever and arm, {meta['steps']} steps (years {meta['years']}), seed "
        f"{', '.join(str(s) for s in meta['seed'])}, commit {meta['commit']}; folder "
        f"`{meta['folder']}` (`mechanisms.csv`, `mechanisms.png`).",
        "",
        "Verdicts: "
        + ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
        + f"; {len(failing)} failing (not as expected and not explained).",
        "",
        "| Lever | Outcome | Years | Expected | Effect [95% CI] | Without | With | n | Verdict |",
        "|---|---|---|:-:|---|---|---|--:|---|",
    ]
    for row in table.to_dict("records"):
        v = row["verdict"]
        if v != AS_EXPECTED and (row["lever"], row["outcome"]) in explained:
            v += " (explained)"
        elif v != AS_EXPECTED:
            v = f"**{v}**"
        if row["note"]:
            v += f" ({row['note']})"
        lines.append(
            f"| `{row['lever']}` | `{row['outcome']}` | {row['years'] or row['window']} | "
            f"{row['expected']} | {effect_text(row)} | {fmt(row['mean_without'])} | "
            f"{fmt(row['mean_with'])} | {row['n']} | {v} |"
        )
    lines += [
        "",
        "The levers (arms are options of `configs/arm/`):",
        "",
        "| Lever | Question | Without | With | Theory |",
        "|---|---|---|---|---|",
    ]
    for lever in levers:
        lines.append(
            f"| `{lever.name}` | {lever.question} | `{lever.without}` | `{lever.with_}` | "
            f"{lever.theory} |"
        )
    return "\n".join(lines)


def write_docs(block: str, path: Path = DOCS) -> None:
    """Replace the text between the markers of `path` with `block` (`replace_section`)."""
    replace_section(path, BEGIN, END, block)


# ---------------------------------------------------------------------------------------
# Running the sweep


def default_launcher() -> str | None:
    """`fork` on Linux (the fastest on one machine), else Hydra's basic launcher (None)."""
    return "fork" if sys.platform.startswith("linux") else None


def sweep_command(
    out: Path,
    replicates: int | None = None,
    steps: int | None = None,
    launcher: str | None = None,
    arms: Iterable[str] | None = None,
    overrides: Iterable[str] = (),
) -> list[str]:
    """The `experiments.run` command that runs the study into `out`."""
    command = [sys.executable, "-m", "experiments.run", "-m", "experiment=mechanisms"]
    if replicates is not None:
        command.append(f"replicates={replicates}")
    if steps is not None:
        command.append(f"steps={steps}")
    if arms is not None:
        command.append(f"arm={','.join(arms)}")
    if launcher:
        command.append(f"hydra/launcher={launcher}")
    command += [*overrides, f"hydra.sweep.dir={Path(out).resolve()}"]
    return command


def run_sweep(command: list[str]) -> int:
    """Run the sweep (output passed through); its exit status."""
    print("+ " + shlex.join(command), flush=True)
    return subprocess.run(command, cwd=ROOT).returncode


# ---------------------------------------------------------------------------------------
# Command line


@dataclass
class Result:
    """What `study` produced."""

    table: pd.DataFrame
    failing: pd.DataFrame
    folder: Path
    meta: dict[str, Any] = field(default_factory=dict)


def study(
    root: Path,
    levers: Iterable[Lever] = LEVERS,
    docs: Path = DOCS,
    write: bool = False,
    command: str = "",
    allow_incomplete: bool = False,
    figure: bool = True,
) -> Result:
    """Analyse a swept folder: write its CSV and figure (and the docs), return the table."""
    levers = list(levers)
    root = Path(root)
    table = analyse(load(root, allow_incomplete), levers)
    explained = read_explained(docs)
    meta = design(root)
    meta.update(
        date=dt.date.today().isoformat(),
        command=command or f"python -m experiments.mechanisms {root}",
        folder=root.as_posix(),
    )
    table.to_csv(root / "mechanisms.csv", index=False)
    if figure:
        subtitle = (
            f"{meta['replicates']} replicates, {meta['steps']} steps, seed "
            f"{', '.join(str(s) for s in meta['seed'])}, commit {meta['commit']}"
        )
        plot(table, root / "mechanisms.png", explained, subtitle)
    if write:
        write_docs(markdown(table, levers, meta, explained), docs)
    return Result(table, check(table, explained), root, meta)


def main(argv: list[str] | None = None) -> int:
    """Command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    overrides: list[str] = []
    if "--" in argv:  # Hydra overrides for the sweep follow `--`
        cut = argv.index("--")
        argv, overrides = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Hydra overrides for the sweep may follow `--`, e.g. -- record.votes=false",
    )
    parser.add_argument("folder", type=Path, nargs="?", help="a swept folder to analyse")
    parser.add_argument("--run", action="store_true", help="run the sweep first")
    parser.add_argument("--replicates", type=int, help="replicates per arm (default: 20)")
    parser.add_argument("--steps", type=int, help="years to simulate (default: 26)")
    parser.add_argument("--out", type=Path, help="sweep folder for --run")
    parser.add_argument(
        "--launcher",
        default=default_launcher(),
        help="Hydra launcher for --run (default: fork on Linux; 'basic' for Hydra's own)",
    )
    parser.add_argument(
        "--levers", help="comma-separated levers (default: all); --run runs only their arms"
    )
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite {DOCS.name}'s table")
    parser.add_argument("--docs", type=Path, default=DOCS, help="the validation document")
    parser.add_argument("--check", action="store_true", help="exit 1 if any row fails")
    parser.add_argument("--allow-incomplete", action="store_true", help="analyse partial sweeps")
    args = parser.parse_args(argv)
    if overrides and not args.run:
        parser.error("Hydra overrides (after --) need --run")
    levers = list(LEVERS)
    if args.levers:
        try:
            levers = [lever_named(name.strip()) for name in args.levers.split(",")]
        except KeyError as error:
            parser.error(str(error))
    if args.run:
        if args.folder is not None:
            parser.error("--run takes --out, not a folder")
        out = args.out or Path("multirun/mechanisms") / dt.datetime.now().strftime(
            "%Y-%m-%d_%H-%M-%S"
        )
        launcher = None if args.launcher in (None, "", "basic") else args.launcher
        command = sweep_command(
            out,
            args.replicates,
            args.steps,
            launcher,
            arms_used(levers) if args.levers else None,
            overrides,
        )
        status = run_sweep(command)
        if status != 0 and not args.allow_incomplete:
            print(
                f"the sweep failed (exit {status}); its finished jobs are kept: run the same "
                f"command with --out {out} to run only the rest",
                file=sys.stderr,
            )
            return status
        folder = out
    elif args.folder is None:
        parser.error("give a swept folder, or --run")
    else:
        folder = args.folder
    if not Path(folder).is_dir():
        parser.error(f"{folder}: no such folder")
    shown = shlex.join([*argv, *(["--", *overrides] if overrides else [])])
    result = study(
        folder,
        levers,
        args.docs,
        args.write_docs,
        f"python -m experiments.mechanisms {shown}",
        args.allow_incomplete,
    )
    explained = read_explained(args.docs)
    print(printable(result.table, explained))
    print(f"\nwrote {folder / 'mechanisms.csv'} and {folder / 'mechanisms.png'}")
    if args.write_docs:
        print(f"rewrote the generated section of {args.docs}")
    for key in unknown_explanations(explained, levers if not args.levers else LEVERS):
        print(f"warning: {args.docs} explains `{key[0]}` `{key[1]}`, not a lever's outcome")
    stale = stale_explanations(result.table, explained)
    for key in stale:
        print(f"{args.docs} explains `{key[0]}` `{key[1]}`, now as expected: remove the entry")
    if stale and args.check:
        return 1
    if len(result.failing):
        print(f"\n{len(result.failing)} of {len(result.table)} lever outcomes fail:")
        for row in result.failing.to_dict("records"):
            print(f"  {row['lever']} {row['outcome']}: {row['verdict']} {effect_text(row)}")
        if args.check:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
