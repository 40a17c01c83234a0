"""Models built on one world share what depends on the world alone (`sim.model.world_terms`)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from sim import WorldModel, synthetic_world
from sim.model import _WORLD_TERMS, world_terms
from sim.trade import Gravity, anchored, bilateral_resistance, country_effects


def test_models_on_one_world_share_its_terms_read_only():
    world = synthetic_world(20, seed=1)
    a, b = WorldModel(world, council_rule=None, rng=0), WorldModel(world, council_rule=None, rng=1)
    for name in ("_resistance", "_near", "_ideology", "_iso3", "_ideal_point"):
        assert getattr(a, name) is getattr(b, name), name
        with pytest.raises(ValueError, match="read-only"):
            getattr(a, name)[0] = getattr(a, name)[0]
    # what a model changes is its own
    assert a._gdp_usd is not b._gdp_usd and a._gdp_usd.flags.writeable
    assert a.memberships["eu"] is not b.memberships["eu"]


def test_the_shared_terms_are_what_the_model_would_compute():
    world = synthetic_world(15, seed=2)
    for gravity in (Gravity.estimated(), Gravity.estimated().with_overrides(distance=-0.5)):
        terms = world_terms(world, gravity)
        dyads = (world.distance_km, world.contiguity, world.common_language)
        effects = country_effects(world.countries["iso3"].to_numpy(dtype=str))
        gdp = world.countries["gdp_usd"].to_numpy(dtype=float)
        anchor = anchored(gravity, Gravity.estimated(), *dyads, gdp, effects)
        assert terms["gravity"] == anchor
        np.testing.assert_array_equal(
            terms["resistance"], bilateral_resistance(anchor, *dyads, effects)
        )
    # other coefficients, another resistance; the same ones, the same arrays
    estimated = world_terms(world, Gravity.estimated())
    assert world_terms(world, Gravity.estimated())["resistance"] is estimated["resistance"]
    other = world_terms(world, Gravity.estimated().with_overrides(distance=-0.5))
    assert not np.array_equal(other["resistance"], estimated["resistance"])


def test_gravity_overrides_of_a_model_use_their_own_resistance():
    world = synthetic_world(15, seed=4)
    default = WorldModel(world, council_rule=None, rng=0)
    overridden = WorldModel(world, council_rule=None, distance_elasticity=-0.5, rng=0)
    assert overridden.gravity.distance == -0.5
    assert not np.array_equal(default._resistance, overridden._resistance)


def test_the_terms_do_not_keep_their_world_alive():
    world = synthetic_world(12, seed=5)
    WorldModel(world, council_rule=None, rng=0)
    assert world in _WORLD_TERMS
    alive = weakref.ref(world)
    del world
    gc.collect()
    assert alive() is None


def test_blas_runs_on_one_thread_inside_the_step_and_is_restored_after(monkeypatch):
    import threadpoolctl

    import sim.model as model_module

    def blas_threads():
        return [
            i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"
        ]

    before = blas_threads()
    seen = []
    first_phase, written = model_module.PHASES[0]

    def spy(model):
        seen.append(blas_threads())
        first_phase(model)

    monkeypatch.setattr(model_module, "PHASES", ((spy, written), *model_module.PHASES[1:]))
    model = WorldModel(synthetic_world(20, seed=1), council_rule=None, rng=0)
    model.step()
    assert seen and all(threads == 1 for threads in seen[0])
    assert blas_threads() == before
    # held once around many steps (as experiments.run does): the steps do not set it again
    limits = []
    original = model_module._BLAS.limit
    monkeypatch.setattr(
        model_module._BLAS, "limit", lambda **kwargs: limits.append(kwargs) or original(**kwargs)
    )
    with model_module.one_blas_thread():
        for _ in range(3):
            model.step()
        with model_module.one_blas_thread():  # nested: free
            assert all(threads == 1 for threads in blas_threads())
    assert limits == [{"limits": 1, "user_api": "blas"}]
    assert all(threads == 1 for threads in seen[-1]) and len(seen) == 4
    assert blas_threads() == before
    model.step()  # alone again: it sets the limit itself
    assert len(limits) == 2 and blas_threads() == before
