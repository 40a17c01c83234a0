"""Yearly outcomes: the DataCollector's model reporters, as one function over the model.

Names are snake_case with units or groups in them. Blocs present in 2025 ("West",
"Eurasia") have their own columns; blocs founded later are summed in `*_bloc_other`.
Polarity is the effective number of poles over capability shares (Laakso & Taagepera 1979),
each bloc one pole and each non-aligned country its own pole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.blocs import bloc_sums, cohesion_of
from sim.council.session import SPONSOR_GROUPS

if TYPE_CHECKING:
    from sim.model import WorldModel

#: Actors whose GDP and capability shares are recorded every year ("EU": the 27 together).
TRACKED_ACTORS = ("USA", "CHN", "RUS", "IND", "EU")
#: The blocs the shipped worlds start with, tracked by name (their `scenario.yaml`).
INITIAL_BLOCS = ("West", "Eurasia")
#: The Global South: members of the African, Asia-Pacific and Latin American and Caribbean
#: UN regional groups, less China, Japan and South Korea (a common convention, close to the
#: G77's membership; UNCTAD uses a similar economic grouping).
GLOBAL_SOUTH_GROUPS = ("African", "Asia-Pacific", "GRULAC")
GLOBAL_SOUTH_EXCLUDED = ("CHN", "JPN", "KOR")
ALIGNMENTS = (*INITIAL_BLOCS, "other", "nonaligned")
#: The great-power triangle whose affinities are recorded every year.
GREAT_POWER_PAIRS = (("USA", "CHN"), ("USA", "RUS"), ("RUS", "CHN"))

#: Outcomes that may be NaN in a world that has every actor they name: years of events that
#: have not happened (yet), and the Council's shares over an empty set of drafts (no draft
#: tabled, or none sponsored by a group). Every other outcome is always a number there.
MAY_BE_NAN = (
    "ru_cn_split_year",
    "year_gdp_CHN_passes_USA",
    "year_capability_CHN_passes_USA",
    "adoption_share",
    "p5_agreement",
    *(f"sponsor_success_{group}" for group in SPONSOR_GROUPS),
)

OUTCOME_NAMES: tuple[str, ...] = (
    "year",
    "gdp_world_usd",
    "trade_world_usd",
    *(f"gdp_share_{a}" for a in TRACKED_ACTORS),
    *(f"capability_share_{a}" for a in TRACKED_ACTORS),
    "polarity",
    "n_blocs",
    "nonaligned_count",
    *(f"bloc_size_{b}" for b in (*INITIAL_BLOCS, "other")),
    *(f"bloc_cohesion_{b}" for b in INITIAL_BLOCS),
    *(f"capability_share_bloc_{b}" for b in (*INITIAL_BLOCS, "other")),
    *(f"gdp_share_bloc_{b}" for b in (*INITIAL_BLOCS, "other")),
    "ru_cn_aligned",
    "ru_cn_split_year",
    *(f"global_south_share_{a}" for a in ALIGNMENTS),
    *(f"brics_plus_share_{a}" for a in ALIGNMENTS),
    "intra_bloc_trade_share",
    *(f"bloc_internal_trade_share_{b}" for b in INITIAL_BLOCS),
    "non_dollar_trade_share",
    *(f"non_dollar_share_{c}" for c in ("CHN", "RUS")),
    *(f"affinity_{a}_{b}" for a, b in GREAT_POWER_PAIRS),
    "trade_RUS_CHN_usd",
    "wars_ongoing",
    "year_gdp_CHN_passes_USA",
    "year_capability_CHN_passes_USA",
)


def brics_plus(countries) -> np.ndarray:
    """(N,) bool: a BRICS member or partner country in the scenario's data (its start year)."""
    return countries["brics"].to_numpy(bool) | countries["brics_partner"].to_numpy(bool)


def global_south(countries) -> np.ndarray:
    """(N,) bool: the country belongs to the Global South (see GLOBAL_SOUTH_GROUPS).

    Args:
        countries: A scenario's country table.
    """
    return (
        countries["un_regional_group"].isin(GLOBAL_SOUTH_GROUPS).to_numpy()
        & ~countries["iso3"].isin(GLOBAL_SOUTH_EXCLUDED).to_numpy()
    )


def actor_weights(iso3: np.ndarray, eu: np.ndarray) -> np.ndarray:
    """(A, N) 0/1 rows selecting each tracked actor's countries.

    Args:
        iso3: Country codes (N,).
        eu: EU membership (N,).
    """
    return np.array([eu if a == "EU" else iso3 == a for a in TRACKED_ACTORS], dtype=float)


def yearly_outcomes(model: WorldModel) -> dict[str, float]:
    """All yearly outcomes of the model's current state (plain floats and ints)."""
    gdp, cap, bloc = model.gdp_usd, model.capability, model.bloc
    world_gdp = gdp.sum()
    weights = model.actor_weights
    missing = np.where(weights.any(axis=1), 0.0, np.nan)  # an absent actor records NaN
    gdp_share = weights @ gdp / world_gdp + missing
    cap_share = weights @ cap + missing
    trade = model.trade_usd
    exports, imports = trade.sum(axis=1), trade.sum(axis=0)
    total = exports.sum()
    out: dict[str, float] = {
        "year": int(model.year),
        "gdp_world_usd": float(world_gdp),
        "trade_world_usd": float(total),
    }
    out.update({f"gdp_share_{a}": float(v) for a, v in zip(TRACKED_ACTORS, gdp_share, strict=True)})
    out.update(
        {f"capability_share_{a}": float(v) for a, v in zip(TRACKED_ACTORS, cap_share, strict=True)}
    )

    members = model.membership()
    bloc_cap = cap @ members
    active = members.sum(axis=0) > 0
    poles = np.concatenate([bloc_cap[active], cap[bloc < 0]])
    out["polarity"] = float(1.0 / np.sum(poles**2))
    out["n_blocs"] = int(active.sum())
    out["nonaligned_count"] = int((bloc < 0).sum())

    names = [b.name for b in model.blocs]
    # each country's alignment as an index into ALIGNMENTS; bloc -1 takes the last entry
    of_bloc = [ALIGNMENTS.index(name if name in INITIAL_BLOCS else "other") for name in names]
    alignment = np.array([*of_bloc, ALIGNMENTS.index("nonaligned")])[bloc]
    for name in (*INITIAL_BLOCS, "other"):
        mask = alignment == ALIGNMENTS.index(name)
        out[f"bloc_size_{name}"] = int(mask.sum())
        # capability shares sum to 1 up to rounding: a bloc of every country reads 1, not 1 + ulp
        out[f"capability_share_bloc_{name}"] = min(float(cap[mask].sum()), 1.0)
        out[f"gdp_share_bloc_{name}"] = float(gdp[mask].sum() / world_gdp)
    for name in INITIAL_BLOCS:
        # a bloc that has dissolved (or never existed in the scenario) has no pair of members:
        # its cohesion is recorded as 0, no ties (`bloc_size_<name>` = 0 says it is absent)
        rows = np.flatnonzero(bloc == names.index(name)) if name in names else ()
        value = cohesion_of(model.affinity, rows)
        out[f"bloc_cohesion_{name}"] = 0.0 if np.isnan(value) else value

    if "RUS" in model.row and "CHN" in model.row:
        rus, chn = bloc[model.row["RUS"]], bloc[model.row["CHN"]]
        aligned = bool(rus >= 0 and rus == chn)
        # a split is the first year apart after a year together (none if never together)
        if not aligned and model._ru_cn_were_aligned and np.isnan(model.ru_cn_split_year):
            model.ru_cn_split_year = float(model.year)
        model._ru_cn_were_aligned = aligned
        out["ru_cn_aligned"] = int(aligned)
    else:
        out["ru_cn_aligned"] = np.nan
    out["ru_cn_split_year"] = model.ru_cn_split_year

    for group, mask in (("global_south", model.global_south), ("brics_plus", model.brics_plus)):
        in_group = alignment[mask]
        for k, name in enumerate(ALIGNMENTS):
            # count / size: the same float as the mean of the flags, without np.mean's overhead
            out[f"{group}_share_{name}"] = (
                int(np.count_nonzero(in_group == k)) / len(in_group) if len(in_group) else np.nan
            )

    among = bloc_sums(trade, members) * members  # (N, B): i's exports to its own bloc
    within = among.sum(axis=0)
    # min: the two sums round differently when all trade is within blocs
    out["intra_bloc_trade_share"] = float(min(within.sum() / total, 1.0)) if total > 0 else np.nan
    touching = (exports + imports) @ members - within  # every flow with a member at one end
    for name in INITIAL_BLOCS:
        b = names.index(name) if name in names else -1
        # an absent bloc trades nothing within itself: 0, as its cohesion
        out[f"bloc_internal_trade_share_{name}"] = (
            float(min(within[b] / touching[b], 1.0)) if b >= 0 and touching[b] > 0 else 0.0
        )
    # a flow is settled outside the dollar in the mean of its two partners' shares
    share = model.non_dollar_share
    outside = 0.5 * (share @ exports + share @ imports)
    out["non_dollar_trade_share"] = float(min(outside / total, 1.0)) if total > 0 else np.nan

    for code in ("CHN", "RUS"):
        out[f"non_dollar_share_{code}"] = (
            float(share[model.row[code]]) if code in model.row else np.nan
        )
    for a, b in GREAT_POWER_PAIRS:
        pair = (model.row.get(a), model.row.get(b))
        out[f"affinity_{a}_{b}"] = float(model.affinity[pair]) if None not in pair else np.nan
    if "RUS" in model.row and "CHN" in model.row:
        rus, chn = model.row["RUS"], model.row["CHN"]
        out["trade_RUS_CHN_usd"] = float(trade[rus, chn] + trade[chn, rus])
    else:
        out["trade_RUS_CHN_usd"] = np.nan
    out["wars_ongoing"] = len(model.conflicts)

    for kind, values in (("gdp", gdp), ("capability", cap)):
        if (
            "CHN" in model.row
            and "USA" in model.row
            and np.isnan(model.transition_years[kind])
            and values[model.row["CHN"]] > values[model.row["USA"]]
        ):
            model.transition_years[kind] = float(model.year)
        out[f"year_{kind}_CHN_passes_USA"] = model.transition_years[kind]
    return out


def country_reporters() -> dict:
    """Agent reporters of the optional per-country yearly table."""
    return {
        "iso3": "iso3",
        "bloc": "bloc_name",
        "strategy": "strategy",
        "gdp_share": lambda a: a.gdp_usd / a.model.gdp_usd.sum(),
        "capability_share": "capability",
        "non_dollar_share": "non_dollar_share",
        "affinity_USA": lambda a: a.affinity_to("USA"),
        "affinity_CHN": lambda a: a.affinity_to("CHN"),
        "affinity_RUS": lambda a: a.affinity_to("RUS"),
    }
