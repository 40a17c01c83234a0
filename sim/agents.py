"""`Country`: a Mesa agent that is a view of one row of its model's arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model import WorldModel


class Country(mesa.Agent):
    """A UN member (or synthetic country): reads its state from the model's arrays.

    Args:
        model: The model whose arrays hold this country's state.
        index: Row of this country in every array of the model.
    """

    model: WorldModel

    def __init__(self, model: WorldModel, index: int) -> None:
        """Register the agent with its model and remember its row."""
        super().__init__(model)
        self.index = index

    @property
    def iso3(self) -> str:
        """ISO 3166-1 alpha-3 code."""
        return str(self.model.iso3[self.index])

    @property
    def name(self) -> str:
        """Short name."""
        return self.model.world.countries.at[self.index, "name"]

    @property
    def gdp_usd(self) -> float:
        """GDP, US$."""
        return float(self.model.gdp_usd[self.index])

    @property
    def population(self) -> float:
        """Population."""
        return float(self.model.population[self.index])

    @property
    def milex_usd(self) -> float:
        """Military expenditure, US$."""
        return float(self.model.milex_usd[self.index])

    @property
    def capability(self) -> float:
        """Share of the world's composite capability."""
        return float(self.model.capability[self.index])

    @property
    def exports_usd(self) -> float:
        """This year's exports, US$."""
        return float(self.model.trade_usd[self.index].sum())

    @property
    def imports_usd(self) -> float:
        """This year's imports, US$."""
        return float(self.model.trade_usd[:, self.index].sum())

    @property
    def bloc_name(self) -> str:
        """Name of the country's bloc, or "nonaligned"."""
        bloc = self.model.bloc[self.index]
        return self.model.blocs[bloc].name if bloc >= 0 else "nonaligned"

    @property
    def strategy(self) -> str:
        """Name of the country's alignment strategy."""
        return str(self.model.strategies[self.index])

    @property
    def non_dollar_share(self) -> float:
        """Share of the country's trade settled outside the dollar system."""
        return float(self.model.non_dollar_share[self.index])

    def affinity_to(self, iso3: str) -> float:
        """Affinity to another country (NaN if it is not in the scenario)."""
        other = self.model.row.get(iso3)
        return float(self.model.affinity[self.index, other]) if other is not None else np.nan

    def is_member(self, organisation: str) -> bool:
        """Whether the country belongs to an organisation (e.g. "nato"), as of now."""
        return bool(self.model.memberships[organisation][self.index])

    def __repr__(self) -> str:
        """Show code and GDP."""
        return f"Country({self.iso3}, gdp_usd={self.gdp_usd:.3g})"
