"""The modelled Security Council against the record of 2011-2024, as a figure and a table.

Usage: `python -m experiments.council_calibration [--replicates 20] [--years 14] [--out DIR]`.
Runs the default world (status quo) for `years` years, `replicates` times, and compares the
yearly statistics of the Council phase with `sim/data/council_record_2011_2024.csv`
(sources and the verification of every figure in `sim/council/CALIBRATION.md`). Writes
`council_calibration.png` and `council_calibration.csv` (model and record, one row per
year and source) into `--out` (default `figures/`).
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sim import WorldModel

STATISTICS = {
    "resolutions_adopted": "Resolutions adopted",
    "drafts_vetoed": "Drafts vetoed",
    "vetoes_RUS": "Vetoes: Russia",
    "vetoes_CHN": "Vetoes: China",
    "vetoes_USA": "Vetoes: United States",
    "vetoes_GBR": "Vetoes: United Kingdom",
    "vetoes_FRA": "Vetoes: France",
}


def council_record() -> pd.DataFrame:
    """The shipped record of the Council, 2011-2024, one row per year."""
    path = resources.files("sim") / "data" / "council_record_2011_2024.csv"
    with path.open() as handle:
        return pd.read_csv(handle)


def simulate(replicates: int, years: int, seed: int = 2011) -> pd.DataFrame:
    """The Council's yearly statistics over replicates of the default world.

    Args:
        replicates: Number of runs (seeds spawned from `seed`).
        years: Years simulated per run (from 2025).
        seed: Root seed.

    Returns:
        One row per replicate and simulated year, with the columns of `STATISTICS`.
    """
    tables = []
    for replicate, child in enumerate(np.random.SeedSequence(seed).spawn(replicates)):
        model = WorldModel(rng=np.random.default_rng(child))
        for _ in range(years):
            model.step()
        table = model.datacollector.get_model_vars_dataframe().iloc[1:]
        tables.append(table[["year", *STATISTICS]].assign(replicate=replicate))
    return pd.concat(tables, ignore_index=True)


def compare(model: pd.DataFrame, record: pd.DataFrame) -> pd.DataFrame:
    """Stack model and record into one long table: source, year, statistic, value."""
    frames = []
    for source, table in (("model", model), ("record 2011-2024", record)):
        long = table.melt(id_vars="year", value_vars=list(STATISTICS), var_name="statistic")
        frames.append(long.assign(source=source))
    return pd.concat(frames, ignore_index=True)


def plot(table: pd.DataFrame, path: Path, replicates: int, years: int) -> None:
    """Box plots of each yearly statistic, model beside record."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, 2, figsize=(11, 4.5), layout="constrained", gridspec_kw={"width_ratios": [1, 3]}
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
        "Security Council Report (sim/data/council_record_2011_2024.csv).",
        fontsize=7,
        color="0.35",
    )
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def main(argv=None) -> pd.DataFrame:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--years", type=int, default=14)
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument("--out", type=Path, default=Path("figures"))
    args = parser.parse_args(argv)
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
