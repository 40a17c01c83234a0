"""`WorldModel`: countries that grow, trade, court each other and choose sides, a step a year.

World-wide state lives in numpy arrays on the model (N countries, N x N dyads); `Country`
agents are thin views of their row. Every parameter is a keyword argument with a default, so
the model can be built by Hydra, swept by `mesa.batch_run` and bound to dashboard sliders;
all randomness flows from `rng`. The phases of a year are listed in `step`; the concepts are
in `docs/` and `../shared/DESIGN.md`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import math
import warnings
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path

import mesa
import numpy as np
import threadpoolctl

from sim import blocs, diplomacy, economy, events, finance, powers, trade
from sim.agents import Country
from sim.alignment import strategies
from sim.alignment.strategies import assign_strategies
from sim.blocs import initial_blocs, membership_matrix, named_members
from sim.checks import allowed_types, check_arguments
from sim.council import Council, CouncilRule, get_rule, session
from sim.council.session import DRAFTS_PER_YEAR, HOPELESS_DRAFT_SHARE
from sim.events import check_schedule, schedule
from sim.kernels import all_finite
from sim.outcomes import (
    OUTCOME_NAMES,
    actor_weights,
    brics_plus,
    country_reporters,
    global_south,
    yearly_outcomes,
)
from sim.powers import parse_strategies
from sim.trade import Gravity, anchored, bilateral_resistance, country_effects
from sim.world import MEMBERSHIPS, World, load_world

#: The great powers whose strategies are parameters (`strategy_USA`, ...).
GREAT_POWERS = ("USA", "CHN", "RUS")
#: The alignment strategy of every great power, whatever `alignment` says.
GREAT_POWER_ALIGNMENT = "balancing"
#: `events` default: the scenario's own schedule (`sim.world.Politics.events`).
SCENARIO_EVENTS = "scenario"


#: The allowed range of every numeric keyword of `WorldModel` (closed; inf where unbounded),
#: the one declaration the model, the configs (`experiments.schema.check`) and the dashboard
#: read. Types come from the signature: a float must be a finite real number (not a bool),
#: an int a whole number, a bool True or False. Ranges are the values the mechanisms are
#: defined for (shares in [0, 1]), or wide bounds that keep every array finite.
PARAMETER_RANGES: dict[str, tuple[float, float]] = {
    "start_year": (1900, 2200),
    "convergence_rate": (0.0, 1.0),
    "growth_persistence": (0.0, 1.0),
    "price_half_life": (0.1, math.inf),
    "shock_sd": (0.0, 1.0),
    "trade_elasticity": (1e-6, 100.0),
    "milex_adjustment_rate": (0.0, 1.0),
    "milex_threat_response": (0.0, 100.0),
    "capability_weight_gdp": (0.0, 100.0),
    "capability_weight_milex": (0.0, 100.0),
    "capability_weight_population": (0.0, 100.0),
    "gdp_elasticity_exporter": (0.0, 5.0),
    "gdp_elasticity_importer": (0.0, 5.0),
    "distance_elasticity": (-10.0, 0.0),
    "contiguity_effect": (-10.0, 10.0),
    "common_language_effect": (-10.0, 10.0),
    "affinity_trade_effect": (0.0, 10.0),
    "bloc_trade_effect": (0.0, 10.0),
    "trade_diversion": (0.0, 1.0),
    "affinity_drift_rate": (0.0, 1.0),
    "switching_cost": (0.0, 10.0),
    "interdependence_weight": (0.0, 100.0),
    "choice_noise": (0.0, 10.0),
    "balancing_threshold": (-10.0, 10.0),
    "hedging_threshold": (-10.0, 10.0),
    "bandwagoning_threshold": (-10.0, 10.0),
    "ideological_tolerance": (0.0, 100.0),
    "economic_threshold": (0.0, 1.0),
    "bloc_split_threshold": (-1.0, 1.0),
    "bloc_formation_capability": (0.0, 1.0),
    "bloc_formation_affinity": (-1.0, 1.0),
    "bloc_formation_followers": (1, 10_000),
    "wedge_strength": (0.0, 1.0),
    "war_end_hazard": (0.0, 1.0),
    "mediation_effect": (1.0, 100.0),
    "finance_adjustment_rate": (0.0, 1.0),
    "dollar_sanction_reach": (0.0, 1.0),
    "council_drafts_per_year": (0.0, 10_000.0),
    "council_hopeless_draft_share": (0.0, 1.0),
}


@functools.cache
def _typed_parameters() -> frozenset[str]:
    """The keywords whose annotation is a bool, int or float (checked by type)."""
    simple = {bool, int, float}
    return frozenset(
        name
        for name, p in WorldModel.constructor_parameters().items()
        if simple & set(allowed_types(p.annotation)) and name not in ("rng", "scenario")
    )


#: The phases of a year, in order, each the entry point of its module, with the state arrays
#: it writes (checked finite after it).
PHASES = (
    (events.apply_events, ("sanctions",)),  # scheduled events (sim/events.py)
    (  # growth, prices, military burden, capability (sim/economy.py)
        economy.grow_economy,
        ("_gdp_usd", "_population", "_log_price", "_milex_usd", "_capability"),
    ),
    (trade.update_trade, ("_trade_usd", "_gains_level")),  # gravity, gains (sim/trade.py)
    (powers.act_great_powers, ("sanctions", "alignment_bonus")),  # strategies (sim/powers.py)
    (  # wars, affinity, rivalries, threat (sim/diplomacy.py)
        diplomacy.update_diplomacy,
        ("affinity", "bloc_threat", "power_threat"),
    ),
    (strategies.align, ()),  # bloc choices, new blocs (sim/alignment/strategies.py)
    (blocs.update_blocs, ()),  # splits, dissolution (sim/blocs.py)
    (finance.settle_finance, ("non_dollar_share",)),  # non-dollar settlement (sim/finance.py)
    (session.hold_council, ()),  # the Security Council (sim/council/session.py)
)


class NonFiniteState(FloatingPointError):
    """A state array holds a NaN or an infinity after a phase (the run cannot go on)."""


def check_finite(model: WorldModel, phase, names: Iterable[str]) -> None:
    """Raise `NonFiniteState` naming the year, phase and array if one is not finite.

    One compiled pass an array (`sim.kernels.all_finite`, over its values in memory order).
    """
    for name in names:
        array = getattr(model, name, None)
        if array is not None and not all_finite(array.ravel("K")):
            bad = np.argwhere(~np.isfinite(np.asarray(array)))
            where = ""
            if len(bad):
                rows = [model.iso3[i] for i in bad[0]]
                where = f" (first at {', '.join(rows)})"
            raise NonFiniteState(
                f"year {model.year}, phase {phase.__module__}.{phase.__name__}: the state array "
                f"{name!r} is not finite{where}"
            )


def _readonly(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


#: The columns of the country table a model reads, with their types.
_COLUMNS = {
    "iso3": str,
    "gdp_usd": float,
    "population": float,
    "population_growth": float,
    "trend_growth": float,
    "price_level": float,
    "price_level_mean": float,
    "milex_share_gdp": float,
    "ideal_point": float,
    **dict.fromkeys(MEMBERSHIPS, bool),
}
#: `world_terms` by world (dropped with it), then by gravity coefficients.
_WORLD_TERMS: weakref.WeakKeyDictionary[World, dict] = weakref.WeakKeyDictionary()


def world_terms(world: World, gravity: Gravity) -> dict:
    """What a model derives from its world alone, computed once per world and shared.

    A sweep builds hundreds of models on one world: they share the country table's columns
    as arrays (`_COLUMNS`), the gravity coefficients anchored to the world
    (`sim.trade.anchored`), the bilateral resistance, proximity and ideological similarity,
    and what the set-up reads from the tables: the country table with the column `allied`
    (the scenario's mutual-defence allies, which mixed alignment specs can group by), the
    Global South and BRICS+ flags, the ongoing rival pairs (i < j) and, by start year, the
    initial blocs (`start_blocs`). All read-only: a model copies what it changes. Kept while
    the world lives.

    Returns:
        The columns by name, and "gravity", "resistance", "near", "ideology", "countries",
        "global_south", "brics_plus", "rivalries", "blocs" (by year).
    """
    terms = _WORLD_TERMS.get(world)
    if terms is None:
        table = world.countries
        terms = {
            name: _readonly(table[name].to_numpy(dtype=kind)) for name, kind in _COLUMNS.items()
        }
        terms["effects"] = tuple(_readonly(e) for e in country_effects(terms["iso3"]))
        terms["near"] = _readonly(diplomacy.proximity(world.distance_km))
        terms["ideology"] = _readonly(diplomacy.ideological_similarity(terms["ideal_point"]))
        terms["countries"] = table.assign(allied=named_members(table, world.politics.allied))
        terms["global_south"] = _readonly(global_south(table))
        terms["brics_plus"] = _readonly(brics_plus(table))
        terms["rivalries"] = _readonly(np.argwhere(np.triu(world.rivalry, 1)))
        terms["blocs"] = {}
        terms["by_gravity"] = {}
        _WORLD_TERMS[world] = terms
    by_gravity = terms["by_gravity"]
    if gravity not in by_gravity:
        dyads = (world.distance_km, world.contiguity, world.common_language)
        effects = terms["effects"]
        anchor = anchored(gravity, Gravity.estimated(), *dyads, terms["gdp_usd"], effects)
        by_gravity[gravity] = anchor, _readonly(bilateral_resistance(anchor, *dyads, effects))
    anchor, resistance = by_gravity[gravity]
    return {**terms, "gravity": anchor, "resistance": resistance}


def start_blocs(world: World, terms: dict, year: int) -> tuple[list[blocs.Bloc], np.ndarray]:
    """The scenario's blocs in force in `year` (`sim.blocs.initial_blocs`), as new objects.

    Computed once per world and year, kept in the world's `terms` (`world_terms`).
    """
    by_year = terms["blocs"]
    if year not in by_year:
        by_year[year] = initial_blocs(world.countries, year, world.politics.blocs)
    cached, bloc = by_year[year]
    return [dataclasses.replace(b) for b in cached], bloc.copy()


#: The model's matrix products are thin ((N, N) @ (N, B)): BLAS threads cost more than they
#: save there (8x slower at N = 1,000 on two busy cores) and compete with a sweep's workers,
#: so the set-up and the step run BLAS on one thread (`single_threaded_blas`).
_BLAS = threadpoolctl.ThreadpoolController()


_BLAS_LIMITED = False  # within `one_blas_thread`


@contextlib.contextmanager
def one_blas_thread():
    """BLAS limited to one thread within the block (restored after); nested blocks are free.

    Setting the limit costs about 12 us (threadpoolctl asks and sets every BLAS library), as
    much as a small phase: a loop over many models and years (`experiments.run`) holds it
    once, and the steps within it skip their own.
    """
    global _BLAS_LIMITED
    if _BLAS_LIMITED:
        yield
        return
    with _BLAS.limit(limits=1, user_api="blas"):
        _BLAS_LIMITED = True
        try:
            yield
        finally:
            _BLAS_LIMITED = False


def single_threaded_blas(method):
    """`method` with BLAS limited to one thread while it runs (`one_blas_thread`)."""

    @functools.wraps(method)
    def limited(*args, **kwargs):
        if _BLAS_LIMITED:
            return method(*args, **kwargs)
        with one_blas_thread():
            return method(*args, **kwargs)

    return limited


def scenario_year(world: World, start_year: int | None) -> int:
    """The model's start year: the scenario's data year, checked against `start_year`.

    Raises:
        ValueError: `start_year` differs from the scenario's year, or neither says a year.
    """
    year = world.year
    if start_year is None:
        if year is None:
            raise ValueError(
                f"start_year: the scenario {world.name!r} does not say its year (no "
                "scenario.yaml, no gdp_year); pass start_year"
            )
        return year
    if isinstance(start_year, bool) or int(start_year) != start_year:
        raise ValueError(f"start_year: expected a whole year, got {start_year!r}")
    if year is not None and int(start_year) != year:
        raise ValueError(
            f"start_year: the scenario {world.name!r} holds the world of {year}, got "
            f"start_year={start_year} (leave it out to start in the scenario's year)"
        )
    return int(start_year)


class WorldModel(mesa.Model):
    """The world as a Mesa model: one step is one year.

    Args:
        scenario: Shipped scenario name ("world_2024", "world_2014", "world_2000"), a folder
            with the same schema, or a `World` (e.g. from `sim.world.synthetic_world`). Its
            politics (`scenario.yaml`: blocs, wars, sanctions, strategies, events) are the
            defaults of the arguments that say so.
        start_year: Year of the scenario's data; the first step simulates the next year
            (None: the scenario's year; a different year is an error, as is None for a
            folder that does not say its year).
        convergence_rate: Beta of unconditional convergence, the share of a country's log gap
            in income per head to the world's median path closed a year (Kremer, Willis &
            You 2021: about 0.008 in the 2000s); see `sim.economy`.
        growth_persistence: Share of a country's start-year trend, beyond what convergence
            explains, kept from one year to the next (0.76: a decade's mean keeps 0.3 of the
            last decade's deviation, the top of the 0.1-0.3 correlations of growth across
            decades in Easterly, Kremer, Pritchett & Summers 1993).
        price_half_life: Half-life in years of a price level's gap from the country's own
            mean of the preceding decade (Rogoff 1996: 3-5 years for real exchange rates);
            inf keeps the start gap.
        shock_sd: Standard deviation of the yearly idiosyncratic growth shock (0.019: the
            median within-country s.d. of World Bank real growth 2015-2024 without 2020-21).
        trade_elasticity: Epsilon of the gains-from-trade formula (Arkolakis, Costinot &
            Rodriguez-Clare 2012 use 5; Head & Mayer 2014's central estimate is about 5).
        milex_adjustment_rate: Share of the gap to the target military burden closed a year.
        milex_threat_response: How much the target military burden rises with perceived
            threat: target = base x (1 + response x threat), base set so that the 2024 burden
            is the target at the 2024 threat.
        capability_weight_gdp: Weight of the GDP share in the capability index.
        capability_weight_milex: Weight of the military-spending share.
        capability_weight_population: Weight of the population share.
        gdp_elasticity_exporter: Gravity coefficient of exporter log GDP (None: estimated).
            With any coefficient overridden, the constant is re-anchored so that world trade
            in the start year stays the estimated equation's (`sim.trade.anchored`).
        gdp_elasticity_importer: Gravity coefficient of importer log GDP (None: estimated).
        distance_elasticity: Gravity coefficient of log distance (None: estimated).
        contiguity_effect: Gravity coefficient of a shared border (None: estimated).
        common_language_effect: Gravity coefficient of a common language (None: estimated).
        affinity_trade_effect: Log change of a flow per unit change of the pair's affinity
            since the start (an assumption; political proximity raises trade, e.g. Umana
            Dajud 2013).
        bloc_trade_effect: Log change of a flow when a pair comes to share a bloc (or stops).
        trade_diversion: Share of the trade that sanctions cut which each partner re-routes to
            its other partners (Haidar 2017, "Sanctions and export deflection: evidence from
            Iran", Economic Policy 32(90): two thirds of Iran's sanctioned non-oil exports
            were deflected to other destinations).
        affinity_drift_rate: Share of the gap to the interest-implied affinity closed a year.
        alignment: Every country's alignment strategy (a name in `sim.alignment.STRATEGIES`)
            or "mixed" (the default: the "status_quo" preset, allies balance, others hedge).
            The great powers (USA, CHN, RUS) always balance and never join a bloc led by
            another state (`sim.alignment.strategies.align`).
        mixed_alignment: For "mixed": a preset name or a mapping (see
            `sim.alignment.strategies.assign_strategies`); None: "status_quo".
        switching_cost: Score bonus of a country's current option (inertia).
        interdependence_weight: Weight of the exit cost of leaving one's bloc: the bloc
            option scores this times the country's two-way trade with the bloc's other
            members over its GDP (Crescenzi 2005's exit costs; Copeland 2015).
        choice_noise: Scale of the Gumbel noise in each alignment choice (logit choice).
        balancing_threshold: Score of non-alignment for balancers (threat gap to beat).
        hedging_threshold: Score of non-alignment for hedgers (higher than for balancers).
        bandwagoning_threshold: Score of non-alignment for bandwagoners.
        ideological_tolerance: Largest ideal-point distance to a bloc's centre an
            ideological country will join.
        economic_threshold: Smallest share of its trade a bloc must carry for an economic
            country to join it.
        bloc_split_threshold: A bloc whose cohesion (mean internal affinity) falls below this
            splits in two.
        bloc_formation_capability: Smallest capability share of a non-aligned country that
            can found a bloc.
        bloc_formation_affinity: Affinity to the founder that a non-aligned follower needs.
        bloc_formation_followers: Followers needed to found a bloc.
        strategy_USA: The United States' strategies, "+"-joined (see `sim.powers`; "" for
            none; None: the scenario's).
        strategy_CHN: China's strategies (None: the scenario's).
        strategy_RUS: Russia's strategies (None: the scenario's).
        wedge_strength: Strength in [0, 1] of any `wedge` strategy.
        wedge_target: ISO3 code of the state any `wedge` courts, kept whatever its bloc
            (the junior partner of the rival bloc in 2025: Russia).
        events: A named event set (`sim.events.EVENT_SETS`), a list of events, None (no
            events), or "scenario": the scenario's schedule.
        conflicts: Pairs of ISO3 codes at war at the start (None: the scenario's wars).
        war_end_hazard: Yearly probability that a war ends (None: the UCDP estimate for
            interstate conflicts, `sim/data/war_termination.md`).
        mediation_effect: A mediated war ends with the hazard of this many years in one.
        finance_adjustment_rate: Share of the gap to the target non-dollar share closed a year.
        dollar_sanction_reach: How much US sanctions also cut a sanctioned country's trade with
            third parties when settled in dollars.
        council_rule: The Security Council's voting rule: a name in `sim.council.RULES`
            ("charter", "charter_1945", "no_veto", "two_vetoes", "g4_veto", "g4_no_veto"),
            a `CouncilRule`, or None for a world without a Council.
        council_drafts_per_year: Mean number of draft resolutions prepared a year.
        council_hopeless_draft_share: Probability that a draft sure to fail is tabled anyway.
        initial_sanctions: Start from the sanctions in force in the scenario's year (its
            `scenario.yaml`); False starts from none.
        record_countries: Also record a per-country yearly table (off by default: it is big).
        rng: Seed or numpy Generator; the only source of randomness (None: fresh entropy).
    """

    def __init__(
        self,
        scenario: str | Path | World = "world_2024",
        *,
        start_year: int | None = None,
        convergence_rate: float = 0.008,
        growth_persistence: float = 0.76,
        price_half_life: float = 4.0,
        shock_sd: float = 0.019,
        trade_elasticity: float = 5.0,
        milex_adjustment_rate: float = 0.2,
        milex_threat_response: float = 1.0,
        capability_weight_gdp: float = 1.0,
        capability_weight_milex: float = 1.0,
        capability_weight_population: float = 1.0,
        gdp_elasticity_exporter: float | None = None,
        gdp_elasticity_importer: float | None = None,
        distance_elasticity: float | None = None,
        contiguity_effect: float | None = None,
        common_language_effect: float | None = None,
        affinity_trade_effect: float = 0.5,
        bloc_trade_effect: float = 0.2,
        trade_diversion: float = 2 / 3,
        affinity_drift_rate: float = 0.1,
        alignment: str = "mixed",
        mixed_alignment: str | Mapping | None = None,
        switching_cost: float = 0.1,
        interdependence_weight: float = 1.0,
        choice_noise: float = 0.02,
        balancing_threshold: float = 0.05,
        hedging_threshold: float = 0.25,
        bandwagoning_threshold: float = 0.1,
        ideological_tolerance: float = 1.0,
        economic_threshold: float = 0.3,
        bloc_split_threshold: float = 0.0,
        bloc_formation_capability: float = 0.04,
        bloc_formation_affinity: float = 0.5,
        bloc_formation_followers: int = 3,
        strategy_USA: str | None = None,
        strategy_CHN: str | None = None,
        strategy_RUS: str | None = None,
        wedge_strength: float = 0.5,
        wedge_target: str = "RUS",
        events: str | Iterable | None = SCENARIO_EVENTS,
        conflicts: Iterable[tuple[str, str]] | None = None,
        war_end_hazard: float | None = None,
        mediation_effect: float = 2.0,
        finance_adjustment_rate: float = finance.adjustment_rate(),
        dollar_sanction_reach: float = 0.3,
        council_rule: str | CouncilRule | None = "charter",
        council_drafts_per_year: float = DRAFTS_PER_YEAR,
        council_hopeless_draft_share: float = HOPELESS_DRAFT_SHARE,
        initial_sanctions: bool = True,
        record_countries: bool = False,
        rng: int | np.random.Generator | np.random.SeedSequence | None = None,
    ) -> None:
        """Build the model from a scenario; see the class docstring for the parameters."""
        super().__init__(rng=rng)
        arguments = dict(locals())
        check_arguments(
            {name: arguments[name] for name in PARAMETER_RANGES.keys() | _typed_parameters()},
            {name: p.annotation for name, p in WorldModel.constructor_parameters().items()},
            PARAMETER_RANGES,
        )
        self.world = load_world(scenario)
        self.start_year = self.year = scenario_year(self.world, start_year)
        politics = self.world.politics
        self.convergence_rate = float(convergence_rate)
        self.growth_persistence = float(growth_persistence)
        self.price_half_life = float(price_half_life)
        self.shock_sd = float(shock_sd)
        self.trade_elasticity = float(trade_elasticity)
        self.milex_adjustment_rate = float(milex_adjustment_rate)
        self.milex_threat_response = float(milex_threat_response)
        self.capability_weights = (
            float(capability_weight_gdp),
            float(capability_weight_milex),
            float(capability_weight_population),
        )
        self.gravity = Gravity.estimated().with_overrides(
            gdp_exporter=gdp_elasticity_exporter,
            gdp_importer=gdp_elasticity_importer,
            distance=distance_elasticity,
            contiguity=contiguity_effect,
            common_language=common_language_effect,
        )
        self.affinity_trade_effect = float(affinity_trade_effect)
        self.bloc_trade_effect = float(bloc_trade_effect)
        self.trade_diversion = float(trade_diversion)
        self.affinity_drift_rate = float(affinity_drift_rate)
        self.switching_cost = float(switching_cost)
        self.interdependence_weight = float(interdependence_weight)
        self.choice_noise = float(choice_noise)
        self.thresholds = {
            "balancing": float(balancing_threshold),
            "hedging": float(hedging_threshold),
            "bandwagoning": float(bandwagoning_threshold),
            "ideological": float(ideological_tolerance),
            "economic": float(economic_threshold),
        }
        self.bloc_split_threshold = float(bloc_split_threshold)
        self.bloc_formation_capability = float(bloc_formation_capability)
        self.bloc_formation_affinity = float(bloc_formation_affinity)
        self.bloc_formation_followers = int(bloc_formation_followers)
        self.wedge_strength = float(wedge_strength)
        self.wedge_target = str(wedge_target)
        hazard = diplomacy.war_end_hazard() if war_end_hazard is None else war_end_hazard
        self.war_end_hazard = float(hazard)
        self.mediation_effect = float(mediation_effect)
        self.mediators: dict[frozenset, int] = {}  # this year's mediated wars -> mediator
        # wars end by draws of their own stream (spawned from `rng`, so still one seed), so
        # that runs differing elsewhere share them: paired comparisons see the war's own luck
        self.war_rng = self.rng.spawn(1)[0]
        # a concert of great powers (`sim.events.three_way_summit`): none at the start
        self.concert_parties = np.array([], dtype=int)
        self.concert_strength, self.concert_half_life = 0.0, 1.0
        self.finance_adjustment_rate = float(finance_adjustment_rate)
        self.dollar_sanction_reach = float(dollar_sanction_reach)
        self.events = schedule(politics.events if events == SCENARIO_EVENTS else events)

        self._init_state(self.world)
        # the scenario's mutual-defence allies, as the column `allied` mixed specs can group by
        countries = world_terms(self.world, self.gravity)["countries"]
        self.strategies = assign_strategies(alignment, countries, mixed_alignment)
        # great powers balance whatever the others do (Waltz 1979; Walt 1987: bandwagoning
        # is the choice of weak states); see `sim.alignment.strategies.align`
        self.power_rows = np.array([self.row[c] for c in GREAT_POWERS if c in self.row], int)
        self.strategies[self.power_rows] = GREAT_POWER_ALIGNMENT
        self._strategy_rows = {
            name: np.flatnonzero(self.strategies == name) for name in sorted(set(self.strategies))
        }
        # each country's index among them, in their order (the alignment phase's `scores_of`)
        self._strategy_codes = np.empty(self.n, dtype=np.int64)
        for code, who in enumerate(self._strategy_rows.values()):
            self._strategy_codes[who] = code
        requested = {"USA": strategy_USA, "CHN": strategy_CHN, "RUS": strategy_RUS}
        requested = {
            code: politics.strategy(code) if value is None else value
            for code, value in requested.items()
        }
        self.power_strategies = {
            self.row[code]: parse_strategies(requested[code], f"strategy_{code}")
            for code in GREAT_POWERS
            if code in self.row
        }
        wedging = any("wedge" in names for names in self.power_strategies.values())
        if wedging and self.wedge_target not in self.row:
            raise ValueError(
                f"wedge_target: expected an ISO3 code of the scenario, got {wedge_target!r}"
            )
        if conflicts is None:
            conflicts = politics.conflicts
        else:
            conflicts = [
                tuple(pair) if not isinstance(pair, str) else (pair,) for pair in conflicts
            ]
            for pair in conflicts:
                if len(pair) != 2 or pair[0] == pair[1] or not set(pair) <= set(self.row):
                    raise ValueError(
                        f"conflicts: expected pairs of two ISO3 codes of the scenario, got {pair!r}"
                    )
        self.conflicts = [
            (self.row[a], self.row[b]) for a, b in conflicts if a in self.row and b in self.row
        ]
        self._init_politics(initial_sanctions)
        check_schedule(self.events, self)

        self.council = None
        self.council_outcomes: dict[str, float] = {}
        if council_rule is not None and self.n <= get_rule(council_rule).seats:
            warnings.warn(
                f"council_rule: the scenario has {self.n} countries, too few for the "
                f"{get_rule(council_rule).seats} seats of {council_rule!r}; no Council is modelled",
                stacklevel=2,
            )
        elif council_rule is not None:
            self.council = Council(
                self,
                council_rule,
                drafts_per_year=council_drafts_per_year,
                hopeless_draft_share=council_hopeless_draft_share,
            )
            names = Council.outcome_names(self.council.rule, self.council.veto_holders())
            self.council_outcomes = dict.fromkeys(names, np.nan)
        self.countries = [Country(self, i) for i in range(self.n)]
        terms = world_terms(self.world, self.gravity)
        self.global_south = terms["global_south"].copy()
        self.brics_plus = terms["brics_plus"].copy()
        self.actor_weights = actor_weights(self._iso3, self.memberships["eu"])
        self.datacollector = OutcomeCollector(
            model_reporters={name: _outcome(name) for name in self.outcome_names()},
            agent_reporters=country_reporters() if record_countries else None,
        )
        self.record()

    @classmethod
    def constructor_parameters(cls) -> dict[str, inspect.Parameter]:
        """Every keyword argument with its default and annotation (the one place both live).

        Configs (`experiments.schema`) and the dashboard (`sim.app`) read it; their ranges
        are in `PARAMETER_RANGES`.
        """
        return dict(_signature_parameters())

    # -- state -------------------------------------------------------------------------

    @single_threaded_blas
    def _init_state(self, world: World) -> None:
        static = world_terms(world, self.gravity)
        self.n = world.n
        self._iso3 = static["iso3"]
        self.row = {code: i for i, code in enumerate(self._iso3)}
        self._gdp_usd = static["gdp_usd"].copy()
        self._population = static["population"].copy()
        self._population_growth = static["population_growth"]
        self._trend_growth = static["trend_growth"]
        self._economy_start, self._log_price = economy.start_economy(
            self._gdp_usd,
            self._population,
            self._trend_growth,
            self._population_growth,
            static["price_level"],
            static["price_level_mean"],
            self.convergence_rate,
        )
        self._milex_share = static["milex_share_gdp"].copy()
        self._milex_usd = self._milex_share * self._gdp_usd
        self._ideal_point = static["ideal_point"]
        self._growth = np.zeros(self.n)
        self.memberships = {org: static[org].copy() for org in MEMBERSHIPS}
        self.sanctions = np.zeros((self.n, self.n))
        self.trade_shift = np.zeros((self.n, self.n))
        self.gravity, self._resistance = static["gravity"], static["resistance"]
        self._near, self._ideology = static["near"], static["ideology"]
        self._rivalry = world.rivalry.astype(float)  # ongoing rivalries (they can end)
        self.rivalries = static["rivalries"].copy(order="K")  # (k, 2), i < j
        self._rival_calm = np.zeros(len(self.rivalries), dtype=int)
        self._trade_usd = np.empty((self.n, self.n))
        self._two_way_trade = np.empty((self.n, self.n))
        self._open_share = np.empty((self.n, self.n))  # a work buffer of the trade phase
        self._pair_threat = np.empty((self.n, self.n))  # pairwise threat (`perceive_threat`)
        economy.update_capability(self)

    @single_threaded_blas
    def _init_politics(self, initial_sanctions: bool) -> None:
        politics = self.world.politics
        terms = world_terms(self.world, self.gravity)
        self.blocs, self.bloc = start_blocs(self.world, terms, self.year)
        self._members_key = self._relations_key = None  # caches keyed by `bloc`
        self._covoting = None  # (seats, agreement) of the last Council session
        self._ru_cn_were_aligned = False
        self.conflicts = list(self.conflicts)
        self._conflict = self._conflict_matrix()
        self.refresh_memberships()  # shared membership, security relations, affinity base
        self.refresh_bloc_relations()
        self.affinity = diplomacy.initial_affinity(self)  # the slow terms of the target
        self._affinity_start = self.affinity.copy()
        self._same_bloc_start = self._same_bloc.copy()
        for imposer, target, intensity in politics.sanctions if initial_sanctions else ():
            names = [b.name for b in self.blocs]
            if target not in self.row or (imposer not in self.row and imposer not in names):
                continue
            rows = (
                np.flatnonzero(self.bloc == names.index(imposer))
                if imposer in names
                else [self.row[imposer]]
            )
            self.sanctions[rows, self.row[target]] = intensity
        self.non_dollar_share = finance.initial_non_dollar_share(
            finance.sanctions_exposure(self), self._iso3, self.year
        )
        self.alignment_bonus = np.zeros((self.n, len(self.blocs) + 1))
        trade.update_trade(self)
        diplomacy.perceive_threat(self)
        # Start affinity at its full target (trade interdependence and common threat
        # included), so that it does not drift by itself in the first years; the trade
        # policy factor is measured from this start.
        self.affinity = diplomacy.model_affinity_target(self)
        self._affinity_start = self.affinity.copy()
        trade.update_trade(self)
        diplomacy.perceive_threat(self)
        threat = self.max_threat()
        self._milex_base = self._milex_share / (1.0 + self.milex_threat_response * threat)
        self._gains_applied = self._gains_level.copy()
        self.ru_cn_split_year = np.nan
        self.transition_years = {"gdp": np.nan, "capability": np.nan}

    def refresh_memberships(self) -> None:
        """Recompute shared membership and alliances after a change of the membership flags."""
        world = self.world
        self._shared_membership = diplomacy.shared_membership(self.memberships)
        self._security = diplomacy.security_relations(
            diplomacy.allies(world.defense_pact, self.memberships),
            self._rivalry,
            world.conflict_years,
            world.dispute_years,
        )
        self._refresh_affinity_base()

    def refresh_conflicts(self) -> None:
        """Recompute the conflict matrix after a change of `conflicts`."""
        self._conflict = self._conflict_matrix()
        self._refresh_affinity_base()

    def _conflict_matrix(self) -> np.ndarray:
        """-1 for the pairs at war (`conflicts`), both ways; 0 elsewhere (N, N)."""
        conflict = np.zeros((self.n, self.n))
        for a, b in self.conflicts:
            conflict[a, b] = conflict[b, a] = -1.0
        return conflict

    def _refresh_affinity_base(self) -> None:
        self._affinity_base = diplomacy.affinity_base(
            self._ideology, self._shared_membership, self._conflict, self._security
        )
        self._slow_terms_key = None  # the affinity target's slow terms are out of date

    def refresh_bloc_relations(self) -> None:
        """Recompute the pairwise bloc relations if `bloc` changed since the last time.

        Cheap when nothing changed, so phases call it before use: `bloc` stays writable
        state (a user or test may set it between steps) without stale relations.
        """
        members = self.membership()
        if self._relations_key == self._members_key:
            return
        self._relations_key = self._members_key
        self._bloc_alignment = diplomacy.bloc_alignment(members)
        self._same_bloc = (self._bloc_alignment > 0).astype(float)

    @property
    def iso3(self) -> np.ndarray:
        """ISO3 codes (N,), the order of every array."""
        return _readonly(self._iso3)

    @property
    def gdp_usd(self) -> np.ndarray:
        """GDP in US$ (N,)."""
        return _readonly(self._gdp_usd)

    @property
    def population(self) -> np.ndarray:
        """Population (N,)."""
        return _readonly(self._population)

    @property
    def growth(self) -> np.ndarray:
        """Last year's real GDP growth, fraction (N,)."""
        return _readonly(self._growth)

    @property
    def price_level(self) -> np.ndarray:
        """Price level relative to the United States (GDP in US$ / GDP at PPP), (N,)."""
        return np.exp(self._log_price)

    @property
    def milex_usd(self) -> np.ndarray:
        """Military expenditure in US$ (N,)."""
        return _readonly(self._milex_usd)

    @property
    def capability(self) -> np.ndarray:
        """Composite capability index (N,), summing to one."""
        return _readonly(self._capability)

    @property
    def ideal_point(self) -> np.ndarray:
        """UNGA ideal points (N,)."""
        return _readonly(self._ideal_point)

    @property
    def distance_km(self) -> np.ndarray:
        """Great-circle distance between capitals (N, N), km."""
        return self.world.distance_km

    @property
    def trade_usd(self) -> np.ndarray:
        """This year's trade flows (N, N), US$, row = exporter, column = importer."""
        return _readonly(self._trade_usd)

    def country(self, iso3: str) -> Country:
        """The `Country` agent with this ISO3 code."""
        return self.countries[self.row[iso3]]

    def membership(self) -> np.ndarray:
        """(N, B) 0/1 matrix of bloc membership (recomputed only when `bloc` changes)."""
        key = (len(self.blocs), self.bloc.tobytes())
        if key != self._members_key:
            self._members_key = key
            self._members = membership_matrix(self.bloc, len(self.blocs))
        return self._members

    def bloc_capability(self) -> np.ndarray:
        """Each bloc's share of world capability (B,)."""
        return self._capability @ self.membership()

    def max_threat(self) -> np.ndarray:
        """The largest threat each country perceives from any bloc or great power (N,)."""
        threats = np.hstack([self.bloc_threat, self.power_threat])
        return threats.max(axis=1) if threats.shape[1] else np.zeros(self.n)

    # -- the year ----------------------------------------------------------------------

    @single_threaded_blas
    def step(self) -> None:
        """Advance one year: the phases in their order, each the entry point of its module.

        After each phase the state it writes is checked finite (a few reductions); the
        first array that is not stops the run, naming the year, the phase and the array.
        BLAS runs on one thread meanwhile (`single_threaded_blas`).
        """
        self.year += 1
        for phase, written in PHASES:
            phase(self)
            check_finite(self, phase, written)
        self.record()

    # -- outcomes ----------------------------------------------------------------------

    def outcome_names(self) -> list[str]:
        """Names of the yearly outcomes, in the order they are recorded."""
        return [*OUTCOME_NAMES, *self.council_outcomes]

    def record(self) -> None:
        """Compute this year's outcomes and hand them to the DataCollector."""
        self.outcomes = {**yearly_outcomes(self), **self.council_outcomes}
        self.datacollector.collect(self)


def _outcome(name: str):
    return lambda model: model.outcomes[name]


class OutcomeCollector(mesa.DataCollector):
    """Mesa's DataCollector, taking each year's row from `model.outcomes` as it stands.

    The model reporters (one per outcome, `model.outcomes[name]`) are plain numbers, so the
    deep copy Mesa makes of every reported value is skipped; agent reporters are collected
    by Mesa as usual. The tables and `get_model_vars_dataframe` are Mesa's.
    """

    def collect(self, model: WorldModel) -> None:
        """Append this year's outcomes, then let Mesa collect the agent reporters."""
        outcomes = model.outcomes
        for name, column in self.model_vars.items():
            column.append(outcomes[name])
        self._collection_steps.append(model.time)  # as Mesa does (`mesa.batch_run` reads it)
        reporters, self.model_reporters = self.model_reporters, {}
        try:
            super().collect(model)
        finally:
            self.model_reporters = reporters


@functools.cache
def _signature_parameters() -> tuple[tuple[str, inspect.Parameter], ...]:
    signature = inspect.signature(WorldModel.__init__, eval_str=True)
    return tuple((name, p) for name, p in signature.parameters.items() if name != "self")
