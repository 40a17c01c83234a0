"""Score hindcasts: the model started from the world of 2000 (or 2014), against what happened.

Usage:
    python -m experiments.run -m experiment=hindcast hydra.sweep.dir=multirun/hindcast/paper
    python -m experiments.hindcast multirun/hindcast/paper [--write-docs] [--figure FILE]

`experiment=hindcast` runs one job per start (`configs/hindcast/`: `world_2000` 24 years and
`world_2014` 10 years, to 2024), recording the per-country table. This module scores every
replicate against the record, read from the shipped tables of the later worlds (`world_2014`,
`world_2024`: World Bank GDP in current US$, UNGA ideal points, memberships) and the Council
record (`sim/data/council_record_2011_2024.csv`), never from constants:

- GDP (over the members present at the start and in the record year): the shares of world
  GDP of the largest economies and the EU, the China / US ratio, the Spearman rank
  correlation and the mean absolute error of the log GDP share over all members; the same
  scores for two naive baselines, by the same function: `frozen` shares (every country grows
  at the world rate) and `own trend` (every country grows at its start-year trend);
- alignment: each country's simulated affinity with the United States, China and Russia in
  the record year against its ideal-point similarity with them that year (Pearson r over
  countries), with the start year's similarity as the naive baseline;
- blocs: where the members of the clubs of the record year (BRICS, SCO) stand in the
  simulated blocs, and whether Russia and China are aligned;
- the Council: simulated yearly adoptions and vetoes against the record, over the record's
  years (2011-2024; its parameters were fitted to these years, `sim/council/CALIBRATION.md`,
  so this is an in-sample check, not a validation).

Every score of the model is reported as the median over replicates and its 5-95% range, and
for the ensemble (the geometric mean of the replicates' shares).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from sim.blocs import initial_blocs
from sim.diplomacy import ideological_similarity
from sim.world import load_world

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "VALIDATION.md"
#: Where `--write-docs` puts the figure (VALIDATION.md shows it).
DOCS_FIGURE = ROOT / "docs" / "figures" / "hindcast_gdp_2024.png"
COUNCIL_RECORD = ROOT / "sim" / "data" / "council_record_2011_2024.csv"
#: The economies whose shares of world GDP are scored (the EU is scored as well).
ECONOMIES = ("USA", "CHN", "JPN", "DEU", "IND", "RUS", "GBR", "FRA", "BRA")
#: The great powers whose affinities are scored.
POWERS = ("USA", "CHN", "RUS")
#: The shipped worlds that hold the record, by year.
RECORD_WORLDS = {2014: "world_2014", 2024: "world_2024"}
#: The naive baselines, scored as the model is.
BASELINES = ("frozen", "own_trend")
BEGIN = "<!-- hindcast:begin -->"
END = "<!-- hindcast:end -->"


# -- scores -----------------------------------------------------------------------------


def gdp_scores(predicted: pd.Series, actual: pd.Series, eu: set[str]) -> dict[str, float]:
    """Score predicted GDP (any scale: shares or dollars) against actual GDP, by ISO3 code.

    Both are restricted to the countries they share and turned into shares of that total.

    Args:
        predicted: GDP or GDP share by ISO3 code.
        actual: Recorded GDP by ISO3 code.
        eu: The EU's members in the record year (its share is their sum).

    Returns:
        `share_<ISO3>` for `ECONOMIES`, `share_EU`, `china_us_ratio`, `spearman` (rank
        correlation over countries), `mae_log_share` (mean absolute error of the natural log
        of the shares) and `countries` (how many were scored).
    """
    common = predicted.index.intersection(actual.index)
    p = predicted[common] / predicted[common].sum()
    a = actual[common] / actual[common].sum()
    scores = {f"share_{code}": float(p.get(code, np.nan)) for code in ECONOMIES}
    scores["share_EU"] = float(p[p.index.isin(eu)].sum())
    scores["china_us_ratio"] = float(p.get("CHN", np.nan) / p.get("USA", np.nan))
    scores["spearman"] = float(spearmanr(p.to_numpy(), a.to_numpy()).statistic)
    scores["mae_log_share"] = float(np.mean(np.abs(np.log(p) - np.log(a))))
    scores["countries"] = float(len(common))
    return scores


def baseline_gdp(start: pd.DataFrame, years: int, kind: str) -> pd.Series:
    """A naive baseline's GDP `years` after the start, by ISO3 code.

    Args:
        start: The start world's country table.
        years: Years after the start.
        kind: "frozen" (shares stay as they were) or "own_trend" (each country grows at its
            start-year trend for ever).
    """
    gdp = start.set_index("iso3")["gdp_usd"].astype(float)
    if kind == "frozen":
        return gdp
    if kind == "own_trend":
        return gdp * (1.0 + start.set_index("iso3")["trend_growth"].astype(float)) ** years
    raise ValueError(f"baseline: expected one of {BASELINES}, got {kind!r}")


def error_drivers(predicted: pd.Series, actual: pd.Series, start: pd.DataFrame) -> dict[str, float]:
    """Correlations over countries of the error of log GDP shares with start-year traits.

    Args:
        predicted: GDP or GDP share by ISO3 code.
        actual: Recorded GDP by ISO3 code.
        start: The start world's country table.

    Returns:
        `error_vs_trend`, `error_vs_income` (log GDP per head) and `error_vs_price` (log price
        level, over the countries that have one): Pearson r of (log predicted share - log
        actual share) with each.
    """
    table = start.set_index("iso3")
    common = predicted.index.intersection(actual.index).intersection(table.index)
    error = np.log(predicted[common] / predicted[common].sum())
    error -= np.log(actual[common] / actual[common].sum())
    table = table.loc[common]
    traits = {
        "trend": table["trend_growth"].astype(float),
        "income": np.log(table["gdp_usd"].astype(float) / table["population"].astype(float)),
        "price": np.log(table["price_level"].astype(float)),
    }
    scores = {}
    for name, trait in traits.items():
        known = trait.notna()
        scores[f"error_vs_{name}"] = float(np.corrcoef(error[known], trait[known])[0, 1])
    return scores


def similarity_to_powers(countries: pd.DataFrame) -> pd.DataFrame:
    """Each country's ideal-point similarity with each great power (rows: ISO3 codes)."""
    iso3 = countries["iso3"].to_numpy(str)
    similarity = ideological_similarity(countries["ideal_point"].to_numpy(float))
    row = {code: i for i, code in enumerate(iso3)}
    return pd.DataFrame(
        {p: similarity[:, row[p]] for p in POWERS if p in row}, index=pd.Index(iso3, name="iso3")
    )


def alignment_scores(predicted: pd.DataFrame, actual: pd.DataFrame) -> dict[str, float]:
    """Pearson r over countries (the powers themselves left out) of each power's column."""
    scores = {}
    for power in POWERS:
        if power not in predicted or power not in actual:
            continue
        common = predicted.index.intersection(actual.index).drop(list(POWERS), errors="ignore")
        x, y = predicted.loc[common, power], actual.loc[common, power]
        scores[f"r_affinity_{power}"] = float(np.corrcoef(x, y)[0, 1])
    return scores


def club_positions(blocs: pd.Series, record: pd.DataFrame) -> dict[str, float]:
    """Shares of each club's record-year members in the simulated West, Eurasia or neither."""
    scores = {}
    for club in ("brics", "sco"):
        members = record.loc[record[club].astype(bool), "iso3"]
        where = blocs.reindex(members).fillna("nonaligned")
        for side in ("West", "Eurasia"):
            scores[f"{club}_in_{side}"] = float((where == side).mean())
    scores["ru_cn_aligned"] = float(
        blocs.get("RUS") == blocs.get("CHN") and blocs.get("RUS") not in (None, "nonaligned")
    )
    return scores


# -- a sweep's scores ----------------------------------------------------------------------


def load_sweep(root: Path, allow_incomplete: bool = False) -> dict[str, pd.DataFrame]:
    """The `countries` and `steps` tables of a hindcast sweep (merged by `experiments.collect`).

    Raises:
        SystemExit: Jobs are missing or failed (without `allow_incomplete`), or the sweep
            recorded no per-country table.
    """
    from experiments.collect import collect, report

    tables, states = collect(Path(root))
    if not allow_incomplete and not all(state.complete for state in states):
        raise SystemExit(report(states, Path(root)))
    if "countries" not in tables:
        raise SystemExit(f"{root}: no countries table: run experiment=hindcast (it records one)")
    return {"countries": tables["countries"].to_pandas(), "steps": tables["steps"]}


def score_start(countries: pd.DataFrame, steps: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Every score of one start world's runs, against every record year after the start.

    Returns:
        One row per (record year, source, replicate): source "model" (replicate 0, 1, ...),
        "ensemble", "frozen" and "own_trend" (replicate -1), and "record" (the actual
        values), with the score columns.
    """
    start = load_world(scenario)
    rows = []
    last = int(countries["year"].max())
    for year, record_name in RECORD_WORLDS.items():
        if not start.year < year <= last:
            continue
        record = load_world(record_name).countries
        actual = record.set_index("iso3")["gdp_usd"].astype(float)
        eu = set(record.loc[record["eu"].astype(bool), "iso3"])
        similarity = similarity_to_powers(record)
        at = countries[countries["year"] == year]
        base = {"start": scenario, "year": year}
        for replicate, group in at.groupby("replicate", sort=True):
            group = group.set_index("iso3")
            affinity = group[[f"affinity_{p}" for p in POWERS]]
            affinity.columns = list(POWERS)
            rows.append(
                {
                    **base,
                    "source": "model",
                    "replicate": int(replicate),
                    **gdp_scores(group["gdp_share"], actual, eu),
                    **alignment_scores(affinity, similarity),
                    **club_positions(group["bloc"].astype(str), record),
                }
            )
        shares = at.pivot(index="iso3", columns="replicate", values="gdp_share")
        ensemble = np.exp(np.log(shares).mean(axis=1))
        rows.append({**base, "source": "ensemble", "replicate": -1,
                     **gdp_scores(ensemble, actual, eu),
                     **error_drivers(ensemble, actual, start.countries)})  # fmt: skip
        for kind in BASELINES:
            predicted = baseline_gdp(start.countries, year - start.year, kind)
            row = {**base, "source": kind, "replicate": -1, **gdp_scores(predicted, actual, eu),
                   **error_drivers(predicted, actual, start.countries)}  # fmt: skip
            if kind == "frozen":
                row.update(alignment_scores(similarity_to_powers(start.countries), similarity))
            rows.append(row)
        record_world = load_world(record_name)
        _, bloc = initial_blocs(record, year, record_world.politics.blocs)
        names = [spec.name for spec in record_world.politics.blocs]
        record_blocs = pd.Series([names[b] if b >= 0 else "nonaligned" for b in bloc],
                                 index=record["iso3"].to_numpy(str))  # fmt: skip
        record_row = {**gdp_scores(actual, actual, eu), **club_positions(record_blocs, record)}
        rows.append({**base, "source": "record", "replicate": -1, **record_row})
    return pd.DataFrame(rows)


def council_scores(steps: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Mean yearly adoptions and vetoes per member, simulated and recorded.

    Simulated: the median over replicates; both over the record's years the run covers.
    """
    record = pd.read_csv(COUNCIL_RECORD)
    start = load_world(scenario).year  # its row is the start's state, not a simulated year
    run = steps[(steps["scenario"] == scenario) & steps["year"].isin(record["year"])]
    run = run[run["year"] > start]
    years = sorted(set(run["year"]))
    if not years:
        return pd.DataFrame()
    record = record[record["year"].isin(years)]
    columns = [c for c in ("resolutions_adopted", "drafts_vetoed") if c in run]
    columns += [c for c in run if c.startswith("vetoes_") and c in record]
    simulated = run.groupby("replicate")[columns].mean().median()
    table = pd.DataFrame({"simulated": simulated, "record": record[columns].mean()})
    table.insert(0, "years", f"{years[0]}-{years[-1]}")
    table.insert(0, "start", scenario)
    return table.rename_axis("outcome").reset_index()


def summarise(scores: pd.DataFrame) -> pd.DataFrame:
    """Median and 5-95% range over replicates of the model; the others as they are."""
    value_columns = [c for c in scores if c not in ("start", "year", "source", "replicate")]
    parts = []
    for (start, year, source), group in scores.groupby(["start", "year", "source"], sort=False):
        values = group[value_columns]
        row = {"start": start, "year": year, "source": source}
        if source == "model":
            for stat, q in (("", 0.5), ("_p05", 0.05), ("_p95", 0.95)):
                row.update({f"{c}{stat}": values[c].quantile(q) for c in value_columns})
        else:
            row.update(values.iloc[0].to_dict())
        parts.append(row)
    return pd.DataFrame(parts)


def score(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """All scores of a hindcast sweep's tables.

    Returns:
        `scores` (per replicate), `summary`, `council` and `verdict` (the model's GDP error
        against the baselines').
    """
    countries, steps = tables["countries"], tables["steps"]
    scores, council = [], []
    for scenario, rows in countries.groupby("scenario", sort=True):
        scores.append(score_start(rows, steps, str(scenario)))
        council.append(council_scores(steps, str(scenario)))
    scores = pd.concat(scores, ignore_index=True)
    summary = summarise(scores)
    return {"scores": scores, "summary": summary, "council": pd.concat(council),
            "verdict": verdict(summary)}  # fmt: skip


def verdict(summary: pd.DataFrame) -> pd.DataFrame:
    """The model's GDP error against the baselines', for each start and record year.

    The median error of the log GDP share over replicates (and its 5-95% range), the
    ensemble's, each baseline's, and whether the model's median beats both baselines.
    """
    rows = []
    for (start, year), group in summary.groupby(["start", "year"], sort=False):
        by = group.set_index("source")
        model = by.loc["model"]
        row = {"start": start, "year": year, "model": model["mae_log_share"],
               "model_p05": model["mae_log_share_p05"], "model_p95": model["mae_log_share_p95"],
               "ensemble": by.loc["ensemble", "mae_log_share"]}  # fmt: skip
        row.update({kind: by.loc[kind, "mae_log_share"] for kind in BASELINES})
        row["beats_both"] = bool(all(row["model"] < row[kind] for kind in BASELINES))
        rows.append(row)
    return pd.DataFrame(rows)


# -- report -------------------------------------------------------------------------------


def fmt(x: float, digits: int = 3) -> str:
    """A number for the report ("" when missing)."""
    return "" if pd.isna(x) else f"{x:.{digits}g}" if abs(x) < 1 else f"{x:.{digits}f}"


def table_lines(rows: pd.DataFrame, columns: list[str], cell=None) -> list[str]:
    """A Markdown table of `rows`: the start, year and source, then `columns`.

    Args:
        rows: Summary rows.
        columns: The score columns to show.
        cell: `cell(row, column)` -> text (default: the value, formatted).
    """
    cell = cell or (lambda row, column: fmt(row.get(column)))
    lines = ["| start | year | source | " + " | ".join(columns) + " |",
             "|---|---|---|" + "---|" * len(columns)]  # fmt: skip
    for _, row in rows.iterrows():
        cells = " | ".join(cell(row, column) for column in columns)
        lines.append(f"| {row['start']} | {row['year']} | {row['source']} | {cells} |")
    return lines


def markdown(
    summary: pd.DataFrame, council: pd.DataFrame, verdicts: pd.DataFrame | None = None
) -> str:
    """The report's tables (the verdict, GDP, error drivers, alignment, Council), as Markdown."""
    lines = []
    if verdicts is not None:
        lines += ["| start | year | model: MAE of log GDP share (5-95%) | ensemble | frozen shares"
                  " | own trend | beats both |", "|---|---|---|---|---|---|---|"]  # fmt: skip
        for _, v in verdicts.iterrows():
            lines.append(
                f"| {v['start']} | {v['year']} | {fmt(v['model'])} ({fmt(v['model_p05'])}-"
                f"{fmt(v['model_p95'])}) | {fmt(v['ensemble'])} | {fmt(v['frozen'])} | "
                f"{fmt(v['own_trend'])} | {'yes' if v['beats_both'] else 'no'} |"
            )
        lines.append("")

    def with_range(row: pd.Series, column: str) -> str:
        text = fmt(row[column])
        if row["source"] == "model" and f"{column}_p05" in row:
            text += f" ({fmt(row[f'{column}_p05'])}-{fmt(row[f'{column}_p95'])})"
        return text

    gdp = ["mae_log_share", "spearman", "china_us_ratio", "share_USA", "share_CHN", "share_JPN",
           "share_DEU", "share_IND", "share_RUS", "share_EU"]  # fmt: skip
    lines += table_lines(summary, gdp, with_range)
    drivers = ["error_vs_trend", "error_vs_income", "error_vs_price"]
    lines += ["", *table_lines(summary[summary["source"].isin(["ensemble", *BASELINES])], drivers)]
    align = [c for c in summary if c.startswith("r_affinity_") and not c.endswith(("_p05", "_p95"))]
    align += [c for c in summary if c.endswith(("_in_West", "_in_Eurasia")) or c == "ru_cn_aligned"]
    rows = summary[summary["source"].isin(["model", "frozen", "record"])]
    lines += ["", *table_lines(rows, align)]
    lines += ["", "| start | years | outcome | simulated | record |", "|---|---|---|---|---|"]
    for _, row in council.iterrows():
        lines.append(f"| {row['start']} | {row['years']} | {row['outcome']} | "
                     f"{fmt(row['simulated'])} | {fmt(row['record'])} |")  # fmt: skip
    return "\n".join(lines)


def plot(countries_by_start: Mapping[str, pd.DataFrame], path: Path) -> None:
    """Simulated against actual 2024 GDP shares, log-log, with the baselines (one panel a start)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    record = load_world(RECORD_WORLDS[2024]).countries.set_index("iso3")["gdp_usd"].astype(float)
    starts = sorted(countries_by_start)
    fig, axes = plt.subplots(1, len(starts), figsize=(5.2 * len(starts), 4.8), squeeze=False)
    for ax, scenario in zip(axes[0], starts, strict=True):
        start = load_world(scenario)
        at = countries_by_start[scenario]
        at = at[at["year"] == 2024]
        shares = at.pivot(index="iso3", columns="replicate", values="gdp_share")
        series = {
            "model (ensemble)": np.exp(np.log(shares).mean(axis=1)),
            **{k: baseline_gdp(start.countries, 2024 - start.year, k) for k in BASELINES},
        }
        for (label, predicted), style in zip(series.items(), ("o", "x", "+"), strict=True):
            common = predicted.index.intersection(record.index)
            p = predicted[common] / predicted[common].sum()
            a = record[common] / record[common].sum()
            mae = np.mean(np.abs(np.log(p) - np.log(a)))
            ax.scatter(a, p, s=12, marker=style, alpha=0.7, label=f"{label}: MAE log {mae:.3f}")
        ax.plot([1e-6, 1], [1e-6, 1], color="grey", lw=0.8)
        ax.set(xscale="log", yscale="log", xlim=(1e-6, 0.5), ylim=(1e-6, 0.5),
               xlabel="actual share of world GDP, 2024", ylabel="simulated share, 2024",
               title=f"from {start.year}")  # fmt: skip
        ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> int:
    """Score a hindcast sweep: write its tables (and figure) into it, print the report."""
    parser = argparse.ArgumentParser(prog="python -m experiments.hindcast", description=__doc__)
    parser.add_argument("root", type=Path, help="a sweep folder of experiment=hindcast")
    parser.add_argument("--allow-incomplete", action="store_true")
    parser.add_argument("--write-docs", action="store_true",
                        help="update docs/VALIDATION.md and its figure")  # fmt: skip
    args = parser.parse_args(argv)
    tables = load_sweep(args.root, args.allow_incomplete)
    result = score(tables)
    for name in ("scores", "summary", "council", "verdict"):
        result[name].to_csv(args.root / f"hindcast_{name}.csv", index=False)
    by_start = {str(s): rows for s, rows in tables["countries"].groupby("scenario")}
    figure = args.root / "hindcast_gdp_2024.png"
    plot(by_start, figure)
    text = markdown(result["summary"], result["council"], result["verdict"])
    print(text)
    print(f"\nwrote hindcast_scores.csv, _summary, _council, _verdict and {figure.name} in"
          f" {args.root}")  # fmt: skip
    if args.write_docs:
        from experiments.store import replace_section

        DOCS_FIGURE.parent.mkdir(parents=True, exist_ok=True)
        DOCS_FIGURE.write_bytes(figure.read_bytes())
        replace_section(DOCS, BEGIN, END, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
