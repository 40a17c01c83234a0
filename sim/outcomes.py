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


#: The outcomes' names, formatted once (the yearly row is built in every step).
_GDP_SHARE_NAMES = tuple(f"gdp_share_{a}" for a in TRACKED_ACTORS)
_CAPABILITY_SHARE_NAMES = tuple(f"capability_share_{a}" for a in TRACKED_ACTORS)
#: (a bloc group's index in ALIGNMENTS, its size, capability and GDP share names).
_BLOC_GROUP_NAMES = tuple(
    (
        ALIGNMENTS.index(name),
        f"bloc_size_{name}",
        f"capability_share_bloc_{name}",
        f"gdp_share_bloc_{name}",
    )
    for name in (*INITIAL_BLOCS, "other")
)
_SHARE_NAMES = {
    group: tuple(f"{group}_share_{name}" for name in ALIGNMENTS)
    for group in ("global_south", "brics_plus")
}
_NONALIGNED = ALIGNMENTS.index("nonaligned")
_OTHER = ALIGNMENTS.index("other")


def yearly_outcomes(model: WorldModel) -> dict[str, float]:
    """All yearly outcomes of the model's current state (plain floats and ints)."""
    gdp, cap, bloc = model.gdp_usd, model.capability, model.bloc
    row = model.row
    world_gdp = gdp.sum()
    weights = model.actor_weights
    missing = np.where(weights.any(axis=1), 0.0, np.nan)  # an absent actor records NaN
    gdp_share = (weights @ gdp / world_gdp + missing).tolist()
    cap_share = (weights @ cap + missing).tolist()
    trade = model.trade_usd
    exports, imports = trade.sum(axis=1), trade.sum(axis=0)
    total = exports.sum()
    out: dict[str, float] = {
        "year": int(model.year),
        "gdp_world_usd": float(world_gdp),
        "trade_world_usd": float(total),
    }
    out.update(zip(_GDP_SHARE_NAMES, gdp_share, strict=True))
    out.update(zip(_CAPABILITY_SHARE_NAMES, cap_share, strict=True))

    members = model.membership()
    bloc_cap = cap @ members
    active = members.sum(axis=0) > 0
    nonaligned = bloc < 0
    poles = np.concatenate([bloc_cap[active], cap[nonaligned]])
    out["polarity"] = float(1.0 / np.sum(poles**2))
    out["n_blocs"] = int(np.count_nonzero(active))
    out["nonaligned_count"] = int(np.count_nonzero(nonaligned))

    names = [b.name for b in model.blocs]
    # each country's alignment as an index into ALIGNMENTS; bloc -1 takes the last entry
    of_bloc = [ALIGNMENTS.index(name) if name in INITIAL_BLOCS else _OTHER for name in names]
    alignment = np.array([*of_bloc, _NONALIGNED])[bloc]
    for k, size_name, cap_name, gdp_name in _BLOC_GROUP_NAMES:
        mask = alignment == k
        out[size_name] = int(np.count_nonzero(mask))
        # capability shares sum to 1 up to rounding: a bloc of every country reads 1, not 1 + ulp
        out[cap_name] = min(float(cap[mask].sum()), 1.0)
        out[gdp_name] = float(gdp[mask].sum() / world_gdp)
    for name in INITIAL_BLOCS:
        # a bloc that has dissolved (or never existed in the scenario) has no pair of members:
        # its cohesion is recorded as 0, no ties (`bloc_size_<name>` = 0 says it is absent)
        rows = np.flatnonzero(bloc == names.index(name)) if name in names else ()
        value = cohesion_of(model.affinity, rows)
        out[f"bloc_cohesion_{name}"] = 0.0 if np.isnan(value) else value

    rus, chn, usa = row.get("RUS"), row.get("CHN"), row.get("USA")
    if rus is not None and chn is not None:
        aligned = bool(bloc[rus] >= 0 and bloc[rus] == bloc[chn])
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
        size = len(in_group)
        # count / size: the same float as the mean of the flags, without np.mean's overhead
        counts = np.bincount(in_group, minlength=len(ALIGNMENTS)).tolist()
        out.update(
            zip(_SHARE_NAMES[group], (c / size if size else np.nan for c in counts), strict=True)
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

    out["non_dollar_share_CHN"] = float(share[chn]) if chn is not None else np.nan
    out["non_dollar_share_RUS"] = float(share[rus]) if rus is not None else np.nan
    for a, b in GREAT_POWER_PAIRS:
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
