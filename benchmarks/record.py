"""What every benchmark writes: its numbers with the commit and the machine, as JSON."""

from __future__ import annotations

import json
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np

import sim
from experiments.run import git_commit

#: The checkout: benchmarks run their commands from it.
ROOT = Path(__file__).resolve().parents[1]


def wall(command: list[str]) -> float:
    """Seconds `command` takes, run from the checkout; its stderr in the error if it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def write_record(name: str, results: dict[str, Any], path: Path) -> dict[str, Any]:
    """Write a benchmark's results with provenance, for comparison across commits.

    Args:
        name: The benchmark's name.
        results: Its numbers (JSON-serialisable).
        path: The JSON file to write.

    Returns:
        The whole record.
    """
    git = git_commit()
    record = {
        "benchmark": name,
        "commit": git["commit"] if git else None,
        "dirty": git["dirty"] if git else None,
        "version": sim.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        **results,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {path}")
    return record
