"""A printed summary and a figure from recorded results (one job or a collected sweep).

Usage: `python -m experiments.report DIR` after `python -m experiments.collect DIR`: prints,
for each parameter point, the final year's outcomes over replicates (median [5%, 95%]) and
writes `DIR/gdp_shares.png` (one point: each tracked actor's GDP share by year) or
`DIR/polarity.png` (several points: median polarity by year, one line per point).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from sim.outcomes import TRACKED_ACTORS

SOURCES = (
    "Model: powershift WorldModel. Data: World Bank WDI (GDP 2024), COW trade 2010-2014 (gravity)."
)


def parameter_columns(table: pd.DataFrame) -> list[str]:
    """The parameter columns of a result table: those before `replicate` (but `job`)."""
    columns = list(table.columns)
    return [c for c in columns[: columns.index("replicate")] if c != "job"]


def varying(table: pd.DataFrame) -> list[str]:
    """The parameter columns that take more than one value (the swept parameters)."""
    return [c for c in parameter_columns(table) if table[c].nunique(dropna=False) > 1]


def describe(summary: pd.DataFrame) -> str:
    """The final year's outcomes over replicates, median [5%, 95%], for one point."""
    year = int(summary["year"].iloc[0])
    lines = [f"{len(summary)} replicates, final year {year}: median [5%, 95%]"]
    for actor in TRACKED_ACTORS:
        for kind in ("gdp", "capability"):
            q = summary[f"{kind}_share_{actor}"].quantile([0.05, 0.5, 0.95]) * 100
            lines.append(
                f"  {kind} share {actor:>3}: {q[0.5]:5.1f}% [{q[0.05]:5.1f}, {q[0.95]:5.1f}]"
            )
    lines.append(
        f"  polarity: {summary['polarity'].median():.2f}; Russia and China still aligned in "
        f"{int(summary['ru_cn_aligned'].sum())} of {len(summary)} replicates"
    )
    passes = summary["year_gdp_CHN_passes_USA"]
    lines.append(
        f"  China's GDP passes the US's in {passes.notna().sum()} of {len(summary)} "
        f"replicates (median year {passes.median():.0f})"
        if passes.notna().any()
        else "  China's GDP does not pass the US's in any replicate"
    )
    if "resolutions_adopted" in summary:
        lines.append(
            f"  Council, final year: median {summary['resolutions_adopted'].median():.0f} "
            f"resolutions adopted of {summary['drafts_tabled'].median():.0f} drafts tabled"
        )
    return "\n".join(lines)


def describe_points(summary: pd.DataFrame) -> str:
    """`describe` for each parameter point of a collected summary table."""
    swept = varying(summary)
    if not swept:
        return describe(summary)
    blocks = []
    for values, group in summary.groupby(swept, dropna=False, sort=True):
        values = values if isinstance(values, tuple) else (values,)
        label = ", ".join(f"{k}={v}" for k, v in zip(swept, values, strict=True))
        blocks.append(f"{label}\n{describe(group)}")
    return "\n\n".join(blocks)


def plot_gdp_shares(steps: pd.DataFrame, path: Path) -> None:
    """Median GDP share of each tracked actor by year, with the 5-95% band over replicates.

    Args:
        steps: A `steps` table of one parameter point.
        path: PNG file to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    by_year = steps.groupby("year")
    for actor in TRACKED_ACTORS:
        quantiles = by_year[f"gdp_share_{actor}"].quantile([0.05, 0.5, 0.95]).unstack()
        (line,) = ax.plot(quantiles.index, 100 * quantiles[0.5], label=actor)
        ax.fill_between(
            quantiles.index,
            100 * quantiles[0.05],
            100 * quantiles[0.95],
            color=line.get_color(),
            alpha=0.2,
            linewidth=0,
        )
    replicates = steps.groupby(["job", "replicate"] if "job" in steps else "replicate").ngroups
    ax.set(
        xlabel="Year",
        ylabel="Share of world GDP (%)",
        title=f"GDP shares, median and 5-95% band over {replicates} replicates",
    )
    ax.legend(title="Actor", ncols=5, loc="upper center")
    fig.get_layout_engine().set(rect=(0, 0.03, 1, 0.97))  # room for the sources line
    fig.text(0.01, 0.005, SOURCES, fontsize=7, color="0.35")
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_polarity(steps: pd.DataFrame, path: Path) -> None:
    """Median polarity by year, one line per parameter point.

    Args:
        steps: A collected `steps` table of several points.
        path: PNG file to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    swept = varying(steps)
    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    for values, group in steps.groupby(swept, dropna=False, sort=True):
        values = values if isinstance(values, tuple) else (values,)
        label = ", ".join(f"{k}={v}" for k, v in zip(swept, values, strict=True))
        median = group.groupby("year")["polarity"].median()
        ax.plot(median.index, median.to_numpy(), label=label)
    ax.set(xlabel="Year", ylabel="Effective number of poles", title="Polarity, median")
    ax.legend(fontsize=7)
    fig.get_layout_engine().set(rect=(0, 0.03, 1, 0.97))  # room for the sources line
    fig.text(0.01, 0.005, SOURCES, fontsize=7, color="0.35")
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> int:
    """Command line: print the summary and write the figure of a collected folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder written by experiments.collect")
    args = parser.parse_args(argv)
    summary = pd.read_parquet(args.folder / "summary.parquet")
    steps = pd.read_parquet(args.folder / "steps.parquet")
    print(describe_points(summary))
    if varying(steps):
        figure = args.folder / "polarity.png"
        plot_polarity(steps, figure)
    else:
        figure = args.folder / "gdp_shares.png"
        plot_gdp_shares(steps, figure)
    print(f"figure: {figure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
