"""The modelled Security Council against the record of 2011-2024: figure, table and fit.

Usage:

    python -m experiments.council_calibration [--replicates 20] [--years 14] [--out DIR]
    python -m experiments.council_calibration --fit [--trials 300] [--replicates 20]
        [--years 14] [--seed 2011] [--params PATH] [--docs PATH]

Without `--fit`: runs the default world (status quo) for `years` years, `replicates` times,
and compares the yearly statistics of the Council phase with
`sim/data/council_record_2011_2024.csv` (sources and the verification of every figure in
`sim/council/CALIBRATION.md`). Writes `council_calibration.png` and `council_calibration.csv`
(model and record, one row per year and source) into `--out` (default `figures/`).

With `--fit`: fits the Council's free parameters (`FREE`) to the record's yearly means
(`FIT_TARGETS`) by minimising `loss` with Optuna's TPE sampler (seeded, sequential), every
trial on the same replicate seeds (common random numbers): a calibration of
`experiments.calibrate` on the target file `configs/calibration/council.yaml` (the
parameters, their ranges, the fitted and held-out targets, the loss: `CouncilObjective`
runs it), so that `python -m experiments.calibrate configs/calibration/council.yaml` runs
the same study. It writes

- `--params` (default `sim/council/fitted.json`): the best parameters, which `Council`
  reads for its defaults (one source of truth);
- `fit_trials.csv` beside it: every trial, its parameters, loss and model means;
- the generated section of `--docs` (default `sim/council/CALIBRATION.md`): the fitted
  values, model against record on the fit targets and on the held-out validation
  statistics (`VALIDATION`), the Council reforms and the ceasefire and concert checks, all
  at the fitted values on fresh seeds.

The fit runs the full model (the Council's co-voting feeds back on affinity); re-run it
whenever the world changes.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import yaml

from experiments.calibrate import (
    TARGETS_DIR,
    CalibrationError,
    Factor,
    Objective,
    Target,
    load,
    parse_ranges,
    run_study,
)
from experiments.store import replace_section
from sim import WorldModel
from sim.council.session import FITTED_PATH, Council

STATISTICS = {
    "resolutions_adopted": "Resolutions adopted",
    "drafts_vetoed": "Drafts vetoed",
    "vetoes_RUS": "Vetoes: Russia",
    "vetoes_CHN": "Vetoes: China",
    "vetoes_USA": "Vetoes: United States",
    "vetoes_GBR": "Vetoes: United Kingdom",
    "vetoes_FRA": "Vetoes: France",
    "joint_vetoes_RUS_CHN": "Joint vetoes: Russia with China",
    "lone_vetoes": "Lone vetoes",
}
#: Names of the fit's statistics that are not plotted (`STATISTICS`).
LABELS = {
    **STATISTICS,
    "drafts_not_adopted": "Drafts not adopted (vetoed or short of votes)",
    "resolutions_unanimous": "Resolutions adopted unanimously",
    "israel_vetoes_USA": "US vetoes on drafts about Israel",
    "syria_vetoes_RUS": "Russian vetoes on drafts about Syria",
}
#: Further yearly statistics of the model, compared with the record where it has them.
EXTRA = {
    "drafts_tabled": "Drafts tabled",
    "israel_vetoes_USA": "US vetoes on drafts about Israel",
    "syria_vetoes_RUS": "Russian vetoes on drafts about Syria",
    "rus_lone_vetoes": "Russian vetoes cast alone",
    "chn_abstains_rus_lone": "China abstains on a Russian lone veto",
    "chn_lone_vetoes": "Chinese vetoes cast alone",
}
#: The target file of the fit: parameters and ranges, fitted and held-out targets, loss.
COUNCIL_TARGETS = TARGETS_DIR / "council.yaml"
_FILE = yaml.safe_load(COUNCIL_TARGETS.read_text())
#: The fit's targets (per-year means of the record 2011-2024), in the loss's order.
FIT_TARGETS = tuple(name for name, body in _FILE["targets"].items() if body.get("fit") is True)
#: Held-out statistics (not in the loss).
VALIDATION = tuple(name for name, body in _FILE["targets"].items() if body.get("fit") is False)
#: The floor of the s.d. that standardises each error (a count's s.d. is at least that of a
#: rare event).
SD_FLOOR = float(_FILE["objective"]["sd_floor"])
BEGIN, END = "<!-- fit:begin -->", "<!-- fit:end -->"
#: The Council's rules compared in the documentation (sim.council.RULES).
REFORMS = ("charter", "charter_1945", "no_veto", "two_vetoes", "g4_veto", "g4_no_veto")
GREAT_POWERS = ("USA", "CHN", "RUS")


def council_record() -> pd.DataFrame:
    """The shipped record of the Council, 2011-2024, one row per year."""
    path = resources.files("sim") / "data" / "council_record_2011_2024.csv"
    with path.open() as handle:
        return pd.read_csv(handle)


# -- the free parameters ----------------------------------------------------------------

#: What a free parameter may be (the ranges of `configs/calibration/council.yaml` lie within).
PARAMETER_BOUNDS = {
    "drafts_per_year": (0.0, 10_000.0),
    "hopeless_draft_share": (0.0, 1.0),
    "yes_cut": (-math.inf, math.inf),
    "cut_gap": (0.0, math.inf),
    **{f"veto_cost_{code}": (0.0, math.inf) for code in ("RUS", "CHN", "USA", "GBR_FRA")},
    "joint_veto_share": (0.0, 1.0),
    "sponsor_weight": (0.0, math.inf),
    "subject_weight": (0.0, math.inf),
    "bloc_weight": (0.0, math.inf),
    "patron_weight": (0.0, math.inf),
    "patron_margin": (0.0, 0.99),
    "position_b": (0.01, math.inf),
    "agenda_weight_SYR": (0.0, math.inf),
    "agenda_weight_ISR": (0.0, math.inf),
}
#: Free parameters: name -> (low, high), as `configs/calibration/council.yaml` declares them.
#: `no_cut = yes_cut - cut_gap`; `veto_cost_GBR_FRA` is one cost for both; `position_b` is
#: b of `position_beta` (a stays 0.6).
FREE = {
    f.name: (f.low, f.high)
    for f in parse_ranges(_FILE["parameters"], f"{COUNCIL_TARGETS}: parameters", PARAMETER_BOUNDS)
}
POSITION_A = 0.6
#: Agenda countries whose weight among the subjects is fitted (the others weigh 1).
AGENDA_FITTED = ("SYR", "ISR")


def council_arguments(point: Mapping[str, float]) -> dict:
    """`Council` keyword arguments of a point of `FREE`."""
    costs = {
        "RUS": point["veto_cost_RUS"],
        "CHN": point["veto_cost_CHN"],
        "USA": point["veto_cost_USA"],
        "GBR": point["veto_cost_GBR_FRA"],
        "FRA": point["veto_cost_GBR_FRA"],
    }
    return {
        "drafts_per_year": float(point["drafts_per_year"]),
        "hopeless_draft_share": float(point["hopeless_draft_share"]),
        "yes_cut": float(point["yes_cut"]),
        "no_cut": float(point["yes_cut"] - point["cut_gap"]),
        "veto_cost": {code: float(costs[code]) for code in sorted(costs)},
        # a new veto holder (G4 rules) is assumed to bear the median permanent member's cost
        "default_veto_cost": float(np.median(list(costs.values()))),
        "joint_veto_share": float(point["joint_veto_share"]),
        "sponsor_weight": float(point["sponsor_weight"]),
        "subject_weight": float(point["subject_weight"]),
        "bloc_weight": float(point["bloc_weight"]),
        "patron_weight": float(point["patron_weight"]),
        "patron_margin": float(point["patron_margin"]),
        "position_beta": [POSITION_A, float(point["position_b"])],
        "agenda_weights": {code: float(point[f"agenda_weight_{code}"]) for code in AGENDA_FITTED},
    }


def free_point(arguments: Mapping) -> dict[str, float]:
    """The point of `FREE` of `Council` arguments (the inverse of `council_arguments`)."""
    cost = arguments["veto_cost"]
    point = {
        "drafts_per_year": arguments["drafts_per_year"],
        "hopeless_draft_share": arguments["hopeless_draft_share"],
        "yes_cut": arguments["yes_cut"],
        "cut_gap": arguments["yes_cut"] - arguments["no_cut"],
        "veto_cost_RUS": cost["RUS"],
        "veto_cost_CHN": cost["CHN"],
        "veto_cost_USA": cost["USA"],
        "veto_cost_GBR_FRA": (cost["GBR"] + cost["FRA"]) / 2,
        "joint_veto_share": arguments["joint_veto_share"],
        "sponsor_weight": arguments["sponsor_weight"],
        "subject_weight": arguments["subject_weight"],
        "bloc_weight": arguments["bloc_weight"],
        "patron_weight": arguments["patron_weight"],
        "patron_margin": arguments["patron_margin"],
        "position_b": arguments["position_beta"][1],
        **{
            f"agenda_weight_{code}": arguments.get("agenda_weights", {}).get(code, 1.0)
            for code in AGENDA_FITTED
        },
    }
    return {k: float(min(max(v, FREE[k][0]), FREE[k][1])) for k, v in point.items()}


# -- simulation ---------------------------------------------------------------------------


def year_statistics(council: Council, record: Mapping[str, np.ndarray]) -> dict[str, float]:
    """The yearly statistics of one session's record (`Council.drafts[k]`)."""
    codes = council.veto_holders()
    iso3 = np.asarray(council._iso3)
    vetoes = np.asarray(record["vetoes"])[:, : len(codes)]  # holders sit first
    vetoed = vetoes.any(axis=1)
    subject = np.where(record["subject"] >= 0, iso3[np.maximum(record["subject"], 0)], "")
    out = {
        "drafts_tabled": float(len(vetoed)),
        "resolutions_adopted": float(record["adopted"].sum()),
        "drafts_vetoed": float(vetoed.sum()),
        "drafts_not_adopted": float((~record["adopted"]).sum()),
        "resolutions_unanimous": float(
            (record["adopted"] & (np.asarray(record["votes"]) == 1).all(axis=1)).sum()
        ),
        "lone_vetoes": float((vetoes.sum(axis=1) == 1).sum()),
    }
    for seat, code in enumerate(codes):
        out[f"vetoes_{code}"] = float(vetoes[:, seat].sum())
    seat = {code: k for k, code in enumerate(codes)}
    rus = vetoes[:, seat["RUS"]] if "RUS" in seat else np.zeros(len(vetoed), bool)
    chn = vetoes[:, seat["CHN"]] if "CHN" in seat else np.zeros(len(vetoed), bool)
    usa = vetoes[:, seat["USA"]] if "USA" in seat else np.zeros(len(vetoed), bool)
    alone = vetoes.sum(axis=1) == 1
    out["joint_vetoes_RUS_CHN"] = float((rus & chn).sum())
    out["israel_vetoes_USA"] = float((usa & (subject == "ISR")).sum())
    out["syria_vetoes_RUS"] = float((rus & (subject == "SYR")).sum())
    out["rus_lone_vetoes"] = float((rus & alone).sum())
    out["chn_lone_vetoes"] = float((chn & alone).sum())
    if "CHN" in seat:
        chn_vote = np.asarray(record["votes"])[:, seat["CHN"]]
        out["chn_abstains_rus_lone"] = float((rus & alone & (chn_vote == 0)).sum())
    else:
        out["chn_abstains_rus_lone"] = 0.0
    return out


def simulate(
    replicates: int,
    years: int,
    seed: int = 2011,
    *,
    council: Mapping | None = None,
    rule: str = "charter",
    events: str = "status_quo",
    concert: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The Council's yearly statistics over replicates of the default world.

    Args:
        replicates: Number of runs (seeds spawned from `seed`: replicate r has the same
            seed whatever the other arguments, so points are compared on common random
            numbers).
        years: Years simulated per run (from 2025).
        seed: Root seed.
        council: `Council` keyword arguments (None: its defaults, `fitted.json`).
        rule: The Council's rule.
        events: The world's event set.
        concert: ISO3 codes of great powers held in a concert of strength 1 every year
            (None: the model's own `concert_*`).

    Returns:
        One row per replicate and simulated year: `year`, `replicate`, the columns of
        `STATISTICS` and `EXTRA` (and `vetoes_<ISO3>` of every veto holder).
    """
    rows = []
    for replicate, child in enumerate(np.random.SeedSequence(seed).spawn(replicates)):
        model = WorldModel(rng=np.random.default_rng(child), council_rule=rule, events=events)
        if council is not None:  # the same streams as the model's own Council
            model.council = Council(model, model.council.rule, **council)
        for _ in range(years):
            if concert is not None:
                model.concert_parties = np.array([model.row[c] for c in concert], dtype=int)
                model.concert_strength = 1.0
                model.concert_half_life = math.inf  # held: no decay this year
            model.step()
            stats = year_statistics(model.council, model.council.drafts[-1])
            rows.append({"year": model.year, "replicate": replicate, **stats})
    return pd.DataFrame(rows)


# -- model against record -----------------------------------------------------------------


def compare(model: pd.DataFrame, record: pd.DataFrame) -> pd.DataFrame:
    """Stack model and record into one long table: source, year, statistic, value."""
    frames = []
    for source, table in (("model", model), ("record 2011-2024", record)):
        long = table.melt(id_vars="year", value_vars=list(STATISTICS), var_name="statistic")
        frames.append(long.assign(source=source))
    return pd.concat(frames, ignore_index=True)


def targets(
    record: pd.DataFrame | None = None,
    names: tuple[str, ...] = FIT_TARGETS,
    sd_floor: float = SD_FLOOR,
) -> pd.DataFrame:
    """Fit targets: the record's yearly mean and the scale of its error, by statistic.

    `scale = max(sd, sd_floor) / sqrt(years)`: the standard error of the record's mean over
    the years that have the figure (14; 5 for the drafts not adopted, 3 for the unanimous).

    Args:
        record: The record (None: the shipped one).
        names: Columns of the record (default: the fit's targets).
        sd_floor: The floor of the s.d.
    """
    record = council_record() if record is None else record
    values = record[list(names)].astype(float)
    sd = values.std(ddof=1).clip(lower=sd_floor)
    return pd.DataFrame(
        {"record": values.mean(), "sd": values.std(ddof=1), "scale": sd / np.sqrt(values.count())}
    )


def loss(model: pd.DataFrame, goal: pd.DataFrame) -> float:
    """Sum over the fit targets of the squared standardised error of the yearly mean."""
    z = (model[list(goal.index)].mean() - goal["record"]) / goal["scale"]
    return float((z**2).sum())


def shares(model: pd.DataFrame) -> dict[str, float]:
    """The model's held-out shares and spreads (pooled over replicates and years)."""
    total = model.sum(numeric_only=True)

    def ratio(a: float, b: float) -> float:
        return float(a / b) if b else float("nan")

    return {
        "share_chn_joint": ratio(total["joint_vetoes_RUS_CHN"], total["vetoes_CHN"]),
        "share_rus_joint": ratio(total["joint_vetoes_RUS_CHN"], total["vetoes_RUS"]),
        "share_chn_abstains": ratio(total["chn_abstains_rus_lone"], total["rus_lone_vetoes"]),
        "short_of_votes": float((model["drafts_not_adopted"] - model["drafts_vetoed"]).mean()),
        "sd_resolutions_adopted": float(model["resolutions_adopted"].std()),
        "sd_drafts_vetoed": float(model["drafts_vetoed"].std()),
        "early_drafts_vetoed": float(model["drafts_vetoed"].mean()),
        "late_drafts_vetoed": float(model["drafts_vetoed"].mean()),
    }


def record_statistics(record: pd.DataFrame) -> dict[str, float]:
    """The record's value of the held-out statistics that are not a column's mean."""
    total = record.sum(numeric_only=True)
    return {
        "share_chn_joint": float(total["joint_vetoes_RUS_CHN"] / total["vetoes_CHN"]),
        "share_rus_joint": float(total["joint_vetoes_RUS_CHN"] / total["vetoes_RUS"]),
        "short_of_votes": float((record["drafts_not_adopted"] - record["drafts_vetoed"]).mean()),
        "sd_resolutions_adopted": float(record["resolutions_adopted"].std()),
        "sd_drafts_vetoed": float(record["drafts_vetoed"].std()),
        "early_drafts_vetoed": float(record.loc[record["year"] <= 2020, "drafts_vetoed"].mean()),
        "late_drafts_vetoed": float(record.loc[record["year"] >= 2021, "drafts_vetoed"].mean()),
    }


def statistics(model: pd.DataFrame, names: tuple[str, ...]) -> dict[str, float]:
    """The model's value of each named statistic: a yearly mean, or a held-out share."""
    held = shares(model)
    return {name: held[name] if name in held else float(model[name].mean()) for name in names}


def validation_table(model: pd.DataFrame) -> pd.DataFrame:
    """Held-out statistics, model against record (the targets with `fit: false`)."""
    calibration = load(COUNCIL_TARGETS)
    mine = statistics(model, tuple(t.name for t in calibration.held_out))
    return pd.DataFrame(
        [
            {
                "statistic": t.spec.get("label", t.name),
                "model": mine[t.name],
                "record": t.value,
                "record source": t.source,
            }
            for t in calibration.held_out
        ]
    )


def plot(table: pd.DataFrame, path: Path, replicates: int, years: int) -> None:
    """Box plots of each yearly statistic, model beside record."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, 2, figsize=(12, 4.5), layout="constrained", gridspec_kw={"width_ratios": [1, 4]}
    )
    groups = (("resolutions_adopted",), tuple(s for s in STATISTICS if s != "resolutions_adopted"))
    for ax, statistics in zip(axes, groups, strict=True):
        positions, data, colours = [], [], []
        for k, statistic in enumerate(statistics):
            for offset, (source, colour) in enumerate(
                (("model", "tab:blue"), ("record 2011-2024", "tab:orange"))
            ):
                chosen = (table["statistic"] == statistic) & (table["source"] == source)
                values = table.loc[chosen, "value"]
                positions.append(3 * k + offset)
                data.append(values.to_numpy(float))
                colours.append(colour)
        boxes = ax.boxplot(data, positions=positions, widths=0.8, patch_artist=True)
        for patch, colour in zip(boxes["boxes"], colours, strict=True):
            patch.set_facecolor(colour)
            patch.set_alpha(0.6)
        ax.set_xticks(
            [3 * k + 0.5 for k in range(len(statistics))],
            [STATISTICS[s] for s in statistics],
            rotation=20,
            ha="right",
        )
        ax.set_ylabel("Per year (count)")
    axes[0].set_title("Resolutions adopted")
    axes[1].set_title("Vetoed drafts and vetoes cast")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.6) for c in ("tab:blue", "tab:orange")]
    axes[1].legend(
        handles,
        [f"model 2025-{2024 + years} ({replicates} replicates)", "record 2011-2024"],
        loc="upper right",
    )
    fig.suptitle("The modelled Security Council against the record")
    fig.text(
        0.01,
        -0.02,
        "Record: UN press releases, Highlights of Security Council Practice, "
        "Security Council Report, DHL veto list (sim/data/council_record_2011_2024.csv).",
        fontsize=7,
        color="0.35",
    )
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


# -- the fit ------------------------------------------------------------------------------


#: The statistics a target may name: the yearly ones (`year_statistics`) and the shares.
YEARLY = (
    "drafts_tabled", "resolutions_adopted", "drafts_vetoed", "drafts_not_adopted",
    "resolutions_unanimous", "lone_vetoes", "joint_vetoes_RUS_CHN", "israel_vetoes_USA",
    "syria_vetoes_RUS", "rus_lone_vetoes", "chn_lone_vetoes", "chn_abstains_rus_lone",
    *(f"vetoes_{code}" for code in ("RUS", "CHN", "USA", "GBR", "FRA")),
)  # fmt: skip
HELD_SHARES = (
    "share_chn_joint", "share_rus_joint", "share_chn_abstains", "short_of_votes",
    "sd_resolutions_adopted", "sd_drafts_vetoed", "early_drafts_vetoed", "late_drafts_vetoed",
)  # fmt: skip


class CouncilObjective(Objective):
    """The Council's statistics in the default world against its record of 2011-2024.

    Parameters: the names of `PARAMETER_BOUNDS` (`council_arguments` turns a point into
    `Council` arguments). A target is a yearly statistic (`YEARLY`: its mean over replicates
    and years; record value: the csv column's mean, scale its standard error) or a held-out
    share or spread (`HELD_SHARES`, pooled; record value from the csv where the file gives
    none). Options: `years` simulated per replicate, `sd_floor` of the scales.
    """

    name: ClassVar[str] = "council"
    defaults: ClassVar[dict[str, Any]] = {"years": 14, "sd_floor": SD_FLOOR}
    target_keys: ClassVar[tuple[str, ...]] = ("label",)

    def __init__(self, options, where: str) -> None:
        """Check `years` and `sd_floor`."""
        super().__init__(options, where)
        years, floor = self.options["years"], self.options["sd_floor"]
        if isinstance(years, bool) or not isinstance(years, int) or years < 1:
            raise CalibrationError(f"{where}.years: expected a whole number >= 1, got {years!r}")
        if isinstance(floor, bool) or not isinstance(floor, int | float) or not floor > 0:
            raise CalibrationError(f"{where}.sd_floor: expected a number > 0, got {floor!r}")

    def parameters(self, spec, where: str) -> tuple[Factor, ...]:
        """Ranges of the Council's free parameters (`PARAMETER_BOUNDS`)."""
        return parse_ranges(spec, where, PARAMETER_BOUNDS)

    def check_target(self, target: Target, where: str) -> None:
        """A statistic the Council phase reports (`YEARLY`, `HELD_SHARES`)."""
        if target.name not in (*YEARLY, *HELD_SHARES):
            raise CalibrationError(
                f"{where}: not a statistic of the Council ({', '.join((*YEARLY, *HELD_SHARES))})"
            )

    def record(self, target: Target) -> tuple[float, float | None]:
        """The record's mean and its standard error, or the record's share or spread."""
        record = council_record()
        if target.name in record.columns:
            goal = targets(record, (target.name,), float(self.options["sd_floor"]))
            return float(goal.loc[target.name, "record"]), float(goal.loc[target.name, "scale"])
        computed = record_statistics(record)
        if target.name in computed:
            return computed[target.name], None
        return super().record(target)

    def evaluate(self, point, targets, replicates: int, seed: int) -> dict[str, float]:
        """`simulate` at the point's `Council` arguments; the targets' model values."""
        model = simulate(replicates, self.options["years"], seed, council=council_arguments(point))
        fitted = [t.name for t in targets if t.fit and t.name in model.columns]
        means = model[fitted].mean()  # as the fit always computed them: same trials
        values = {name: float(means[name]) for name in fitted}
        rest = tuple(t.name for t in targets if t.name not in values)
        return {**values, **statistics(model, rest)}

    def write_best(
        self, point, folder: Path, stem: str, *, command: str, loss: float
    ) -> tuple[Path, str]:
        """`fitted.json` in `folder`: the file `Council` reads its defaults from."""
        path = folder / "fitted.json"
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(fitted_document(council_arguments(point), command, loss))
        return path, f"cp {path} {FITTED_PATH} (the defaults sim.council.session.Council reads)"


def fitted_document(arguments: Mapping, command: str, best_loss: float | None) -> str:
    """The text of `fitted.json`: the `Council` arguments, the command, loss and targets."""
    return (
        json.dumps(
            {
                "about": (
                    "Fitted defaults of sim.council.session.Council, written by the command "
                    "below (targets and procedure: sim/council/CALIBRATION.md). Do not edit "
                    "by hand: re-run the fit."
                ),
                "command": command,
                "loss": None if best_loss is None else round(best_loss, 6),
                "targets": {k: round(float(v), 6) for k, v in targets()["record"].items()},
                "parameters": dict(arguments),
            },
            indent=2,
        )
        + "\n"
    )


def fit(trials: int, replicates: int, years: int, seed: int) -> tuple[dict, pd.DataFrame]:
    """Minimise `loss` over `FREE` with Optuna's seeded TPE sampler, trial by trial.

    The calibration of `configs/calibration/council.yaml` (`experiments.calibrate`), with
    `years` simulated a replicate. Every trial runs the same `replicates` seeds (common
    random numbers). The study depends only on the arguments and the world (not on the
    current `fitted.json`): the same command on the same world gives the same trials and the
    same best point.

    Returns:
        The best point of `FREE` and the trials table (one row per trial: `trial`, `loss`,
        the parameters, `model_<target>` of every target, fitted and held out).
    """
    calibration = load(
        COUNCIL_TARGETS, {"years": years}, trials=trials, replicates=replicates, seed=seed
    )
    study = run_study(calibration, progress=lambda line: print(line, flush=True))
    return study.best, study.table


def _markdown(frame: pd.DataFrame, digits: int = 2) -> str:
    """A plain markdown table (no extra dependency)."""

    def cell(value) -> str:
        if isinstance(value, float | np.floating):
            return "" if np.isnan(value) else f"{value:.{digits}f}"
        return str(value)

    lines = [
        "| " + " | ".join(map(str, frame.columns)) + " |",
        "|" + "---|" * len(frame.columns),
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join(lines)


def fit_report(
    arguments: Mapping,
    best_loss: float,
    command: str,
    wall_seconds: float,
    replicates: int,
    years: int,
    seed: int,
    trials: int,
) -> str:
    """The generated section of CALIBRATION.md: fitted values, fit, validation, checks."""
    record = council_record()
    check_replicates, check_seed = max(2 * replicates, 10), seed + 1
    model = simulate(check_replicates, years, check_seed, council=arguments)
    goal = targets(record)
    means, sds = model.mean(numeric_only=True), model.std(numeric_only=True)
    fit_rows = pd.DataFrame(
        {
            "statistic (per year)": [LABELS[k] for k in goal.index],
            "model mean": [means[k] for k in goal.index],
            "model s.d.": [sds[k] for k in goal.index],
            "record mean": goal["record"].to_numpy(),
            "record s.d.": goal["sd"].to_numpy(),
            "z": ((means[goal.index] - goal["record"]) / goal["scale"]).to_numpy(),
        }
    )
    valid = validation_table(model)
    params = [
        ("drafts_per_year", f"{arguments['drafts_per_year']:.1f}"),
        ("hopeless_draft_share", f"{arguments['hopeless_draft_share']:.2f}"),
        ("yes_cut, no_cut", f"{arguments['yes_cut']:.2f}, {arguments['no_cut']:.2f}"),
        (
            "veto_cost (c_i)",
            ", ".join(f"{k} {v:.2f}" for k, v in arguments["veto_cost"].items()),
        ),
        ("default_veto_cost (median of the five)", f"{arguments['default_veto_cost']:.2f}"),
        ("joint_veto_share (sigma)", f"{arguments['joint_veto_share']:.2f}"),
        (
            "sponsor_weight, subject_weight, bloc_weight",
            f"{arguments['sponsor_weight']:.2f}, {arguments['subject_weight']:.2f}, "
            f"{arguments['bloc_weight']:.2f}",
        ),
        (
            "patron_weight, patron_margin",
            f"{arguments['patron_weight']:.2f}, {arguments['patron_margin']:.3f}",
        ),
        (
            "position_beta",
            f"({arguments['position_beta'][0]}, {arguments['position_beta'][1]:.2f})",
        ),
    ]
    reform_rows = []
    for rule in REFORMS:
        table = simulate(check_replicates, years, check_seed, council=arguments, rule=rule)
        mean = table.mean(numeric_only=True)
        veto_columns = [c for c in table.columns if c.startswith("vetoes_")]
        top = sorted(((mean[c], c[7:]) for c in veto_columns), reverse=True)
        reform_rows.append(
            {
                "rule": rule,
                "tabled": mean["drafts_tabled"],
                "adopted": mean["resolutions_adopted"],
                "vetoed": mean["drafts_vetoed"],
                "joint RUS+CHN": mean["joint_vetoes_RUS_CHN"],
                "lone": mean["lone_vetoes"],
                "short of votes": mean["drafts_not_adopted"] - mean["drafts_vetoed"],
                "vetoes by member": ", ".join(f"{c} {v:.2f}" for v, c in top if v >= 0.005)
                or "none",
            }
        )
    checks = []
    for label, kwargs in (
        ("status quo", {}),
        ("ceasefire (2026)", {"events": "ceasefire"}),
        (
            "three-way summit (2026; the concert's strength halves every 3 years)",
            {"events": "three_way_summit"},
        ),
        ("concert USA-CHN-RUS held at strength 1", {"concert": GREAT_POWERS}),
    ):
        table = simulate(check_replicates, years, check_seed, council=arguments, **kwargs)
        mean = table.mean(numeric_only=True)
        checks.append(
            {
                "world": label,
                "adopted": mean["resolutions_adopted"],
                "vetoed": mean["drafts_vetoed"],
                "RUS": mean["vetoes_RUS"],
                "CHN": mean["vetoes_CHN"],
                "USA": mean["vetoes_USA"],
                "joint RUS+CHN": mean["joint_vetoes_RUS_CHN"],
            }
        )
    size = f"{check_replicates} replicates x {years} years, seeds `SeedSequence({check_seed})`"
    return "\n".join(
        [
            "<!-- generated by `python -m experiments.council_calibration --fit`; "
            "edits here are overwritten -->",
            "",
            f"Command: `{command}` ({trials} trials, each {replicates} replicates x {years} "
            f"years on the seeds `SeedSequence({seed}).spawn({replicates})`; wall time "
            f"{wall_seconds / 60:.1f} min). Best loss {best_loss:.2f} (sum of "
            f"{len(FIT_TARGETS)} squared z). The tables below are at the fitted values on "
            f"fresh seeds ({size}).",
            "",
            "### Fitted values (`sim/council/fitted.json`)",
            "",
            _markdown(pd.DataFrame(params, columns=["parameter", "value"])),
            "",
            "### Fit targets: model against record (per year)",
            "",
            _markdown(fit_rows),
            "",
            "### Validation: held-out statistics",
            "",
            _markdown(valid),
            "",
            "### Council reforms (same seeds, fitted values)",
            "",
            _markdown(pd.DataFrame(reform_rows)),
            "",
            "### Ceasefire and concert (Charter)",
            "",
            _markdown(pd.DataFrame(checks)),
        ]
    )


def write_docs(path: Path, section: str) -> None:
    """Replace the generated section of CALIBRATION.md (between `BEGIN` and `END`)."""
    replace_section(path, BEGIN, END, section)


def run_fit(args: argparse.Namespace) -> dict:
    """`--fit`: fit, write the parameters, the trials table and the docs' tables."""
    params_path = Path(args.params)
    began = time.perf_counter()
    best, table = fit(args.trials, args.replicates, args.years, args.seed)
    wall = time.perf_counter() - began
    arguments = council_arguments(best)
    command = (
        f"python -m experiments.council_calibration --fit --trials {args.trials} "
        f"--replicates {args.replicates} --years {args.years} --seed {args.seed}"
    )
    best_loss = float(table["loss"].min())
    params_path.parent.mkdir(parents=True, exist_ok=True)
    params_path.write_text(fitted_document(arguments, command, best_loss))
    table.to_csv(params_path.with_name("fit_trials.csv"), index=False, float_format="%.6g")
    if args.docs:
        section = fit_report(
            arguments, best_loss, command, wall, args.replicates, args.years, args.seed, args.trials
        )
        write_docs(Path(args.docs), section)
    print(json.dumps(arguments, indent=2))
    print(f"best loss {best_loss:.3f}; {args.trials} trials in {wall / 60:.1f} min")
    return arguments


def main(argv=None) -> pd.DataFrame | dict:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="fit the Council's free parameters")
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--years", type=int, default=14)
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument("--out", type=Path, default=Path("figures"))
    parser.add_argument("--params", type=Path, default=FITTED_PATH)
    parser.add_argument(
        "--docs", default=str(FITTED_PATH.with_name("CALIBRATION.md")), help="'' skips the docs"
    )
    args = parser.parse_args(argv)
    if args.fit:
        return run_fit(args)
    args.out.mkdir(parents=True, exist_ok=True)
    table = compare(simulate(args.replicates, args.years, args.seed), council_record())
    table.to_csv(args.out / "council_calibration.csv", index=False)
    plot(table, args.out / "council_calibration.png", args.replicates, args.years)
    summary = table.groupby(["statistic", "source"])["value"].mean().unstack()
    print(summary.round(2).to_string())
    print(f"wrote {args.out / 'council_calibration.png'}")
    return table


if __name__ == "__main__":
    main()
