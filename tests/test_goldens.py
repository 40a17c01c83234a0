"""Goldens: the model's results for a few worlds, recorded, so that a change is seen.

A result that changes by design is re-recorded (`python -m tests.test_goldens`, then say what
changed and why); one that changes by accident is a bug this test catches. Values are
compared to 1e-9 relative: the same seed gives the same bytes on one machine (the other
determinism tests check that), and the tolerance only absorbs last-bit differences of
vectorised maths between processors.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

import pytest

from sim import WorldModel, synthetic_world

GOLDENS = Path(__file__).parent / "goldens" / "outcomes.json"
YEARS = 10
SEED = 7
#: The worlds recorded: the status quo and worlds that exercise the other mechanisms.
WORLDS = {
    "status_quo": {},
    "wedge_light_ties": dict(strategy_USA="wedge", wedge_strength=1.0, interdependence_weight=0.5),
    "detente_g4_veto": dict(
        events="detente", council_rule="g4_veto", strategy_CHN="expand+mediate"
    ),
    "sanctions_multipolar": dict(
        events=[
            {
                "year": 2026,
                "kind": "sanctions",
                "imposers": "West",
                "targets": ["CHN"],
                "intensity": 0.5,
            },
            {"year": 2027, "kind": "greater_eurasia"},
            {"year": 2028, "kind": "brics_expansion"},
        ]
    ),
    "bandwagoning_no_veto": dict(alignment="bandwagoning", council_rule="no_veto"),
    "synthetic_300": dict(scenario="synthetic", council_rule=None),
}


def outcomes(name: str) -> dict[str, float]:
    """The final year's outcomes of a world after YEARS steps from SEED."""
    params = dict(WORLDS[name])
    if params.get("scenario") == "synthetic":
        params["scenario"] = synthetic_world(300, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = WorldModel(**params, rng=SEED)
        for _ in range(YEARS):
            model.step()
    return {key: float(value) for key, value in model.outcomes.items()}


def same(a: float, b: float) -> bool:
    """Equal to 1e-9 relative (both NaN counts as equal)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_results_match_the_recorded_goldens(name):
    recorded = json.loads(GOLDENS.read_text())[name]
    result = outcomes(name)
    assert set(result) == set(recorded), "the outcomes changed: re-record the goldens"
    changed = {k: (recorded[k], result[k]) for k in recorded if not same(recorded[k], result[k])}
    assert not changed, f"results changed: {changed}"


def test_the_goldens_can_fail():
    # a changed parameter moves the results away from the goldens
    recorded = json.loads(GOLDENS.read_text())["status_quo"]
    WORLDS["_changed"] = {"shock_sd": 0.02}
    try:
        result = outcomes("_changed")
    finally:
        del WORLDS["_changed"]
    assert not all(same(recorded[k], result[k]) for k in recorded)


if __name__ == "__main__":
    GOLDENS.parent.mkdir(exist_ok=True)
    goldens = {name: outcomes(name) for name in sorted(WORLDS)}
    GOLDENS.write_text(json.dumps(goldens, indent=1, sort_keys=True) + "\n")
    print(f"recorded {len(goldens)} worlds into {GOLDENS}", file=sys.stderr)
