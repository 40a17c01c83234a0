"""The figure notebooks and the seminar notebooks run from a clean state at their quick size.

Each notebook is executed with nbclient in the venv's `python3` kernel (ipykernel), with
`POWERSHIFT_QUICK=1`, its sweeps in a temporary folder (`POWERSHIFT_SWEEPS`) and its figures
in another (`POWERSHIFT_FIGURES`), so nothing is read from an earlier run. Every expected
figure must then exist and be a non-trivial PNG. Notebooks are stored without outputs.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

#: Each notebook and the figures (in `figures/`, without `.png`) it must write.
FIGURES = {
    "world_2025.ipynb": ["world_2025_map", "world_2025_power_shares"],
    "alignment_strategies.ipynb": [
        "alignment_polarity",
        "alignment_bloc_shares",
        "alignment_ru_cn",
    ],
    "wedge.ipynb": ["wedge_split_heatmap", "wedge_split_timing"],
    "council_reform.ipynb": ["council_voting_power", "council_adoption_veto"],
    "calibration.ipynb": [
        "calibration_gravity",
        "calibration_trade_gdp",
        "calibration_council",
        "calibration_hindcast",
    ],
    "uncertainty.ipynb": ["uncertainty_outcomes", "uncertainty_prim"],
    "seminar/exercises.ipynb": [],
    "seminar/solutions/solutions.ipynb": [],
}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def all_notebooks() -> list[str]:
    return sorted(p.relative_to(NOTEBOOKS).as_posix() for p in NOTEBOOKS.rglob("*.ipynb"))


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (fails on anything that is not a PNG)."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_every_notebook_is_listed():
    assert all_notebooks() == sorted(FIGURES)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_notebook_is_stored_without_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: cell {index} has outputs"
            assert cell.execution_count is None, f"{name}: cell {index} has an execution count"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_notebook_runs_and_writes_its_figures(name, tmp_path, monkeypatch):
    figures = tmp_path / "figures"
    monkeypatch.setenv("POWERSHIFT_QUICK", "1")
    monkeypatch.setenv("POWERSHIFT_SWEEPS", str(tmp_path / "multirun"))
    monkeypatch.setenv("POWERSHIFT_FIGURES", str(figures))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    path = NOTEBOOKS / name
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        # the kernel starts in the notebook's folder, as in Jupyter (nbtools is imported there)
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for figure in FIGURES[name]:
        png = figures / f"{figure}.png"
        assert png.is_file(), f"{name} did not write {png.name}"
        assert png.stat().st_size > 10_000, f"{png.name} is suspiciously small"
        width, height = png_size(png)
        assert width >= 600 and height >= 300, f"{png.name} is {width} x {height}"
