"""Yearly outcomes: the DataCollector's model reporters, as one function over the model.

Names are snake_case with units or groups in them. Blocs present in 2025 ("West",
"Eurasia") have their own columns; blocs founded later are summed in `*_bloc_other`.
Polarity is the effective number of poles over capability shares (Laakso & Taagepera 1979),
each bloc one pole and each non-aligned country its own pole. The sums are one compiled pass
(`outcome_terms_kernel`, beside its numpy reference), and the whole row one compiled call
(`outcome_row_kernel`, which adds the shares and look-ups of `yearly_outcomes_reference`).
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.blocs import bloc_sums, cohesion_of, membership_matrix
from sim.council.session import SPONSOR_GROUPS
from sim.kernels import bloc_members, pairwise_sum

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
#: The yearly outcomes in the order `yearly_outcomes` returns them (OUTCOME_NAMES' order but
#: for the tracked bloc groups' size and shares, given group by group before the cohesion).
ROW_ORDER = (
    *OUTCOME_NAMES[: OUTCOME_NAMES.index("bloc_size_West")],
    *(name for _, *names in _BLOC_GROUP_NAMES for name in names),
    *(f"bloc_cohesion_{name}" for name in INITIAL_BLOCS),
    *OUTCOME_NAMES[OUTCOME_NAMES.index("ru_cn_aligned") :],
)
#: Where `outcome_row_kernel`'s row holds the outcomes that `yearly_outcomes` completes.
_ROW_SIZE = len(ROW_ORDER)
_TRADE, _WARS = ROW_ORDER.index("trade_world_usd"), ROW_ORDER.index("wars_ongoing")
_INTRA = ROW_ORDER.index("intra_bloc_trade_share")
_ALIGNED, _SPLIT = ROW_ORDER.index("ru_cn_aligned"), ROW_ORDER.index("ru_cn_split_year")
_GDP_YEAR = ROW_ORDER.index("year_gdp_CHN_passes_USA")
_CAPABILITY_YEAR = ROW_ORDER.index("year_capability_CHN_passes_USA")
_INTEGERS = tuple(
    ROW_ORDER.index(name)
    for name in ("n_blocs", "nonaligned_count", *(names[1] for names in _BLOC_GROUP_NAMES))
)


def yearly_outcomes(model: WorldModel) -> dict[str, float]:
    """All yearly outcomes of the model's current state (plain floats and ints).

    The row is one compiled call (`outcome_row_kernel`: `outcome_terms_kernel`'s sums, then
    the shares and look-ups of `yearly_outcomes_reference`, in its order), which also
    updates the years of the Russia-China split and of China passing the United States.
    Left here: the sum of trade within blocs (Python's `sum`, which compensates rounding),
    the integers and the model's state.
    """
    row, years = model.row, model.transition_years
    flat = outcome_row_kernel(
        *terms_inputs(model),
        row.get("RUS", -1),
        row.get("CHN", -1),
        row.get("USA", -1),
        int(model.year),
        bool(model._ru_cn_were_aligned),
        float(model.ru_cn_split_year),
        float(years["gdp"]),
        float(years["capability"]),
    )
    values = flat.tolist()
    within = values[_ROW_SIZE:]  # trade within each bloc
    del values[_ROW_SIZE:]
    total = values[_TRADE]
    if total > 0:  # min: the two sums round differently when all trade is within blocs
        values[_INTRA] = min(sum(within) / total, 1.0)
    for k in _INTEGERS:
        values[k] = int(values[k])
    values[0], values[_WARS] = int(model.year), len(model.conflicts)
    aligned = values[_ALIGNED]
    if aligned == aligned:  # Russia and China are both in the world
        model._ru_cn_were_aligned = aligned == 1.0
        values[_ALIGNED] = int(aligned)
    model.ru_cn_split_year = values[_SPLIT]
    years["gdp"], years["capability"] = values[_GDP_YEAR], values[_CAPABILITY_YEAR]
    return dict(zip(ROW_ORDER, values, strict=True))


def terms_inputs(model: WorldModel) -> tuple:
    """`outcome_terms_kernel`'s arguments: the model's state and its blocs' groups."""
    group_of, tracked = bloc_groups(tuple([b.name for b in model.blocs]))
    return (
        model._gdp_usd,
        model._capability,
        model._trade_usd,
        model.bloc,
        group_of,
        model.actor_weights,
        model.affinity,
        tracked,
        model.non_dollar_share,
        model.global_south,
        model.brics_plus,
    )


@functools.cache
def bloc_groups(names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each bloc's alignment group (an index into ALIGNMENTS) and the INITIAL_BLOCS' indices.

    Made once per list of bloc names (read-only int64 arrays; -1: a tracked bloc absent).
    """
    group_of = np.array(
        [ALIGNMENTS.index(name) if name in INITIAL_BLOCS else _OTHER for name in names],
        dtype=np.int64,
    )
    tracked = np.array(
        [names.index(name) if name in names else -1 for name in INITIAL_BLOCS], dtype=np.int64
    )
    group_of.flags.writeable = tracked.flags.writeable = False
    return group_of, tracked


def yearly_outcomes_reference(model: WorldModel) -> dict[str, float]:
    """`yearly_outcomes` with the row assembled in Python; `outcome_row_kernel`'s reference.

    The sums over countries and pairs are one compiled pass (`outcome_terms_kernel`); the
    rest are look-ups.
    """
    inputs = terms_inputs(model)
    gdp, cap, trade, bloc = inputs[:4]
    tracked = inputs[7]  # the INITIAL_BLOCS' indices (`bloc_groups`)
    row = model.row
    names = [b.name for b in model.blocs]
    flat = outcome_terms_kernel(*inputs)
    terms, gdp_share, cap_share, groups, cohesion, counts, within, touching = split_terms(
        flat.tolist(), len(TRACKED_ACTORS), len(names)
    )
    world_gdp, total, outside, polarity, n_blocs, n_nonaligned = terms
    out: dict[str, float] = {
        "year": int(model.year),
        "gdp_world_usd": world_gdp,
        "trade_world_usd": total,
    }
    out.update(zip(_GDP_SHARE_NAMES, gdp_share, strict=True))
    out.update(zip(_CAPABILITY_SHARE_NAMES, cap_share, strict=True))
    out["polarity"] = polarity
    out["n_blocs"] = int(n_blocs)
    out["nonaligned_count"] = int(n_nonaligned)

    for (_, size_name, cap_name, gdp_name), (size, cap_sum, gdp_sum) in zip(
        _BLOC_GROUP_NAMES, groups, strict=True
    ):
        out[size_name] = int(size)
        # capability shares sum to 1 up to rounding: a bloc of every country reads 1, not 1 + ulp
        out[cap_name] = min(cap_sum, 1.0)
        out[gdp_name] = gdp_sum / world_gdp
    for name, value in zip(INITIAL_BLOCS, cohesion, strict=True):
        # a bloc that has dissolved (or never existed in the scenario) has no pair of members:
        # its cohesion is recorded as 0, no ties (`bloc_size_<name>` = 0 says it is absent)
        out[f"bloc_cohesion_{name}"] = 0.0 if math.isnan(value) else value

    rus, chn, usa = row.get("RUS"), row.get("CHN"), row.get("USA")
    if rus is not None and chn is not None:
        aligned = bool(bloc[rus] >= 0 and bloc[rus] == bloc[chn])
        # a split is the first year apart after a year together (none if never together)
        if not aligned and model._ru_cn_were_aligned and math.isnan(model.ru_cn_split_year):
            model.ru_cn_split_year = float(model.year)
        model._ru_cn_were_aligned = aligned
        out["ru_cn_aligned"] = int(aligned)
    else:
        out["ru_cn_aligned"] = np.nan
    out["ru_cn_split_year"] = model.ru_cn_split_year

    for group, group_counts in zip(("global_south", "brics_plus"), counts, strict=True):
        size = sum(group_counts)
        # count / size: the same float as the mean of the flags
        shares_of = (c / size if size else np.nan for c in group_counts)
        out.update(zip(_SHARE_NAMES[group], shares_of, strict=True))

    # min: the two sums round differently when all trade is within blocs
    out["intra_bloc_trade_share"] = min(sum(within) / total, 1.0) if total > 0 else np.nan
    for name, b in zip(INITIAL_BLOCS, tracked.tolist(), strict=True):
        # an absent bloc trades nothing within itself: 0, as its cohesion
        out[f"bloc_internal_trade_share_{name}"] = (
            min(within[b] / touching[b], 1.0) if b >= 0 and touching[b] > 0 else 0.0
        )
    # a flow is settled outside the dollar in the mean of its two partners' shares
    out["non_dollar_trade_share"] = min(outside / total, 1.0) if total > 0 else np.nan

    share = model.non_dollar_share
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
            and math.isnan(model.transition_years[kind])
            and values[chn] > values[usa]
        ):
            model.transition_years[kind] = float(model.year)
        out[f"year_{kind}_CHN_passes_USA"] = model.transition_years[kind]
    return out


def split_terms(flat, n_actors: int, n_blocs: int) -> tuple:
    """`outcome_terms_kernel`'s flat results (a list or an array) as its eight parts.

    Returns:
        terms (6), gdp_share (A), cap_share (A), groups (3 rows of 3), cohesion (2), counts
        (2 rows of 4), within (B), touching (B); rows as lists or arrays, as `flat`.
    """
    a, b, g = n_actors, n_blocs, len(ALIGNMENTS)
    cuts = np.cumsum([6, a, a, 9, 2, 2 * g, b, b]).tolist()
    terms, gdp_share, cap_share, groups, cohesion, counts, within, touching = (
        flat[start:stop] for start, stop in zip([0, *cuts], cuts, strict=False)
    )
    groups = [groups[0:3], groups[3:6], groups[6:9]]
    counts = [counts[:g], counts[g:]]
    return terms, gdp_share, cap_share, groups, cohesion, counts, within, touching


def outcome_terms_reference(
    gdp, cap, trade, bloc, group_of, weights, affinity, tracked, share, south, brics
):
    """The yearly outcomes' sums in numpy; `outcome_terms_kernel` computes the same.

    Args:
        gdp: (N,) GDP.
        cap: (N,) capability.
        trade: (N, N) flows, row = exporter.
        bloc: (N,) each country's bloc (-1: non-aligned).
        group_of: (B,) each bloc's alignment group (an index into ALIGNMENTS).
        weights: (A, N) the tracked actors' countries (`actor_weights`).
        affinity: (N, N) affinity.
        tracked: (2,) the blocs of INITIAL_BLOCS (-1: absent).
        share: (N,) non-dollar settlement shares.
        south: (N,) bool, the Global South (`global_south`).
        brics: (N,) bool, BRICS members and partners (`brics_plus`).

    Returns:
        One flat array (one array: numba returns each at a cost; `split_terms` parts it):
        terms: (6,) world GDP, world trade, non-dollar trade, polarity, active blocs,
            non-aligned countries;
        shares: (2, A) the tracked actors' GDP and capability shares (NaN: absent);
        groups: (3, 3) per bloc group (the initial blocs, other): countries, capability, GDP;
        cohesion: (2,) the tracked blocs' cohesion (NaN: fewer than 2 members);
        counts: (2, 4) countries of each group (Global South, BRICS+) per alignment;
        within: (B,) trade within each bloc; touching: (B,) trade with a member at one end.
    """
    exports = trade.sum(axis=1)
    world_gdp = gdp.sum()
    missing = np.where(weights.any(axis=1), 0.0, np.nan)  # an absent actor records NaN
    shares = np.array([weights @ gdp / world_gdp + missing, weights @ cap + missing])
    imports = trade.sum(axis=0)
    total = exports.sum()
    members = membership_matrix(bloc, len(group_of))
    bloc_cap = cap @ members
    active = members.sum(axis=0) > 0
    nonaligned = bloc < 0
    poles = np.concatenate([bloc_cap[active], cap[nonaligned]])
    # each country's alignment as an index into ALIGNMENTS; bloc -1 takes the last entry
    alignment = np.array([*group_of.tolist(), _NONALIGNED], dtype=np.int64)[bloc]
    groups = np.array(
        [
            [np.count_nonzero(alignment == k), cap[alignment == k].sum(), gdp[alignment == k].sum()]
            for k in range(_NONALIGNED)
        ]
    )
    cohesion = np.array(
        [cohesion_of(affinity, np.flatnonzero(bloc == b)) if b >= 0 else np.nan for b in tracked]
    )
    among = bloc_sums(trade, members) * members  # (N, B): i's exports to its own bloc
    within = among.sum(axis=0)
    touching = (exports + imports) @ members - within  # every flow with a member at one end
    outside = 0.5 * (share @ exports + share @ imports)
    counts = np.array(
        [np.bincount(alignment[m], minlength=len(ALIGNMENTS)) for m in (south, brics)]
    )
    terms = np.array(
        [
            world_gdp,
            total,
            outside,
            1.0 / np.sum(poles**2),
            np.count_nonzero(active),
            np.count_nonzero(nonaligned),
        ]
    )
    parts = (terms, shares, groups, cohesion, counts, within, touching)
    return np.concatenate([np.ravel(part).astype(float) for part in parts])


@njit(cache=True, nogil=True, inline="always")
def _row_sum(values):
    """The sum of a 1-D array in eight interleaved partial sums (then the rest in order)."""
    r0 = r1 = r2 = r3 = r4 = r5 = r6 = r7 = 0.0
    for p in range(len(values) // 8):
        r0 += values[8 * p]
        r1 += values[8 * p + 1]
        r2 += values[8 * p + 2]
        r3 += values[8 * p + 3]
        r4 += values[8 * p + 4]
        r5 += values[8 * p + 5]
        r6 += values[8 * p + 6]
        r7 += values[8 * p + 7]
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for p in range(len(values) - len(values) % 8, len(values)):
        total += values[p]
    return total


@njit(cache=True, nogil=True)
def outcome_terms_kernel(
    gdp, cap, trade, bloc, group_of, weights, affinity, tracked, share, south, brics
):
    """`outcome_terms_reference` in one pass over the flows.

    numpy's own sums (`ndarray.sum`: world GDP and trade from the exports, imports, the
    groups' capability and GDP, cohesion's sub-matrix, polarity's squares) are reproduced
    bit for bit (`pairwise_sum`); the exports (numpy's row sums) are added here in eight
    interleaved partial sums, and the reference's matrix products (BLAS: the tracked actors'
    shares, the blocs' capability, trade within and touching each bloc, non-dollar trade) in
    country order instead, equal within 1e-12 relative (rounding only, the terms not
    negative; the tracked actors' and blocs' capability and GDP sums, the world trade and
    what is made of them).
    """
    n, n_blocs, n_actors = len(gdp), len(group_of), weights.shape[0]
    world_gdp = pairwise_sum(gdp)
    shares = np.empty((2, n_actors))
    for a in range(n_actors):
        gdp_sum, cap_sum, present = 0.0, 0.0, False
        for i in range(n):
            present = present or weights[a, i] != 0.0
            gdp_sum += weights[a, i] * gdp[i]
            cap_sum += weights[a, i] * cap[i]
        missing = 0.0 if present else np.nan
        shares[0, a] = gdp_sum / world_gdp + missing
        shares[1, a] = cap_sum + missing

    start, order = bloc_members(bloc, n_blocs)  # b's members: order[start[b]:start[b + 1]]
    imports, within, exports = np.zeros(n), np.zeros(n_blocs), np.empty(n)
    for i in range(n):
        for j in range(n):
            imports[j] += trade[i, j]
        exports[i] = _row_sum(trade[i])
        b = bloc[i]
        if b >= 0:
            own = 0.0
            for k in range(start[b], start[b + 1]):
                own += trade[i, order[k]]
            within[b] += own
    total = pairwise_sum(exports)

    alignment = np.empty(n, dtype=np.int64)
    size, bloc_cap, touching = np.zeros(n_blocs, np.int64), np.zeros(n_blocs), np.zeros(n_blocs)
    outside_x, outside_m = 0.0, 0.0
    n_nonaligned = 0
    for i in range(n):
        b = bloc[i]
        if b >= 0:
            alignment[i] = group_of[b]
            size[b] += 1
            bloc_cap[b] += cap[i]
            touching[b] += exports[i] + imports[i]
        else:
            alignment[i] = _NONALIGNED
            n_nonaligned += 1
        outside_x += share[i] * exports[i]
        outside_m += share[i] * imports[i]
    touching -= within
    squares = np.empty(n_blocs + n)
    n_poles = 0
    for b in range(n_blocs):
        if size[b] > 0:
            squares[n_poles] = bloc_cap[b] ** 2
            n_poles += 1
    n_active = n_poles
    for i in range(n):
        if bloc[i] < 0:
            squares[n_poles] = cap[i] ** 2
            n_poles += 1

    groups = np.zeros((_NONALIGNED, 3))
    values = np.empty((2, n))
    for k in range(_NONALIGNED):
        count = 0
        for i in range(n):
            if alignment[i] == k:
                values[0, count], values[1, count] = cap[i], gdp[i]
                count += 1
        groups[k, 0] = count
        groups[k, 1] = pairwise_sum(values[0, :count])
        groups[k, 2] = pairwise_sum(values[1, :count])

    cohesion = np.full(len(tracked), np.nan)
    rows = np.empty(n, dtype=np.int64)
    for t in range(len(tracked)):
        m = 0
        for i in range(n):
            if tracked[t] >= 0 and bloc[i] == tracked[t]:
                rows[m] = i
                m += 1
        if m >= 2:
            sub = np.empty(m * m)
            for r in range(m):
                for c in range(m):
                    sub[r * m + c] = affinity[rows[r], rows[c]]
            cohesion[t] = (pairwise_sum(sub) - m) / (m * (m - 1))

    counts = np.zeros((2, _NONALIGNED + 1), np.int64)
    for i in range(n):
        if south[i]:
            counts[0, alignment[i]] += 1
        if brics[i]:
            counts[1, alignment[i]] += 1
    terms = np.array(
        [
            world_gdp,
            total,
            0.5 * (outside_x + outside_m),
            1.0 / pairwise_sum(squares[:n_poles]),
            float(n_active),
            float(n_nonaligned),
        ]
    )
    n_groups = _NONALIGNED + 1
    flat = np.empty(6 + 2 * n_actors + 9 + 2 + 2 * n_groups + 2 * n_blocs)
    flat[:6] = terms
    at = 6
    for part in (shares.ravel(), groups.ravel(), cohesion, counts.ravel().astype(np.float64)):
        flat[at : at + len(part)] = part
        at += len(part)
    flat[at : at + n_blocs] = within
    flat[at + n_blocs :] = touching
    return flat


@njit(cache=True, nogil=True, inline="always")
def _at_most_one(x):
    """min(x, 1.0) as Python computes it (x itself unless 1.0 < x; a NaN stays NaN)."""
    return 1.0 if 1.0 < x else x


@njit(cache=True, nogil=True)
def outcome_row_kernel(
    gdp,
    cap,
    trade,
    bloc,
    group_of,
    weights,
    affinity,
    tracked,
    share,
    south,
    brics,
    rus,
    chn,
    usa,
    year,
    were_aligned,
    split_year,
    gdp_year,
    cap_year,
):
    """`yearly_outcomes_reference`'s row in ROW_ORDER, as floats, then the trade within blocs.

    `outcome_terms_kernel`'s sums, then the same arithmetic as the reference (Python's
    `min(x, 1.0)`, its divisions and conditions) in one call. The first eleven arguments are
    `outcome_terms_kernel`'s; `rus`, `chn`, `usa` those countries' rows (-1: absent); `year`,
    `were_aligned`, `split_year`, `gdp_year`, `cap_year` the model's year and its state
    before this year's record. The row ends in the state after it (the split year and the
    two passing years, NaN: not yet). Left NaN or 0 for the caller: intra-bloc trade share
    (Python's compensated `sum` of the trade within blocs, the last B entries), the number
    of wars; the year, counts and sizes are integral floats, `ru_cn_aligned` 1, 0 or NaN.
    """
    n_actors, n_blocs, n_groups = weights.shape[0], len(group_of), _NONALIGNED + 1
    flat = outcome_terms_kernel(
        gdp, cap, trade, bloc, group_of, weights, affinity, tracked, share, south, brics
    )
    world_gdp, total, outside = flat[0], flat[1], flat[2]
    at_groups = 6 + 2 * n_actors
    at_counts = at_groups + 3 * _NONALIGNED + len(tracked)
    at_within = at_counts + 2 * n_groups
    at_touching = at_within + n_blocs
    row = np.empty(_ROW_SIZE + n_blocs)
    row[0], row[1], row[2] = float(year), world_gdp, total
    k = 3
    for a in range(2 * n_actors):  # the tracked actors' GDP, then capability shares
        row[k] = flat[6 + a]
        k += 1
    row[k], row[k + 1], row[k + 2] = flat[3], flat[4], flat[5]  # polarity, blocs, non-aligned
    k += 3
    for t in range(_NONALIGNED):  # per bloc group: size, capability share, GDP share
        at = at_groups + 3 * t
        row[k], row[k + 1] = flat[at], _at_most_one(flat[at + 1])
        row[k + 2] = flat[at + 2] / world_gdp
        k += 3
    for t in range(len(tracked)):  # a bloc without a pair of members: cohesion 0
        value = flat[at_groups + 3 * _NONALIGNED + t]
        row[k] = 0.0 if value != value else value
        k += 1
    if rus >= 0 and chn >= 0:
        aligned = bloc[rus] >= 0 and bloc[rus] == bloc[chn]
        if not aligned and were_aligned and split_year != split_year:
            split_year = float(year)  # the first year apart after a year together
        row[k] = 1.0 if aligned else 0.0
    else:
        row[k] = np.nan
    row[k + 1] = split_year
    k += 2
    for t in range(2):  # the Global South's and BRICS+'s shares per alignment
        at = at_counts + t * n_groups
        size = 0.0
        for c in range(n_groups):
            size += flat[at + c]
        for c in range(n_groups):
            row[k] = flat[at + c] / size if size != 0.0 else np.nan
            k += 1
    row[k] = np.nan  # intra_bloc_trade_share: the caller's
    k += 1
    for t in range(len(tracked)):
        b = tracked[t]
        within, touching = flat[at_within + b], flat[at_touching + b]
        row[k] = _at_most_one(within / touching) if b >= 0 and touching > 0 else 0.0
        k += 1
    row[k] = _at_most_one(outside / total) if total > 0 else np.nan
    row[k + 1] = share[chn] if chn >= 0 else np.nan
    row[k + 2] = share[rus] if rus >= 0 else np.nan
    k += 3
    for a, b in ((usa, chn), (usa, rus), (rus, chn)):  # GREAT_POWER_PAIRS
        row[k] = affinity[a, b] if a >= 0 and b >= 0 else np.nan
        k += 1
    row[k] = trade[rus, chn] + trade[chn, rus] if rus >= 0 and chn >= 0 else np.nan
    row[k + 1] = 0.0  # wars_ongoing: the caller's
    if chn >= 0 and usa >= 0 and gdp_year != gdp_year and gdp[chn] > gdp[usa]:
        gdp_year = float(year)
    if chn >= 0 and usa >= 0 and cap_year != cap_year and cap[chn] > cap[usa]:
        cap_year = float(year)
    row[k + 2], row[k + 3] = gdp_year, cap_year
    row[_ROW_SIZE:] = flat[at_within:at_touching]
    return row


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
