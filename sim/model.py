"""`WorldModel`: countries that grow, arm and trade, one step a year.

World-wide state lives in numpy arrays on the model (N countries, N x N dyads); `Country`
agents are thin views of their row. Every parameter is a keyword argument with a default, so
the model can be built by Hydra, swept by `mesa.batch_run` and bound to dashboard sliders;
all randomness flows from `rng`. Phases so far (see `step`): economy, military spending,
capability, trade, record. The concepts are in `../shared/DESIGN.md` and `docs/`.
"""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np

from sim.agents import Country
from sim.economy import adjust_toward, capability_index, log_growth
from sim.trade import Gravity, bilateral_resistance, gains_from_trade, gravity_flows
from sim.world import World, load_world

#: Actors whose GDP and capability shares are recorded every year ("EU": the 27 together).
TRACKED_ACTORS = ("USA", "CHN", "RUS", "IND", "EU")


def _readonly(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


class WorldModel(mesa.Model):
    """The world as a Mesa model: one step is one year.

    Args:
        scenario: Shipped scenario name ("world_2024"), a folder with the same schema, or a
            `World` (e.g. from `sim.world.synthetic_world`).
        start_year: Year of the scenario's data; the first step simulates the next year.
        convergence_rate: Beta of conditional convergence, the share of the log gap in income
            per head closed a year (Barro & Sala-i-Martin 1992: about 0.02).
        shock_sd: Standard deviation of the yearly idiosyncratic growth shock (0.019: the
            median within-country s.d. of World Bank real growth 2015-2024 without 2020-21).
        trade_elasticity: Epsilon of the gains-from-trade formula (Arkolakis, Costinot &
            Rodriguez-Clare 2012 use 5; Head & Mayer 2014's central estimate is about 5).
        milex_adjustment_rate: Share of the gap to the target military burden closed a year.
        capability_weight_gdp: Weight of the GDP share in the capability index.
        capability_weight_milex: Weight of the military-spending share.
        capability_weight_population: Weight of the population share.
        gdp_elasticity_exporter: Gravity coefficient of exporter log GDP (None: estimated).
        gdp_elasticity_importer: Gravity coefficient of importer log GDP (None: estimated).
        distance_elasticity: Gravity coefficient of log distance (None: estimated).
        contiguity_effect: Gravity coefficient of a shared border (None: estimated).
        common_language_effect: Gravity coefficient of a common language (None: estimated).
        rng: Seed or numpy Generator; the only source of randomness (None: fresh entropy).
    """

    def __init__(
        self,
        scenario: str | Path | World = "world_2024",
        *,
        start_year: int = 2024,
        convergence_rate: float = 0.02,
        shock_sd: float = 0.019,
        trade_elasticity: float = 5.0,
        milex_adjustment_rate: float = 0.2,
        capability_weight_gdp: float = 1.0,
        capability_weight_milex: float = 1.0,
        capability_weight_population: float = 1.0,
        gdp_elasticity_exporter: float | None = None,
        gdp_elasticity_importer: float | None = None,
        distance_elasticity: float | None = None,
        contiguity_effect: float | None = None,
        common_language_effect: float | None = None,
        rng: int | np.random.Generator | np.random.SeedSequence | None = None,
    ) -> None:
        """Build the model from a scenario; see the class docstring for the parameters."""
        super().__init__(rng=rng)
        _check_range("convergence_rate", convergence_rate, 0.0, 1.0)
        _check_range("shock_sd", shock_sd, 0.0, 1.0)
        _check_range("trade_elasticity", trade_elasticity, 1e-6, 100.0)
        _check_range("milex_adjustment_rate", milex_adjustment_rate, 0.0, 1.0)
        self.world = load_world(scenario)
        self.year = int(start_year)
        self.convergence_rate = float(convergence_rate)
        self.shock_sd = float(shock_sd)
        self.trade_elasticity = float(trade_elasticity)
        self.milex_adjustment_rate = float(milex_adjustment_rate)
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
        self._init_state(self.world)
        self.countries = [Country(self, i) for i in range(self.n)]
        self._by_iso3 = {c.iso3: c for c in self.countries}
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _outcome(name) for name in self.outcome_names()}
        )
        self.record()

    # -- state -------------------------------------------------------------------------

    def _init_state(self, world: World) -> None:
        table = world.countries
        self.n = world.n
        self._iso3 = table["iso3"].to_numpy(dtype=str)
        self._gdp_usd = table["gdp_usd"].to_numpy(dtype=float).copy()
        self._population = table["population"].to_numpy(dtype=float).copy()
        self._population_growth = table["population_growth"].to_numpy(dtype=float)
        self._trend_growth = table["trend_growth"].to_numpy(dtype=float)
        self._gdp_per_capita_start = self._gdp_usd / self._population
        self._milex_share = table["milex_share_gdp"].to_numpy(dtype=float).copy()
        self._milex_target = self._milex_share.copy()
        self._milex_usd = self._milex_share * self._gdp_usd
        self._growth = np.zeros(self.n)
        self.sanctions = np.zeros((self.n, self.n))
        self._resistance = bilateral_resistance(
            self.gravity, world.distance_km, world.contiguity, world.common_language
        )
        self._trade_without_policy = np.empty((self.n, self.n))
        self._trade_usd = np.empty((self.n, self.n))
        self._actor_weights = np.array(
            [table["eu"].to_numpy(bool) if a == "EU" else self._iso3 == a for a in TRACKED_ACTORS],
            dtype=float,
        )
        # an actor absent from the scenario (no USA in a synthetic world) records NaN, not 0
        self._actor_missing = np.where(self._actor_weights.any(axis=1), 0.0, np.nan)
        self.update_capability()
        self.trade()
        self._gains_applied = self._gains_level.copy()

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
    def milex_usd(self) -> np.ndarray:
        """Military expenditure in US$ (N,)."""
        return _readonly(self._milex_usd)

    @property
    def capability(self) -> np.ndarray:
        """Composite capability index (N,), summing to one."""
        return _readonly(self._capability)

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
        return self._by_iso3[iso3]

    # -- the year ----------------------------------------------------------------------

    def step(self) -> None:
        """Advance one year, phase by phase."""
        self.year += 1
        self.grow_economy()
        self.adjust_military()
        self.update_capability()
        self.trade()
        self.record()

    def grow_economy(self) -> None:
        """GDP grows by trend with convergence, plus new gains from trade, plus a shock."""
        gdp_per_capita = self._gdp_usd / self._population
        growth = log_growth(
            self._trend_growth, gdp_per_capita, self._gdp_per_capita_start, self.convergence_rate
        )
        growth += self._gains_level - self._gains_applied
        self._gains_applied = self._gains_level.copy()
        growth += self.shock_sd * self.rng.standard_normal(self.n)
        self._gdp_usd *= np.exp(growth)
        self._growth = np.expm1(growth)
        self._population *= 1.0 + self._population_growth

    def adjust_military(self) -> None:
        """The military burden moves part of the way toward its target (here: its 2024 level)."""
        self._milex_share = adjust_toward(
            self._milex_share, self._milex_target, self.milex_adjustment_rate
        )
        self._milex_usd = self._milex_share * self._gdp_usd

    def update_capability(self) -> None:
        """Recompute the composite capability index from GDP, military spending, population."""
        self._capability = capability_index(
            self._gdp_usd, self._milex_usd, self._population, self.capability_weights
        )

    def trade(self) -> None:
        """Gravity flows at this year's GDP, cut by sanctions; the gains-from-trade level."""
        base = gravity_flows(
            self._resistance, self._gdp_usd, self.gravity, out=self._trade_without_policy
        )
        if self.sanctions.any():
            np.clip(self.sanctions, 0.0, 1.0, out=self.sanctions)
            # an embargo cuts the flows both ways, whoever imposes it
            np.multiply(
                base, 1.0 - np.maximum(self.sanctions, self.sanctions.T), out=self._trade_usd
            )
        else:
            np.copyto(self._trade_usd, base)
        self._gains_level = gains_from_trade(
            self._trade_usd.sum(axis=0), base.sum(axis=0), self._gdp_usd, self.trade_elasticity
        )

    # -- outcomes ----------------------------------------------------------------------

    @staticmethod
    def outcome_names() -> list[str]:
        """Names of the yearly outcomes, in the order they are recorded."""
        names = ["year", "gdp_world_usd", "trade_world_usd"]
        names += [f"gdp_share_{a}" for a in TRACKED_ACTORS]
        names += [f"capability_share_{a}" for a in TRACKED_ACTORS]
        return names

    def record(self) -> None:
        """Compute this year's outcomes and hand them to the DataCollector."""
        world_gdp = self._gdp_usd.sum()
        gdp_share = self._actor_weights @ self._gdp_usd / world_gdp + self._actor_missing
        capability_share = self._actor_weights @ self._capability + self._actor_missing
        self.outcomes = {
            "year": self.year,
            "gdp_world_usd": float(world_gdp),
            "trade_world_usd": float(self._trade_usd.sum()),
            **{f"gdp_share_{a}": float(s) for a, s in zip(TRACKED_ACTORS, gdp_share, strict=True)},
            **{
                f"capability_share_{a}": float(s)
                for a, s in zip(TRACKED_ACTORS, capability_share, strict=True)
            },
        }
        self.datacollector.collect(self)


def _outcome(name: str):
    return lambda model: model.outcomes[name]


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name}: expected a value in [{low}, {high}], got {value!r}")
