"""The economy, blocs and outcomes phases, sped up, give the original numbers.

Whole runs with the phases as they were before the speed-up (`Frozen`, the original code
copied here) are compared with the model's own: the same state to the last bit (GDP,
population, prices, capability, blocs, affinity) and the same outcomes, bit for bit except
those whose sums were matrix products (BLAS) and are now summed in country order: those
within 1e-12 relative (`REORDERED`). During those runs every compiled kernel of
`sim.economy`, `sim.blocs` and `sim.outcomes` is checked against its plain-numpy reference
on the states of the run. No timings.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import sim.model as model_module
from sim import WorldModel, blocs, diplomacy, economy, outcomes, synthetic_world
from sim.alignment import strategies
from sim.blocs import NON_ALIGNED, bisect_reference, bloc_sums_reference, cohesion_of, found_bloc
from tests.conftest import BLOC_CHURN

SEEDS = (0, 1)
YEARS = 26
RUNS = (
    ("status_quo", {}),
    ("landscape", dict(alignment="landscape")),
    *BLOC_CHURN,
    ("no_armies", dict(capability_weight_milex=0.0, price_half_life=math.inf, shock_sd=0.05)),
    ("synthetic", dict(scenario=synthetic_world(120, seed=3), council_rule=None)),
)
#: Outcomes whose sums were matrix products (BLAS) and are now summed in country order.
REORDERED = {
    "trade_world_usd",
    "gdp_share_EU",
    "capability_share_EU",
    "polarity",
    "intra_bloc_trade_share",
    "bloc_internal_trade_share_West",
    "bloc_internal_trade_share_Eurasia",
    "non_dollar_trade_share",
}
#: Of `outcome_terms_kernel`'s results, the ones that are numpy's sums (bit for bit).
EXACT_TERMS = {"groups", "cohesion", "counts"}
#: `outcome_terms_kernel`'s results, as `sim.outcomes.split_terms` parts them.
TERMS = ("terms", "gdp_share", "cap_share", "groups", "cohesion", "counts", "within", "touching")


def identical(a, b) -> bool:
    """The same dtype, shape and bytes."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def close(a, b, rtol=1e-12) -> bool:
    """The same shape, NaNs in the same places, the rest within `rtol` relative."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not (np.isnan(a) == np.isnan(b)).all():
        return False
    ok = ~np.isnan(a)
    return bool((np.abs(a[ok] - b[ok]) <= rtol * np.abs(b[ok])).all())


class Frozen:
    """The original code of the sped-up phases (numpy only), as it was before."""

    @staticmethod
    def grow_economy(model):
        start = model._economy_start
        years = model.year - model.start_year
        before = economy.relative_income(model, years - 1)
        fade = model.growth_persistence ** (years - 1)
        per_head = start.mean_growth - model.convergence_rate * before + start.residual * fade
        per_head += model._gains_level - model._gains_applied
        model._gains_applied = model._gains_level.copy()
        per_head += model.shock_sd * model.rng.standard_normal(model.n)
        growth = per_head + np.log1p(model._population_growth)
        model._population *= 1.0 + model._population_growth
        after = before + per_head - start.mean_growth
        half_life, line = model.price_half_life, start.price_line
        fade = 0.5 ** (years / half_life) if np.isfinite(half_life) else 1.0
        gap = start.price_gap_mean + (start.price_gap - start.price_gap_mean) * fade
        level = line.intercept + line.slope * after + gap
        log_price = level - level[start.numeraire] + start.numeraire_log_price
        model._gdp_usd *= np.exp(growth + log_price - model._log_price)
        model._log_price = log_price
        model._growth = np.expm1(growth)
        target = model._milex_base * (1.0 + model.milex_threat_response * model.max_threat())
        model._milex_share = economy.adjust_toward(
            model._milex_share, target, model.milex_adjustment_rate
        )
        model._milex_usd = model._milex_share * model._gdp_usd
        economy.update_capability(model)

    @staticmethod
    def update_blocs(model):
        for b, bloc in enumerate(list(model.blocs)):
            if not bloc.active:
                continue
            members = np.flatnonzero(model.bloc == b)
            if len(members) < 3:
                continue
            if model.affinity[np.ix_(members, members)].min() >= model.bloc_split_threshold:
                continue
            leaving = bisect_reference(model.affinity, members, bloc.leader)
            if not len(leaving):
                continue
            staying = members[~np.isin(members, leaving)]
            across = model.affinity[np.ix_(leaving, staying)].mean()
            if across >= model.bloc_split_threshold:
                continue
            if len(leaving) == 1:
                model.bloc[leaving] = NON_ALIGNED
            else:
                found_bloc(model, int(leaving[np.argmax(model._capability[leaving])]), leaving)
        for b, bloc in enumerate(model.blocs):
            if bloc.active and (model.bloc == b).sum() <= 1:
                bloc.active = False
                model.bloc[model.bloc == b] = NON_ALIGNED

    @staticmethod
    def yearly_outcomes(model):  # noqa: C901 - the original, as it was
        o = outcomes
        gdp, cap, bloc = model.gdp_usd, model.capability, model.bloc
        row = model.row
        world_gdp = gdp.sum()
        weights = model.actor_weights
        missing = np.where(weights.any(axis=1), 0.0, np.nan)
        gdp_share = (weights @ gdp / world_gdp + missing).tolist()
        cap_share = (weights @ cap + missing).tolist()
        trade = model.trade_usd
        exports, imports = trade.sum(axis=1), trade.sum(axis=0)
        total = exports.sum()
        out = {
            "year": int(model.year),
            "gdp_world_usd": float(world_gdp),
            "trade_world_usd": float(total),
        }
        out.update(zip(o._GDP_SHARE_NAMES, gdp_share, strict=True))
        out.update(zip(o._CAPABILITY_SHARE_NAMES, cap_share, strict=True))
        members = model.membership()
        bloc_cap = cap @ members
        active = members.sum(axis=0) > 0
        nonaligned = bloc < 0
        poles = np.concatenate([bloc_cap[active], cap[nonaligned]])
        out["polarity"] = float(1.0 / np.sum(poles**2))
        out["n_blocs"] = int(np.count_nonzero(active))
        out["nonaligned_count"] = int(np.count_nonzero(nonaligned))
        names = [b.name for b in model.blocs]
        of_bloc = [
            o.ALIGNMENTS.index(name) if name in o.INITIAL_BLOCS else o._OTHER for name in names
        ]
        alignment = np.array([*of_bloc, o._NONALIGNED])[bloc]
        for k, size_name, cap_name, gdp_name in o._BLOC_GROUP_NAMES:
            mask = alignment == k
            out[size_name] = int(np.count_nonzero(mask))
            out[cap_name] = min(float(cap[mask].sum()), 1.0)
            out[gdp_name] = float(gdp[mask].sum() / world_gdp)
        for name in o.INITIAL_BLOCS:
            rows = np.flatnonzero(bloc == names.index(name)) if name in names else ()
            value = cohesion_of(model.affinity, rows)
            out[f"bloc_cohesion_{name}"] = 0.0 if np.isnan(value) else value
        rus, chn, usa = row.get("RUS"), row.get("CHN"), row.get("USA")
        if rus is not None and chn is not None:
            aligned = bool(bloc[rus] >= 0 and bloc[rus] == bloc[chn])
            if not aligned and model._ru_cn_were_aligned and np.isnan(model.ru_cn_split_year):
                model.ru_cn_split_year = float(model.year)
            model._ru_cn_were_aligned = aligned
            out["ru_cn_aligned"] = int(aligned)
        else:
            out["ru_cn_aligned"] = np.nan
        out["ru_cn_split_year"] = model.ru_cn_split_year
        for group, mask in (("global_south", model.global_south), ("brics_plus", model.brics_plus)):
            in_group = alignment[mask]
            size = len(in_group)
            counts = np.bincount(in_group, minlength=len(o.ALIGNMENTS)).tolist()
            out.update(
                zip(
                    o._SHARE_NAMES[group],
                    (c / size if size else np.nan for c in counts),
                    strict=True,
                )
            )
        among = bloc_sums_reference(trade, members) * members
        within = among.sum(axis=0)
        out["intra_bloc_trade_share"] = (
            float(min(within.sum() / total, 1.0)) if total > 0 else np.nan
        )
        touching = (exports + imports) @ members - within
        for name in o.INITIAL_BLOCS:
            b = names.index(name) if name in names else -1
            out[f"bloc_internal_trade_share_{name}"] = (
                float(min(within[b] / touching[b], 1.0)) if b >= 0 and touching[b] > 0 else 0.0
            )
        share = model.non_dollar_share
        outside = 0.5 * (share @ exports + share @ imports)
        out["non_dollar_trade_share"] = float(min(outside / total, 1.0)) if total > 0 else np.nan
        out["non_dollar_share_CHN"] = float(share[chn]) if chn is not None else np.nan
        out["non_dollar_share_RUS"] = float(share[rus]) if rus is not None else np.nan
        for a, b in o.GREAT_POWER_PAIRS:
            pair = (row.get(a), row.get(b))
            out[f"affinity_{a}_{b}"] = float(model.affinity[pair]) if None not in pair else np.nan
        if rus is not None and chn is not None:
            out["trade_RUS_CHN_usd"] = float(trade[rus, chn] + trade[chn, rus])
        else:
            out["trade_RUS_CHN_usd"] = np.nan
        out["wars_ongoing"] = len(model.conflicts)
        for kind, values in (("gdp", gdp), ("capability", cap)):
            if (
                chn is not None
                and usa is not None
                and np.isnan(model.transition_years[kind])
                and values[chn] > values[usa]
            ):
                model.transition_years[kind] = float(model.year)
            out[f"year_{kind}_CHN_passes_USA"] = model.transition_years[kind]
        return out


def check_terms(got, want, n_actors, n_blocs):
    """The kernel's flat results `got` are the reference's `want`, part by part."""
    assert got.shape == want.shape and got.dtype == want.dtype
    parts = (outcomes.split_terms(x, n_actors, n_blocs) for x in (got, want))
    for name, x, y in zip(TERMS, *parts, strict=True):
        x, y = np.asarray(x), np.asarray(y)
        assert identical(x, y) if name in EXACT_TERMS else close(x, y), name


#: (module, kernel's name, its reference, how results compare); in-place arguments compared.
KERNELS = (
    (economy, "growth_kernel", economy.growth_reference, "identical"),
    (economy, "burden_kernel", economy.burden_reference, "identical"),
    (blocs, "bloc_stats_kernel", blocs.bloc_stats_reference, "identical"),
    (outcomes, "outcome_terms_kernel", outcomes.outcome_terms_reference, "terms"),
    # the sums over blocs (`live_blocs_kernel`, `spread_kernel` inside), where each phase
    # calls them by its own name for them; blocs without members: test_bloc_sums_and_...
    *(
        (module, "bloc_sums", bloc_sums_reference, "array")
        for module in (strategies, outcomes, diplomacy)
    ),
)


def camp_reference(affinity, members, leader):
    """`sim.blocs.leader_camp` by `bisect_reference`: the members not leaving."""
    return ~np.isin(members, bisect_reference(affinity, members, leader))


#: Checked in every run, reached in some (a bisection).
SOMETIMES = ((blocs, "leader_camp", camp_reference, "array"),)


@pytest.fixture(autouse=True, scope="module")
def compiled():
    """The kernels compiled before a test patches some: a kernel compiled while one that it
    calls is patched (`outcome_row_kernel` calls `outcome_terms_kernel`) would not type."""
    WorldModel(rng=0).step()


def checked(kernel, reference, how, calls):
    """The kernel, each call compared with its reference on copies of the same inputs."""

    def run(*args):
        copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        result = kernel(*args)
        expected = reference(*copies)
        for arg, copy in zip(args, copies, strict=True):  # in-place writes alike
            assert not isinstance(arg, np.ndarray) or identical(arg, copy), kernel.__name__
        if how == "terms":  # (gdp, cap, trade, bloc, group_of, weights, ...)
            check_terms(result, expected, args[5].shape[0], len(args[4]))
        elif how == "array":
            assert identical(result, expected), kernel.__name__
        else:
            for got, want in zip(result, expected, strict=True):
                assert identical(got, want), kernel.__name__
        calls[kernel.__name__] = calls.get(kernel.__name__, 0) + 1
        return result

    return run


def outcome_state(model) -> tuple:
    """The model's state that the yearly outcomes read and update."""
    return model._ru_cn_were_aligned, model.ru_cn_split_year, dict(model.transition_years)


def same_row(got: dict, want: dict) -> bool:
    """The same names in the same order, the same types and bits."""
    return list(got) == list(want) and all(
        type(got[k]) is type(want[k]) and identical(got[k], want[k]) for k in want
    )


def checked_outcomes(calls):
    """`yearly_outcomes`, each call compared with its reference from the same state."""

    def run(model):
        before = outcome_state(model)
        want = outcomes.yearly_outcomes_reference(model)
        after = outcome_state(model)
        model._ru_cn_were_aligned, model.ru_cn_split_year, model.transition_years = before
        got = outcomes.yearly_outcomes(model)
        assert same_row(got, want) and repr(outcome_state(model)) == repr(after)
        calls["outcome_row_kernel"] = calls.get("outcome_row_kernel", 0) + 1
        return got

    return run


def run(seed, keywords, monkeypatch=None, calls=None):
    if monkeypatch is not None:
        for module, name, reference, how in KERNELS + SOMETIMES:
            monkeypatch.setattr(module, name, checked(getattr(module, name), reference, how, calls))
        monkeypatch.setattr(model_module, "yearly_outcomes", checked_outcomes(calls))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = WorldModel(**keywords, rng=seed)
        for _ in range(YEARS):
            model.step()
    return dict(
        arrays={
            name: getattr(model, name).copy()
            for name in (
                "bloc",
                "affinity",
                "_gdp_usd",
                "_population",
                "_log_price",
                "_growth",
                "_milex_share",
                "_milex_usd",
                "_capability",
            )
        },
        blocs=[(b.name, b.leader, b.founded, b.active) for b in model.blocs],
        outcomes=model.datacollector.get_model_vars_dataframe(),
    )


def frozen_phases():
    original = {economy.grow_economy: Frozen.grow_economy, blocs.update_blocs: Frozen.update_blocs}
    return tuple((original.get(phase, phase), written) for phase, written in model_module.PHASES)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name, keywords", RUNS, ids=[name for name, _ in RUNS])
def test_runs_match_the_original_code(monkeypatch, name, keywords, seed):
    calls: dict[str, int] = {}
    new = run(seed, keywords, monkeypatch, calls)
    assert {kernel for _, kernel, _, _ in KERNELS} | {"outcome_row_kernel"} <= set(calls)
    if name == "bloc_churn":
        assert {kernel for _, kernel, _, _ in SOMETIMES} <= set(calls)
    monkeypatch.undo()
    monkeypatch.setattr(model_module, "PHASES", frozen_phases())
    monkeypatch.setattr(model_module, "yearly_outcomes", Frozen.yearly_outcomes)
    old = run(seed, keywords)
    for key, array in new["arrays"].items():
        assert identical(array, old["arrays"][key]), key
    assert new["blocs"] == old["blocs"]
    a, b = new["outcomes"], old["outcomes"]
    assert list(a.columns) == list(b.columns) and a.shape == b.shape
    for column in a.columns:
        x, y = a[column].to_numpy(), b[column].to_numpy()
        if x.dtype.kind != "f" and y.dtype.kind != "f":
            assert (x == y).all(), column
        elif column in REORDERED:
            assert close(x, y), column
        else:
            assert identical(x.astype(float), y.astype(float)), column


@pytest.mark.parametrize("seed", range(5))
def test_kernels_match_references_on_edge_inputs(seed):
    """NaN and absent threats, no armies, empty and NaN blocs: the kernels stay the references."""
    rng = np.random.default_rng(seed)
    n = 12 + seed % 2  # an odd number of countries too (the kernel sums pairs)
    gdp, people = rng.uniform(1, 5, n), rng.uniform(1, 5, n)
    for columns in ((0, 0), (2, 0), (0, 3), (2, 3)):
        bloc_threat = rng.choice([0.0, 0.4, 1.0, np.nan], (n, columns[0]))
        power_threat = rng.choice([0.0, 0.7, np.nan], (n, columns[1]))
        for weights in ([1.0, 1.0, 1.0], [2.0, 0.0, 1.0], [0.0, 1.0, 0.0]):
            base = rng.choice([0.0, 0.02], n)  # all zero: no armies
            args = (gdp, people, base, rng.uniform(0, 0.05, n), bloc_threat, power_threat)
            args += (1.0, 0.2, np.array(weights))
            with np.errstate(invalid="ignore", divide="ignore"):
                want = economy.burden_reference(*args)
            for got, expected in zip(economy.burden_kernel(*args), want, strict=True):
                assert identical(got, expected)
    affinity = rng.choice([-0.5, 0.2, 1.0, np.nan], (n, n))
    bloc = rng.integers(-1, 4, n)
    for got, want in zip(
        blocs.bloc_stats_kernel(affinity, bloc, 6),
        blocs.bloc_stats_reference(affinity, bloc, 6),
        strict=True,
    ):
        assert identical(got, want)
    population = rng.uniform(1, 5, n)
    args = [rng.standard_normal(n) for _ in range(5)]
    args += [population, rng.uniform(0, 0.03, n), rng.uniform(0, 0.03, n)]
    args += [rng.standard_normal(n) for _ in range(3)]
    args += [np.array([0.1, 0.02, 3.0, 0.008, 0.4, 0.019, -0.2, 0.3, 0.7, 2.0, 0.1])]
    copies = [a.copy() for a in args]
    for got, want in zip(
        economy.growth_kernel(*args), economy.growth_reference(*copies), strict=True
    ):
        assert identical(got, want)
    assert identical(args[5], copies[5])  # the population grown in place alike
    weights = (rng.random((3, n)) < 0.3).astype(float)
    weights[1] = 0.0  # an absent actor
    trade = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.7)
    for bloc in (rng.integers(-1, 3, n), np.full(n, -1)):
        group_of = np.array([0, 2, 2], dtype=np.int64)
        tracked = np.array([0, -1], dtype=np.int64)
        args = (gdp, people / people.sum(), trade, bloc, group_of, weights, affinity)
        args += (tracked, rng.uniform(0, 1, n), rng.random(n) < 0.5, rng.random(n) < 0.3)
        with np.errstate(invalid="ignore", divide="ignore"):
            want = outcomes.outcome_terms_reference(*args)
        check_terms(outcomes.outcome_terms_kernel(*args), want, len(weights), len(group_of))


def test_the_row_kernel_follows_its_reference_through_splits_and_passings():
    """Russia and China together, then apart; China passing the United States; actors absent."""
    worlds = (WorldModel(rng=0), WorldModel(scenario=synthetic_world(30, seed=1), rng=0))
    for model in worlds:
        model.step()
        rus, chn, usa = (model.row.get(code) for code in ("RUS", "CHN", "USA"))
        for year in range(6):
            model.year += 1
            if rus is not None:
                model.bloc[[rus, chn]] = (0, 0) if year in (1, 2, 4) else (0, 1)
                if year == 3:
                    model._gdp_usd[chn] = 2.0 * model._gdp_usd[usa]
                if year == 5:
                    model._capability[chn] = 2.0 * model._capability[usa]
                    model.bloc[:] = -1  # no bloc at all
            before = outcome_state(model)
            want = outcomes.yearly_outcomes_reference(model)
            after = outcome_state(model)
            model._ru_cn_were_aligned, model.ru_cn_split_year, model.transition_years = before
            assert same_row(outcomes.yearly_outcomes(model), want)
            assert repr(outcome_state(model)) == repr(after)
        if rus is not None:  # every change seen
            assert model.ru_cn_split_year == model.start_year + 2  # the first year apart
            assert model.transition_years == {
                "gdp": model.start_year + 5,
                "capability": model.start_year + 7,
            }
    assert sorted(outcomes.ROW_ORDER) == sorted(outcomes.OUTCOME_NAMES)


@pytest.mark.parametrize("seed", range(5))
def test_bloc_sums_and_bisection_match_their_references(seed):
    """Blocs without members, NaN and tied affinities: the same bits as the references."""
    rng = np.random.default_rng(seed)
    n = 15 + seed
    matrix = rng.choice([0.0, 0.3, 1.0, np.nan], (n, n))
    for bloc in (rng.integers(-1, 5, n), np.full(n, -1), rng.integers(0, 2, n)):
        members = blocs.membership_matrix(bloc, 6)
        live = members.any(axis=0).nonzero()[0]
        assert identical(blocs.live_blocs_kernel(members), live)
        assert identical(blocs.bloc_sums(matrix, members), bloc_sums_reference(matrix, members))
    for _ in range(40):
        affinity = rng.choice([-0.5, -0.1, 0.0, 0.2, 0.7], (n, n))
        affinity = affinity + affinity.T
        members = np.sort(rng.choice(n, rng.integers(3, n + 1), replace=False))
        leader = int(rng.choice(members))
        want = bisect_reference(affinity, members, leader)
        assert identical(blocs.bisect(affinity, members, leader), want)
        assert identical(blocs.leader_camp(affinity, members, leader), ~np.isin(members, want))
    with pytest.raises(IndexError):
        blocs.bisect(affinity, np.array([0, 1, 2]), 3)  # a leader outside the bloc
