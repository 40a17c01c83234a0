"""Seats of the Security Council and the yearly election of its elected members.

Seat allocation. Charter Art. 23(1) names the permanent members; Art. 23(2) gives the elected
members two-year terms, half of them elected each year, and bars immediate re-election. The
distribution by UN regional group follows General Assembly resolution 1991 A (XVIII) (1963):
five African and Asian states, one Eastern European, two Latin American and Caribbean, two
Western European and other. Practice splits the elections: in odd years (terms starting in
even years) two African, one Asia-Pacific, one GRULAC and one Eastern European seat; in even
years one African, one Asia-Pacific, one GRULAC and two WEOG seats. One seat of the odd-year
election is the "Arab swing seat", held by an Arab state and alternating between the African
and the Asia-Pacific group (Algeria, African group, elected 2023; Bahrain, Asia-Pacific,
elected 2025). `ELECTED_ALLOCATIONS` holds that pattern for 10 elected seats and documented
allocations for the 6 seats of the 1945 Charter and the 14 of the G4 draft A/59/L.64 (see
the constant); other seat counts are allocated proportionally to group sizes.

Elections. Candidates come forward by a standing score: size (log population; Dreher,
Gould, Rablen & Vreeland 2014, "The determinants of election to the United Nations Security
Council", Public Choice 158, find larger states elected more often) plus rotation pressure
(years since the state last sat, capped: groups take turns), plus noise. Each General
Assembly member votes for the candidate it likes most (affinity plus logistic noise) or for
another state when it likes none; a candidate needs two thirds of the votes (Charter Art.
18(2)). Failed ballots are repeated with the weakest candidate dropped; after `max_ballots`
the candidates withdraw for a compromise state (as Panama in 2006 after 47 ballots between
Guatemala and Venezuela).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

#: UN regional groups (the model world's `un_regional_group` values).
GROUPS = ("African", "Asia-Pacific", "Eastern European", "GRULAC", "WEOG")

#: Elected-seat allocations by number of elected seats: (cohort elected in odd years, cohort
#: elected in even years). 10: the pattern in force since 1966 (see the module docstring).
#: 6 (charter_1945): the 1946 "gentlemen's agreement" cannot be mapped onto today's groups
#: (it had Commonwealth and Middle East seats), so the six seats are shared by the largest
#: remainder over the 2024 group sizes (African 54, Asia-Pacific 53, GRULAC 33, WEOG 29,
#: Eastern European 23 of 192): African 2, Asia-Pacific 1, GRULAC 1, WEOG 1, Eastern
#: European 1, with the Arab swing seat kept in the odd-year cohort. 14 (G4 rules): A/59/L.64
#: adds one non-permanent seat each for African, Asian, Eastern European and Latin American
#: and Caribbean states: African 4, Asia-Pacific 3, GRULAC 3, Eastern European 2, WEOG 2.
ELECTED_ALLOCATIONS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    10: (
        ("African", "African", "Asia-Pacific", "GRULAC", "Eastern European"),
        ("African", "Asia-Pacific", "GRULAC", "WEOG", "WEOG"),
    ),
    6: (
        ("African", "Asia-Pacific", "Eastern European"),
        ("African", "GRULAC", "WEOG"),
    ),
    14: (
        (
            "African",
            "African",
            "Asia-Pacific",
            "Asia-Pacific",
            "GRULAC",
            "Eastern European",
            "WEOG",
        ),
        (
            "African",
            "African",
            "Asia-Pacific",
            "GRULAC",
            "GRULAC",
            "Eastern European",
            "WEOG",
        ),
    ),
}
#: An odd-year election in which the Arab swing seat is African (Algeria elected in 2023);
#: it alternates with Asia-Pacific every two years.
ARAB_SEAT_AFRICAN_YEAR = 2023

#: Permanent members in the order of Charter Art. 23(1) (China, France, the USSR/Russia, the
#: United Kingdom, the United States), then the six new permanent seats of A/59/L.64: Brazil
#: (GRULAC), Germany (WEOG), India and Japan (Asia-Pacific) as the G4 proposed, and for the
#: two African seats, which the draft leaves to the African Union, the two largest African
#: economies in the shipped 2024 data (South Africa and Egypt; an assumption of the model).
DEFAULT_PERMANENT = ("CHN", "FRA", "RUS", "GBR", "USA", "BRA", "DEU", "IND", "JPN", "ZAF", "EGY")


def cohort_of(election_year: int) -> int:
    """Cohort filled by an election held in this year: 0 in odd years, 1 in even years."""
    return 0 if election_year % 2 else 1


def arab_swing_group(election_year: int) -> str | None:
    """Group whose seat is reserved for an Arab state in this election (None in even years)."""
    if election_year % 2 == 0:
        return None
    return "African" if (election_year - ARAB_SEAT_AFRICAN_YEAR) % 4 == 0 else "Asia-Pacific"


def elected_allocation(
    elected_seats: int, group_sizes: dict[str, int]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The groups of the elected seats, split into the two yearly cohorts.

    Args:
        elected_seats: Number of elected seats of the rule.
        group_sizes: Members per regional group (for the proportional fallback).

    Returns:
        (odd-year cohort, even-year cohort), each a tuple of group names ("" = any state).
    """
    if elected_seats in ELECTED_ALLOCATIONS:
        return ELECTED_ALLOCATIONS[elected_seats]
    groups = [g for g in GROUPS if group_sizes.get(g, 0) > 0]
    if not groups:
        seats = [""] * elected_seats
    else:
        sizes = np.array([group_sizes[g] for g in groups], dtype=float)
        quota = elected_seats * sizes / sizes.sum()
        count = np.floor(quota).astype(int)
        for k in np.argsort(-(quota - count), kind="stable")[: elected_seats - count.sum()]:
            count[k] += 1
        seats = [g for g, c in zip(groups, count, strict=True) for _ in range(c)]
    return tuple(seats[0::2]), tuple(seats[1::2])


@dataclass(frozen=True)
class ElectionRules:
    """Parameters of the yearly election (see the module docstring).

    Attributes:
        size_weight: Weight of standardised log population in a state's standing.
        rotation_weight: Weight of rotation pressure (0 for a state that just left, 1 for
            one absent `rotation_horizon` years or more, or never seated in the record).
        rotation_horizon: Years after which rotation pressure is full.
        candidacy_noise: Scale of the Gumbel noise in standing.
        contested_share: Probability that a seat is contested by two candidates (else a
            clean slate of one).
        ga_noise: Scale of the logistic noise in a General Assembly member's liking.
        write_in_threshold: A member votes for another state when it likes no candidate
            more than this.
        max_ballots: Ballots before the candidates withdraw for a compromise state.
    """

    size_weight: float = 0.5
    rotation_weight: float = 2.0
    rotation_horizon: float = 10.0
    candidacy_noise: float = 1.0
    contested_share: float = 0.3
    ga_noise: float = 0.3
    write_in_threshold: float = -0.3
    max_ballots: int = 10


def standing(
    log_population: np.ndarray,
    last_term_end: np.ndarray,
    year: int,
    rules: ElectionRules,
    rng: np.random.Generator,
) -> np.ndarray:
    """Each state's standing as a candidate this year (N,), noise included.

    Computed by `standing_kernel`, the same numbers as `standing_reference`; the mean and SD
    of log population as numpy's `mean` and `std` compute them (`mean_and_sd`).
    """
    mean, sd = mean_and_sd(log_population)
    gumbel = rng.gumbel(size=len(log_population))
    return standing_kernel(
        log_population,
        mean,
        sd,
        last_term_end,
        year,
        gumbel,
        rules.size_weight,
        rules.rotation_weight,
        rules.rotation_horizon,
        rules.candidacy_noise,
    )


def mean_and_sd(values: np.ndarray) -> tuple[float, float]:
    """`values.mean()` and `values.std() or 1.0`, the same floats with less overhead.

    numpy's own steps: the mean is the sum over the count, the SD the root of the summed
    squared deviations over the count (the same `np.add.reduce`, so the same pairwise sums;
    a square root is correctly rounded in `math` as in numpy).
    """
    n = len(values)
    mean = np.add.reduce(values) / n
    deviation = values - mean
    np.multiply(deviation, deviation, out=deviation)
    return mean, math.sqrt(np.add.reduce(deviation) / n) or 1.0


def standing_reference(
    log_population: np.ndarray,
    last_term_end: np.ndarray,
    year: int,
    rules: ElectionRules,
    rng: np.random.Generator,
) -> np.ndarray:
    """`standing` in plain numpy."""
    size = (log_population - log_population.mean()) / (log_population.std() or 1.0)
    since = np.where(np.isnan(last_term_end), np.inf, year - last_term_end)
    rotation = np.minimum(since, rules.rotation_horizon) / rules.rotation_horizon
    noise = rules.candidacy_noise * rng.gumbel(size=len(size))
    return rules.size_weight * size + rules.rotation_weight * rotation + noise


@njit(cache=True, nogil=True)
def standing_kernel(
    log_population,
    mean,
    sd,
    last_term_end,
    year,
    gumbel,
    size_weight,
    rotation_weight,
    rotation_horizon,
    candidacy_noise,
):
    """`standing_reference` state by state, from the mean and SD of log population."""
    score = np.empty(len(log_population))
    for i in range(len(score)):
        size = (log_population[i] - mean) / sd
        since = np.inf if np.isnan(last_term_end[i]) else year - last_term_end[i]
        rotation = (since if since <= rotation_horizon else rotation_horizon) / rotation_horizon
        noise = candidacy_noise * gumbel[i]
        score[i] = size_weight * size + rotation_weight * rotation + noise
    return score


def best_standing_reference(score: np.ndarray, eligible: np.ndarray, count: int) -> np.ndarray:
    """Rows of the `count` eligible states of best standing, best first (ties: lower row)."""
    pool = np.flatnonzero(eligible)
    return pool[(-score[pool]).argsort(kind="stable")][:count]


@njit(cache=True, nogil=True)
def best_standing_kernel(score, eligible, count):
    """`best_standing_reference` by insertion into the few best (the stable sort's order)."""
    best = np.empty(count, dtype=np.int64)
    filled = 0
    for i in range(len(score)):
        if not eligible[i]:
            continue
        place = filled
        while place > 0 and score[i] > score[best[place - 1]]:
            place -= 1
        if place == count:
            continue
        for q in range(min(filled, count - 1), place, -1):
            best[q] = best[q - 1]
        best[place] = i
        filled = min(filled + 1, count)
    return best[:filled]


def blocked_reference(
    n: int, seats: np.ndarray, permanent_rows: np.ndarray, pending: np.ndarray
) -> np.ndarray:
    """(n,) bool: the states that may not stand (seated, permanent, or elected already).

    `seats` -1 is an empty seat. `blocked_kernel` computes the same.
    """
    blocked = np.zeros(n, bool)
    blocked[seats[seats >= 0]] = True  # no immediate re-election, no double seat
    blocked[permanent_rows] = True
    blocked[pending] = True
    return blocked


@njit(cache=True, nogil=True)
def blocked_kernel(n, seats, permanent_rows, pending):
    """`blocked_reference` row by row."""
    blocked = np.zeros(n, dtype=np.bool_)
    for rows in (seats, permanent_rows, pending):
        for i in rows:
            if i >= 0:
                blocked[i] = True
    return blocked


def candidates_reference(
    score: np.ndarray,
    blocked: np.ndarray,
    group_code: np.ndarray,
    group: int,
    arab: np.ndarray,
    reserved: bool,
    count: int,
) -> np.ndarray:
    """Rows of the `count` best eligible states for a seat, best first.

    Eligible: not `blocked` and of the seat's group (`group_code == group`; `group` -1: any
    state); only Arab states (`arab`) for the `reserved` Arab swing seat, if one is
    eligible; any state not blocked if none is eligible. `candidates_kernel` computes the
    same.
    """
    eligible = ~blocked & ((group_code == group) if group >= 0 else True)
    if reserved and (eligible & arab).any():
        eligible &= arab
    if not eligible.any():  # the group is exhausted: any state may stand
        eligible = ~blocked
    return best_standing_reference(score, eligible, count)


@njit(cache=True, nogil=True)
def candidates_kernel(score, blocked, group_code, group, arab, reserved, count):
    """`candidates_reference` in one pass over the states (then `best_standing_kernel`)."""
    n = len(score)
    eligible = np.empty(n, dtype=np.bool_)
    any_eligible, any_arab = False, False
    for i in range(n):
        eligible[i] = not blocked[i] and (group < 0 or group_code[i] == group)
        any_eligible |= eligible[i]
        any_arab |= eligible[i] and arab[i]
    if reserved and any_arab:
        for i in range(n):
            eligible[i] = eligible[i] and arab[i]
    elif not any_eligible:
        for i in range(n):
            eligible[i] = not blocked[i]
    return best_standing_kernel(score, eligible, count)


def ballot_reference(
    affinity: np.ndarray,
    candidates: np.ndarray,
    rules: ElectionRules,
    rng: np.random.Generator,
) -> tuple[int, int]:
    """Repeated General Assembly ballots for one seat, ballot by ballot in Python.

    Each ballot draws the members' logistic noise (N, candidates) and counts the votes
    (`ballot_votes_kernel`); a candidate with two thirds of the members wins, else the least
    voted leaves (a clean slate stands again). The reference of `ballot_from`, which
    `election_kernel` runs.

    Args:
        affinity: (N, N) affinity; every row is a voting member of the Assembly.
        candidates: Row indices of the candidates, strongest standing first.
        rules: Election parameters.
        rng: The election's generator.

    Returns:
        (winner's row, or -1 if no candidate reached two thirds; ballots held).
    """
    standing_order = [int(c) for c in candidates]
    n_members = affinity.shape[0]
    for round_ in range(1, rules.max_ballots + 1):
        noise = rng.logistic(size=(n_members, len(standing_order)))
        votes = ballot_votes_kernel(
            affinity,
            np.array(standing_order),
            noise,
            rules.ga_noise,
            rules.write_in_threshold,
        ).tolist()
        leader = votes.index(max(votes))  # the first of the most voted (np.argmax)
        if 3 * votes[leader] >= 2 * n_members:
            return standing_order[leader], round_
        if len(standing_order) > 1:  # a clean slate stands again
            standing_order.pop(votes.index(min(votes)))
    return -1, rules.max_ballots


def ballot_votes_reference(
    affinity: np.ndarray,
    candidates: np.ndarray,
    noise: np.ndarray,
    ga_noise: float,
    write_in_threshold: float,
) -> np.ndarray:
    """Votes of one ballot for each candidate (k,), from the members' noise (N, k).

    Each member votes for the candidate it likes most, `affinity + ga_noise x noise`, if
    that liking exceeds `write_in_threshold`; for a clean slate (one candidate) that is the
    count of the members that like it. `ballot_votes_kernel` computes the same.
    """
    liking = affinity[:, candidates] + ga_noise * noise
    if len(candidates) == 1:
        return np.array([np.count_nonzero(liking > write_in_threshold)])
    best = liking.argmax(axis=1)
    valid = liking.max(axis=1) > write_in_threshold
    return np.bincount(best[valid], minlength=len(candidates))


@njit(cache=True, nogil=True)
def ballot_votes_kernel(affinity, candidates, noise, ga_noise, write_in_threshold):
    """`ballot_votes_reference` member by member (the first most liked, as `argmax`)."""
    votes = np.zeros(len(candidates), dtype=np.int64)
    for i in range(affinity.shape[0]):
        best, liked = 0, affinity[i, candidates[0]] + ga_noise * noise[i, 0]
        for k in range(1, len(candidates)):
            liking = affinity[i, candidates[k]] + ga_noise * noise[i, k]
            if liking > liked:
                best, liked = k, liking
        if liked > write_in_threshold:
            votes[best] += 1
    return votes


@njit(cache=True, nogil=True)
def ballot_round_kernel(affinity, candidates, noise, ga_noise, write_in_threshold):
    """One ballot of `ballot_reference` from its noise: (winner, weakest) among `candidates`.

    `noise`: the members' noise (N, candidates), flat in row order. The winner: the first of
    the most voted (as `argmax`) if it has two thirds of the members' votes, else -1; the
    weakest: the first of the least voted.
    """
    noise = noise.reshape((affinity.shape[0], len(candidates)))
    votes = ballot_votes_kernel(affinity, candidates, noise, ga_noise, write_in_threshold)
    leader, weakest = 0, 0
    for k in range(1, len(votes)):
        if votes[k] > votes[leader]:
            leader = k
        if votes[k] < votes[weakest]:
            weakest = k
    won = 3 * votes[leader] >= 2 * affinity.shape[0]
    return (leader if won else -1), weakest


@njit(cache=True, nogil=True)
def gumbel_from(uniform, at, out):
    """The draws of numpy's `gumbel(size=len(out))` into `out`, from its doubles `uniform[at:]`.

    `uniform`: the generator's next doubles (`rng.random(m)`, the draws each of numpy's
    distributions starts from); numpy's `loc - scale * log(-log(1 - U))` with loc 0 and
    scale 1 written out, the next U taken when 1 - U is 1 (numpy's rejection). `math.log`
    is the C library's log, as numpy's (also without the compiler).

    Returns:
        The index of the next unused draw, or -1 if `uniform` ran out.
    """
    for i in range(len(out)):
        u = 2.0
        while not u < 1.0:
            if at >= len(uniform):
                return -1
            u = 1.0 - uniform[at]
            at += 1
        out[i] = 0.0 - 1.0 * math.log(-math.log(u))
    return at


@njit(cache=True, nogil=True)
def logistic_from(uniform, at, out):
    """The draws of numpy's `logistic(size=len(out))` into `out`, from `uniform[at:]`.

    numpy's `loc + scale * log(U / (1 - U))` with loc 0 and scale 1, the next U taken when
    U is 0 (numpy's rejection); see `gumbel_from`.

    Returns:
        The index of the next unused draw, or -1 if `uniform` ran out.
    """
    for i in range(len(out)):
        u = 0.0
        while u <= 0.0:
            if at >= len(uniform):
                return -1
            u = uniform[at]
            at += 1
        out[i] = 0.0 + 1.0 * math.log(u / (1.0 - u))
    return at


@njit(cache=True, nogil=True)
def ballot_from(uniform, at, affinity, candidates, ga_noise, write_in_threshold, max_ballots):
    """`ballot_reference` from the uniform draws `uniform[at:]` (`logistic_from`: N x k a ballot).

    Returns:
        (winner's row, or -1 if no candidate reached two thirds; ballots held; the index of
        the next unused draw, or -1 if `uniform` ran out).
    """
    order = candidates.astype(np.int64)
    n_members = affinity.shape[0]
    for round_ in range(1, max_ballots + 1):
        k = len(order)
        noise = np.empty(n_members * k)
        at = logistic_from(uniform, at, noise)
        if at < 0:
            return -1, round_, -1
        leader, weakest = ballot_round_kernel(affinity, order, noise, ga_noise, write_in_threshold)
        if leader >= 0:
            return order[leader], round_, at
        if k > 1:  # a clean slate stands again
            rest = np.empty(k - 1, dtype=np.int64)
            rest[:weakest] = order[:weakest]
            rest[weakest:] = order[weakest + 1 :]
            order = rest
    return -1, max_ballots, at


@njit(cache=True, nogil=True)
def election_kernel(
    uniform,
    log_population,
    mean,
    sd,
    last_term_end,
    year,
    seats,
    permanent_rows,
    pending,
    group_code,
    slot_group,
    arab,
    arab_slot,
    affinity,
    size_weight,
    rotation_weight,
    rotation_horizon,
    candidacy_noise,
    contested_share,
    ga_noise,
    write_in_threshold,
    max_ballots,
):
    """A year's election in one call, as `Council._elect_reference` draws and decides it.

    Every draw of the election is one of the generator's doubles (gumbel, uniform and
    logistic draws: one double each, but numpy's rare rejections), taken in turn from
    `uniform` (the generator's next doubles). Standing (`gumbel_from`, `standing_kernel`),
    the states that may not stand (`blocked_kernel`), then each slot in turn: its three best
    eligible states (`candidates_kernel`; `slot_group` the slot's group code, -1 any state;
    the slot `arab_slot` reserved, -1 none), one draw for a contested seat (two candidates),
    the ballots (`ballot_from`), and the next in standing if the candidates withdraw.

    Returns:
        The winners' rows, the candidates and the ballots of each slot (slots,) each, and
        the number of draws used (-1: `uniform` ran out, the rest is not meaningful).
    """
    n, n_slots = len(log_population), len(slot_group)
    winners = np.zeros(n_slots, dtype=np.int64)
    stood = np.zeros(n_slots, dtype=np.int64)
    ballots = np.zeros(n_slots, dtype=np.int64)
    gumbel = np.empty(n)
    at = gumbel_from(uniform, 0, gumbel)
    if at < 0:
        return winners, stood, ballots, -1
    score = standing_kernel(
        log_population,
        mean,
        sd,
        last_term_end,
        year,
        gumbel,
        size_weight,
        rotation_weight,
        rotation_horizon,
        candidacy_noise,
    )
    blocked = blocked_kernel(n, seats, permanent_rows, pending)
    for s in range(n_slots):
        ranked = candidates_kernel(
            score, blocked, group_code, slot_group[s], arab, s == arab_slot, 3
        )
        if len(ranked) == 0:
            raise ValueError("ballot: no candidate stands")
        if at >= len(uniform):
            return winners, stood, ballots, -1
        contested = uniform[at] < contested_share and len(ranked) > 1
        candidates = ranked[: 2 if contested else 1]
        winner, ballots[s], at = ballot_from(
            uniform, at + 1, affinity, candidates, ga_noise, write_in_threshold, max_ballots
        )
        if at < 0:
            return winners, stood, ballots, -1
        if winner < 0:  # the candidates withdraw for the next state in standing
            winner = ranked[len(candidates)] if len(ranked) > len(candidates) else candidates[0]
        blocked[winner] = True
        winners[s], stood[s] = winner, len(candidates)
    return winners, stood, ballots, at
