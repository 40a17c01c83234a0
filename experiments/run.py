"""Run one parameter point: `replicates` runs of `WorldModel`, tables and a figure.

Usage: `python -m experiments.run [key=value ...]` (see `configs/config.yaml`). Writes into the
Hydra job folder `steps.parquet` (one row per replicate and year), `summary.parquet` (one row
per replicate) and `gdp_shares.png`, and prints a summary. Replicate seeds are spawned from
`seed` with `numpy.random.SeedSequence`, so a run is the same bit for bit wherever it runs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import hydra
import numpy as np
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim import WorldModel
from sim.outcomes import TRACKED_ACTORS


def run_replicates(
    scenario: str,
    steps: int,
    replicates: int,
    seed: int,
    start_year: int = 2024,
    **model_kwargs,
) -> pd.DataFrame:
    """Run `replicates` models for `steps` years each and stack their yearly outcomes.

    Args:
        scenario: Scenario name or folder.
        steps: Years to simulate.
        replicates: Number of runs.
        seed: Root seed; replicate r uses the r-th child of `SeedSequence(seed)`.
        start_year: Year of the scenario's data.
        **model_kwargs: Further `WorldModel` keyword arguments.

    Returns:
        One row per replicate and year (the initial year included), with `replicate` and
        `seed` columns first.
    """
    tables = []
    for replicate, child in enumerate(np.random.SeedSequence(seed).spawn(replicates)):
        model = WorldModel(
            scenario, start_year=start_year, rng=np.random.default_rng(child), **model_kwargs
        )
        for _ in range(steps):
            model.step()
        table = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        table.insert(0, "replicate", replicate)
        table.insert(1, "seed", seed)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def summarise(steps: pd.DataFrame) -> pd.DataFrame:
    """One row per replicate: the final year's outcomes.

    Event years (the Russia-China split, China passing the United States) are outcomes the
    model carries forward, so the final row holds them.

    Args:
        steps: Output of `run_replicates`.

    Returns:
        The summary table.
    """
    return steps.groupby("replicate").tail(1).reset_index(drop=True)


def write_parquet(table: pd.DataFrame, path: Path) -> None:
    """Write a table atomically: a killed job never leaves a half-written file behind.

    Args:
        table: The table.
        path: Destination.
    """
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        table.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def plot_gdp_shares(steps: pd.DataFrame, path: Path) -> None:
    """Median GDP share of each tracked actor by year, with the 5-95% band over replicates.

    Args:
        steps: Output of `run_replicates`.
        path: PNG file to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    by_year = steps.groupby("year")
    for actor in TRACKED_ACTORS:
        column = f"gdp_share_{actor}"
        quantiles = by_year[column].quantile([0.05, 0.5, 0.95]).unstack()
        (line,) = ax.plot(quantiles.index, 100 * quantiles[0.5], label=actor)
        ax.fill_between(
            quantiles.index,
            100 * quantiles[0.05],
            100 * quantiles[0.95],
            color=line.get_color(),
            alpha=0.2,
            linewidth=0,
        )
    replicates = steps["replicate"].nunique()
    ax.set(
        xlabel="Year",
        ylabel="Share of world GDP (%)",
        title=f"GDP shares, median and 5-95% band over {replicates} replicates",
    )
    ax.legend(title="Actor", ncols=5, loc="upper center")
    fig.text(
        0.01,
        0.005,
        "Model: powershift WorldModel. Data: World Bank WDI (GDP 2024), "
        "COW trade 2010-2014 (gravity).",
        fontsize=7,
        color="0.35",
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run(cfg: DictConfig, out_dir: Path) -> dict[str, pd.DataFrame]:
    """Run the configured parameter point and write its tables (and figure) into `out_dir`.

    Args:
        cfg: The composed config (see `configs/config.yaml`).
        out_dir: Job folder.

    Returns:
        The `steps` and `summary` tables.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    model_kwargs = OmegaConf.to_container(cfg.model, resolve=True)
    steps = run_replicates(
        cfg.scenario, cfg.steps, cfg.replicates, cfg.seed, cfg.start_year, **model_kwargs
    )
    summary = summarise(steps)
    write_parquet(steps, out_dir / "steps.parquet")
    write_parquet(summary, out_dir / "summary.parquet")
    OmegaConf.save(cfg, out_dir / "config.yaml", resolve=True)
    if cfg.figure:
        plot_gdp_shares(steps, out_dir / "gdp_shares.png")
    return {"steps": steps, "summary": summary}


def report(summary: pd.DataFrame) -> str:
    """A short text summary of the final year over replicates (median [5%, 95%])."""
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
    return "\n".join(lines)


@hydra.main(version_base="1.3", config_path="../configs", config_name="config")
def main(cfg: DictConfig) -> None:
    """Hydra entry point."""
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    tables = run(cfg, out_dir)
    print(report(tables["summary"]))
    print(f"tables and figure in {out_dir}")


if __name__ == "__main__":
    main()
