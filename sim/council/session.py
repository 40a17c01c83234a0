"""The Security Council's year: election, agenda, votes, adoption under the configured rule.

Anchors:

- Seats and elections: UN Charter Art. 23 (permanent members; two-year terms, no immediate
  re-election), GA resolution 1991 A (XVIII) (regional distribution), Dreher, Gould, Rablen &
  Vreeland (2014) on who gets elected and rotation (see `sim.council.elections`).
- Votes: Charter Art. 27(3) as applied by `sim.council.rules`; members vote yes, no or
  abstain as in an ordered-logit model of Council voting (Voeten 2001, "Outside options and
  the logic of Security Council action", APSR 95(4): members weigh their preferences over
  the draft against the cost of blocking it). Latent support for draft d by member i is

      U_id = |p_d| (w_s affinity[i, sponsor] + w_b bloc[i, sponsor]
                    - w_x |ideal_i - ideal_sponsor| / 2)
             - w_t p_d affinity[i, subject]
             - w_p [i permanent] max(p_d, 0) C[i, subject]            (patron protection)
             + w_c s [i, sponsor both in the concert, i != sponsor]    (a concert)
             + e_id,                                                  e_id ~ Logistic(0, 1),

  with p_d in [-1, 1] the draft's position against its subject (|p_d| how contentious it
  is: routine mandate renewals are near 0, so nearly everyone votes yes) and bloc +1 within a
  bloc, -1 across blocs, 0 with a non-aligned state. The member votes yes if U > yes_cut, no
  if U < no_cut, abstains in between. The sponsor votes yes.
- Patron protection: a permanent member shields its clients (the US vetoes on Israel, 8 of
  its 9 draft vetoes in 2011-2024; Russia's on Syria, 18 of its 33). The closeness of member
  i to subject j is how much closer i is to j than the world is, above a margin m:
  `C[i, j] = clip((affinity[i, j] - mean_k affinity[k, j] - m) / (1 - m), 0, 1)` (mean over
  the other states; a permanent member is its own closest partner), and optionally 1 for a
  formal ally (`patron_pacts`, from `world.defense_pact` or `world.alliance`).
  Patron-client ties in the Council: Voeten (2001) on outside options and allies; Security
  Council Report, *The Veto* (2015).
- Decisive vetoes cost more than noes, and less when shared: where the veto holders' noes
  would block a draft that has the votes, holder i keeps its no only if
  `U_id < no_cut - c_i` (a lone veto, c_i its `veto_cost`) or, when another holder casts a
  lone veto or the rule needs several noes to block, `U_id < no_cut - sigma_i c_i` (a joint
  veto, sigma the `joint_veto_share` of the cost it bears); otherwise it abstains. So China,
  whose record 2011-2024 holds only vetoes cast with Russia, can have a high lone cost and
  still join Russia's vetoes.
- A concert (Jervis 1985, "From Balance to Concert", World Politics 38(1)): while
  `model.concert_strength` s > 0, the great powers in `model.concert_parties` support each
  other's drafts by `w_c s` more and their veto costs on those drafts rise by `w_c s`
  (they abstain rather than veto each other).
- Agenda setting: sponsors anticipate vetoes (Voeten 2001; Security Council Report on
  drafts "put to a vote knowing it would be vetoed"): a draft whose expected (noise-free)
  vote fails is tabled only with probability `hopeless_draft_share`; the others are tabled.

Defaults: the fitted values in `sim/council/fitted.json`, written by
`python -m experiments.council_calibration --fit` (targets, procedure and results in
`sim/council/CALIBRATION.md`); the others are assumptions stated in the class docstring.
Randomness: each year's agenda and votes, and each election, draw from their own streams,
derived from the seed of `model.rng` (`SeedSequence` spawn keys by year), so that the world's
own draws do not depend on the Council's and a year's draws do not depend on earlier years'
(common random numbers across parameter values; same seed, same results).

Speed: the work over drafts and members (the agenda from its draws, support, votes, the
tallies, co-voting) and the election's standing, candidates and ballot counts run in numba
kernels (`*_kernel`), each the same numbers, bit for bit, as the plain-numpy reference beside
it (`*_reference`; `tests/test_council_speed.py`). The year's votes are one kernel
(`year_votes_kernel`, the others in turn) on every draw of the year made first
(`Council._year_draws`), beside the step-by-step `Council._vote_agenda_reference`; the
election is one kernel too (`election_kernel`) beside `Council._elect_reference`. The
agenda's draws stay numpy's generator calls, the same draws in the same order (array draws of
one distribution where single draws followed each other: the same values); the election's,
all one double each (gumbel, uniform and logistic draws), are a block of the generator's
doubles that the kernel turns into numpy's draws (`gumbel_from`, `logistic_from`), the unused
ones given back. A generator is not passed to a kernel: numba's unboxing of a new one costs
some 50 us within a model step. The year's two generators are made together.

Entry point: `hold_council(model)`, the Council's phase of the year.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from numba import njit

from sim.checks import check_ranges
from sim.council.elections import (
    DEFAULT_PERMANENT,
    GROUPS,
    ElectionRules,
    arab_swing_group,
    ballot_reference,
    best_standing_kernel,
    cohort_of,
    elected_allocation,
    election_kernel,
    mean_and_sd,
    standing,
)
from sim.council.rules import (
    ABSTAIN,
    NO,
    YES,
    CouncilRule,
    _adopted,
    _vetoed_by,
    get_rule,
)

#: Permanent members that hold the pen on most country files (Security Council Report,
#: penholder lists): the United States, the United Kingdom and France.
PENHOLDERS = ("USA", "GBR", "FRA")
#: Country situations on the Council's agenda on which it adopted or voted drafts in
#: 2011-2024; the subject of a draft is the state whose conduct or situation it addresses
#: (Russia for the drafts on the war against Ukraine, Israel for the Palestinian question).
#: Each weighs 1 among the subjects but those of `agenda_weights` (fitted: Syria, Israel);
#: replaceable by the `agenda` argument.
AGENDA_COUNTRIES = (
    "AFG", "BIH", "CAF", "CIV", "COD", "COL", "CYP", "GNB", "HTI", "IRN", "IRQ", "ISR",
    "LBN", "LBR", "LBY", "MLI", "MMR", "PRK", "RUS", "SDN", "SOM", "SSD", "SYR", "VEN", "YEM",
)  # fmt: skip
#: The named bloc groups reported as sponsors; any other active bloc is "other".
SPONSOR_GROUPS = ("West", "Eurasia", "other", "nonaligned")
_N_SPONSOR_GROUPS = len(SPONSOR_GROUPS)
_SPONSOR_OUTCOME_NAMES = tuple(f"sponsor_success_{name}" for name in SPONSOR_GROUPS)
#: Year to which permanent terms are set (they never end).
PERMANENT_TERM = 10**6

#: The fitted defaults: one source of truth, written by the calibration command.
FITTED_PATH = Path(__file__).with_name("fitted.json")


with open(FITTED_PATH) as _handle:
    #: The fitted parameters (`parameters` of `fitted.json`), keyed by `Council` argument.
    FITTED: dict = json.load(_handle)["parameters"]
DRAFTS_PER_YEAR = float(FITTED["drafts_per_year"])
HOPELESS_DRAFT_SHARE = float(FITTED["hopeless_draft_share"])
YES_CUT = float(FITTED["yes_cut"])
NO_CUT = float(FITTED["no_cut"])
#: Concert weight w_c: an assumption, not fitted (no concert in 2011-2024): at full strength
#: the parties' support for each other's drafts rises, and their veto costs on them rise, by
#: two logistic scales (a veto that was likely becomes unlikely).
CONCERT_WEIGHT = 2.0
#: Tag of the Council's random streams among the model seed's spawn keys.
_STREAM_TAG = 0x5EC0
_AGENDA, _ELECTION = 0, 1


def hold_council(model) -> None:
    """The Security Council's year: votes on the agenda, then the election.

    Members' agreement in this year's votes feeds next year's affinity drift
    (`model._covoting`: the seated rows and their pairwise agreement in [-1, 1]).
    """
    if model.council is None:
        return
    model.council_outcomes = model.council.session(model)
    model._covoting = model.council._covoting


def covoting_reference(votes: np.ndarray) -> np.ndarray:
    """Co-voting of the members (seats, seats): 2 x the share of drafts voted alike - 1.

    Zero diagonal (a member with itself: no term); `covoting_kernel` computes the same.

    Args:
        votes: (drafts, seats) coded YES/NO/ABSTAIN, at least one draft.
    """
    agreement = (votes[:, :, None] == votes[:, None, :]).mean(axis=0)
    np.fill_diagonal(agreement, 0.5)
    return 2.0 * agreement - 1.0


class Council:
    """The Security Council of a `WorldModel`: seats, yearly elections, agenda and votes.

    Defaults marked (fitted) come from `sim/council/fitted.json`
    (`python -m experiments.council_calibration --fit`); the others are assumptions
    (`sim/council/CALIBRATION.md`).

    Args:
        model: The `WorldModel` (reads `world.countries`, `affinity`, `bloc`, `blocs`,
            `ideal_point`, `population`, `memberships`, `capability`, `iso3`, `year`, `rng`,
            `conflicts`, `concert_parties`, `concert_strength`, and `world.defense_pact` or
            `world.alliance` when the world has one).
        rule: A `CouncilRule` or the name of one in `sim.council.RULES`.
        drafts_per_year: Poisson mean of the drafts prepared each year (before sponsors
            drop those sure to fail) (fitted).
        hopeless_draft_share: Probability that a draft whose expected vote fails is tabled
            anyway (for the record) (fitted).
        yes_cut: A member votes yes when its latent support exceeds this cut-point (fitted).
        no_cut: A member votes no when its latent support is below this (< yes_cut) (fitted).
        veto_cost: Cost of a lone decisive veto by holder, ISO3 -> c_i >= 0, in units of
            latent support: where its no would veto a draft that has the votes, holder i
            keeps the no only if `U < no_cut - c_i`, else it abstains (Voeten 2001's cost of
            blocking) (fitted).
        default_veto_cost: c_i of the veto holders not in `veto_cost` (the G4 rules' new
            permanent members): the median of the five fitted costs.
        joint_veto_share: sigma in [0, 1], the share of its cost a holder bears when the
            veto is shared: it joins another holder's lone veto (or, where the rule needs
            several noes to block, casts one of them) if `U < no_cut - sigma c_i` (fitted).
        sponsor_weight: Weight of affinity to the sponsor (w_s) (fitted).
        subject_weight: Weight of affinity to the subject, signed by the position (w_t)
            (fitted).
        ideology_weight: Weight of ideal-point distance to the sponsor (w_x).
        bloc_weight: Weight of bloc discipline (w_b) (fitted).
        patron_weight: Weight w_p of a permanent member's protection of a close partner
            against drafts on it (p > 0) (fitted).
        patron_margin: Margin m in [0, 1) of the closeness `C` (see the module docstring):
            how much closer than the world a member must be to a state to shield it (fitted).
        patron_pacts: Also count a formal ally (`world.defense_pact`, else `world.alliance`,
            an (N, N) bool matrix, if the world has one) as a close partner (C = 1). Off by
            default: the ATOP defence pacts of the permanent members with the agenda's
            states are multilateral treaties (the Rio Treaty binds the United States to
            Venezuela, Colombia and Haiti) that say little about whom a member shields.
        concert_weight: w_c, the weight of a concert (`model.concert_strength` times it is
            added to the parties' support for each other's drafts and to their veto costs on
            them).
        penholder_share: Probability that a draft is held by a penholder on the Council.
        conflict_agenda_weight: Weight of a party to an armed conflict (`model.conflicts`)
            among the subjects, relative to 1 for every other agenda country.
        issue_share: Probability that a draft is thematic (no subject country).
        against_share: Probability that a country draft goes against its subject (p > 0).
        position_beta: Beta(a, b) parameters of |p| (mostly small: routine texts) (b fitted).
        penholders: ISO3 codes of the penholders.
        agenda: ISO3 codes of the country situations drafts are about.
        agenda_weights: Weight of an agenda country among the subjects (ISO3 -> weight; the
            others weigh 1) (fitted: Syria and Israel/Palestine, the situations most drafts
            of 2011-2024 were vetoed on).
        permanent: ISO3 codes of the permanent members in seat order (veto holders first);
            None: `DEFAULT_PERMANENT` (the Charter's five, then the A/59/L.64 six), states
            flagged `p5` first, topped up by capability when the world lacks them.
        election: Election parameters (`sim.council.elections.ElectionRules`).

    Attributes:
        rule: The `CouncilRule`.
        seats: Row indices of the current members (rule.seats,), permanent first.
        term_end: Last year of each seat's term (permanent: `PERMANENT_TERM`).
        seat_group: Regional group of each elected seat ("" for permanent seats).
        council_year: The year whose Council is seated.
        drafts: Per year, a dict of arrays for the tabled drafts (see `drafts_table`).
        elections: One dict per seat filled (see `elections_table`).
        veto_cost: c_i of every veto holder, ISO3 -> cost.
    """

    def __init__(
        self,
        model,
        rule: str | CouncilRule = "charter",
        *,
        drafts_per_year: float = DRAFTS_PER_YEAR,
        hopeless_draft_share: float = HOPELESS_DRAFT_SHARE,
        yes_cut: float = YES_CUT,
        no_cut: float = NO_CUT,
        veto_cost: Mapping[str, float] = FITTED["veto_cost"],
        default_veto_cost: float = FITTED["default_veto_cost"],
        joint_veto_share: float = FITTED["joint_veto_share"],
        sponsor_weight: float = FITTED["sponsor_weight"],
        subject_weight: float = FITTED["subject_weight"],
        ideology_weight: float = 1.0,
        bloc_weight: float = FITTED["bloc_weight"],
        patron_weight: float = FITTED["patron_weight"],
        patron_margin: float = FITTED["patron_margin"],
        patron_pacts: bool = False,
        concert_weight: float = CONCERT_WEIGHT,
        penholder_share: float = 0.7,
        conflict_agenda_weight: float = 3.0,
        issue_share: float = 0.2,
        against_share: float = 0.85,
        position_beta: tuple[float, float] = tuple(FITTED["position_beta"]),
        penholders: Sequence[str] = PENHOLDERS,
        agenda: Sequence[str] = AGENDA_COUNTRIES,
        agenda_weights: Mapping[str, float] = FITTED.get("agenda_weights", {}),
        permanent: Sequence[str] | None = None,
        election: ElectionRules | None = None,
    ) -> None:
        """Seat the starting Council; see the class docstring for the parameters."""
        check_ranges(
            (
                ("drafts_per_year", drafts_per_year, 0.0, 10_000.0),
                ("hopeless_draft_share", hopeless_draft_share, 0.0, 1.0),
                ("penholder_share", penholder_share, 0.0, 1.0),
                ("issue_share", issue_share, 0.0, 1.0),
                ("against_share", against_share, 0.0, 1.0),
                ("joint_veto_share", joint_veto_share, 0.0, 1.0),
                ("default_veto_cost", default_veto_cost, 0.0, 1e6),
                ("patron_weight", patron_weight, 0.0, 1e6),
                ("patron_margin", patron_margin, 0.0, 0.999),
                ("concert_weight", concert_weight, 0.0, 1e6),
                *((f"veto_cost[{c}]", v, 0.0, 1e6) for c, v in veto_cost.items()),
            )
        )
        if not no_cut < yes_cut:
            raise ValueError(f"expected no_cut < yes_cut, got {no_cut}, {yes_cut}")
        self.rule = get_rule(rule)
        self.drafts_per_year = float(drafts_per_year)
        self.hopeless_draft_share = float(hopeless_draft_share)
        self.yes_cut, self.no_cut = float(yes_cut), float(no_cut)
        self.joint_veto_share = float(joint_veto_share)
        self.weights = {
            "sponsor": float(sponsor_weight),
            "subject": float(subject_weight),
            "ideology": float(ideology_weight),
            "bloc": float(bloc_weight),
            "patron": float(patron_weight),
            "concert": float(concert_weight),
        }
        self.patron_margin = float(patron_margin)
        self.penholder_share = float(penholder_share)
        self.issue_share = float(issue_share)
        self.against_share = float(against_share)
        self.position_beta = (float(position_beta[0]), float(position_beta[1]))
        self.election_rules = election or ElectionRules()
        self._seed = _seed_sequence(model.rng)
        self._streams: dict[tuple[int, int], int] = {}

        table = model.world.countries
        self._iso3 = np.asarray(model.iso3, dtype=str)
        row = {code: i for i, code in enumerate(self._iso3.tolist())}
        if "un_regional_group" in table:  # the group's name, "" where missing
            groups = table["un_regional_group"].to_numpy(dtype=object)
            self._group = np.asarray(np.where(pd.isna(groups), "", groups), dtype=str)
        else:
            self._group = np.full(len(self._iso3), "")
        arab = model.memberships.get("arab_league")
        self._arab = np.zeros(len(self._iso3), bool) if arab is None else np.asarray(arab, bool)
        self._penholder_rows = np.array([row[c] for c in penholders if c in row], dtype=int)
        self._is_penholder = np.zeros(len(self._iso3), bool)
        self._is_penholder[self._penholder_rows] = True
        agenda_rows = [row[c] for c in agenda if c in row] or list(range(len(self._iso3)))
        self._agenda_weight = np.zeros(len(self._iso3))
        self._agenda_weight[agenda_rows] = 1.0
        for code, weight in dict(agenda_weights).items():
            if code in row and self._agenda_weight[row[code]] > 0:
                self._agenda_weight[row[code]] = max(float(weight), 0.0)
        self.conflict_agenda_weight = max(float(conflict_agenda_weight), 0.0)
        self._subjects_key = None  # the conflicts the subject distribution was built for
        names, codes = np.unique(self._group, return_inverse=True)
        self._group_members = {g: self._group == g for g in names}
        # each state's group as a code (`candidates_kernel`), and each group's code
        self._group_codes = {g: k for k, g in enumerate(names)}
        self._group_code = codes.astype(np.int64)
        self._pacts = _alliance_matrix(model.world, len(self._iso3)) if patron_pacts else None

        self._init_permanent(model, row, permanent)
        self._veto_holder_codes = [
            str(c) for c in self._iso3[self._permanent_rows[: self.rule.veto_holders]]
        ]
        self._veto_outcome_names = [f"vetoes_{code}" for code in self._veto_holder_codes]
        self.veto_cost = {
            code: float(veto_cost.get(code, default_veto_cost)) for code in self._veto_holder_codes
        }
        # c_i per seat (the seats of the veto holders never change; others never veto)
        self._seat_cost = np.zeros(self.rule.seats)
        self._seat_cost[: self.rule.veto_holders] = list(self.veto_cost.values())
        self._init_elected(model, table, row)
        self.drafts: list[dict[str, np.ndarray]] = []
        self.elections: list[dict] = []
        self._draft_count = 0
        self._covoting = None  # (seats, co-voting) of the last session, None without drafts
        self._bloc_names = None  # the blocs `_sponsor_group_of_bloc` was built for
        for year, slots in sorted(self._unfilled.items()):
            self._elect(model, year, slots, install=True)
        del self._unfilled

    # -- seats -------------------------------------------------------------------------

    def _init_permanent(self, model, row: dict[str, int], permanent) -> None:
        rule = self.rule
        p5 = (
            model.world.countries["p5"].to_numpy(bool)
            if "p5" in model.world.countries
            else np.zeros(len(self._iso3), bool)
        )
        if permanent is None:
            flagged = [row[c] for c in DEFAULT_PERMANENT if c in row and p5[row[c]]]
            others = [row[c] for c in DEFAULT_PERMANENT if c in row and not p5[row[c]]]
            order = flagged + others
        else:
            missing = [c for c in permanent if c not in row]
            if missing:
                raise KeyError(f"permanent members not in the world: {missing}")
            order = [row[c] for c in permanent]
        for i in np.argsort(-np.asarray(model.capability), kind="stable"):
            if len(order) >= rule.permanent_seats:
                break
            if int(i) not in order:
                order.append(int(i))
        self._permanent_rows = np.array(order[: rule.permanent_seats], dtype=int)

    def _init_elected(self, model, table: pd.DataFrame, row: dict[str, int]) -> None:
        """Slots of the elected seats, filled from the world's 2025 Council where it fits."""
        sizes = {g: int((self._group == g).sum()) for g in GROUPS}
        cohorts = elected_allocation(self.rule.elected_seats, sizes)
        term_end_data = (
            table["unsc_term_end"].to_numpy(dtype=float, na_value=np.nan)
            if "unsc_term_end" in table
            else np.full(len(self._iso3), np.nan)
        )
        sitting = np.flatnonzero(~np.isnan(term_end_data))
        sitting = sitting[~np.isin(sitting, self._permanent_rows)]
        ends = term_end_data[sitting]
        self.council_year = int(ends.min()) if len(sitting) else int(model.year) + 1
        first = self.council_year
        groups, term_end, seats = [], [], []
        self._unfilled: dict[int, list[int]] = {}
        self._last_term_end = np.full(len(self._iso3), np.nan)
        for end in (first, first + 1):
            cohort = cohorts[cohort_of(end - 2)]
            members = [int(i) for i in sitting[ends == end]]
            for group in cohort:
                slot = self.rule.permanent_seats + len(seats)
                groups.append(group)
                term_end.append(end)
                match = [i for i in members if group in ("", self._group[i])]
                if match:
                    members.remove(match[0])
                    seats.append(match[0])
                    self._last_term_end[match[0]] = end
                else:
                    seats.append(-1)
                    self._unfilled.setdefault(end - 2, []).append(slot)
        n_perm = self.rule.permanent_seats
        self.seats = np.concatenate([self._permanent_rows, np.array(seats, dtype=int)])
        self.term_end = np.concatenate(
            [np.full(n_perm, PERMANENT_TERM), np.array(term_end, dtype=int)]
        )
        self.seat_group = np.array([""] * n_perm + groups, dtype=object)
        self.seat_kind = np.where(self.rule.permanent_mask, "permanent", "elected")
        self._pending: dict[int, int] = {}
        self._elected_in: set[int] = set()

    def _elect(
        self,
        model,
        year: int,
        slots: list[int],
        install: bool = False,
        rng: np.random.Generator | None = None,
    ) -> None:
        """Hold the election of `year` for the given elected slots.

        `rng`: the election's generator, `_stream(year, _ELECTION)` (None: made here), a
        PCG64 one. Standing, candidates and ballots of every slot in one call
        (`election_kernel`), from a block of the generator's doubles (every draw of the
        election is one double, but numpy's rare rejections): enough for two ballots of two
        candidates a slot, doubled while it runs out; the draws it did not use are given back
        (`advance`), so the generator ends where the election's own draws leave it. The same
        draws in the same order, and the same winners, as `_elect_reference`.
        """
        rules = self.election_rules
        rng = self._stream(year, _ELECTION) if rng is None else rng
        log_population = np.log(np.asarray(model.population, dtype=float))
        mean, sd = mean_and_sd(log_population)
        pending = (
            np.array(list(self._pending.values()), dtype=np.int64) if self._pending else _NO_ROWS
        )
        arab_group = arab_swing_group(year) if self.rule.elected_seats in (6, 10, 14) else None
        groups = [self.seat_group[slot] for slot in slots]
        codes = self._group_codes
        slot_group = np.array(
            [codes.get(group, len(codes)) if group else -1 for group in groups], dtype=np.int64
        )
        arab_slot = next((k for k, group in enumerate(groups) if group == arab_group), -1)
        n = len(log_population)
        uniform = rng.random(n + len(slots) * (1 + 4 * n))
        while True:
            winners, stood, ballots, used = election_kernel(
                uniform,
                log_population,
                mean,
                sd,
                self._last_term_end,
                year,
                self.seats,
                self._permanent_rows,
                pending,
                self._group_code,
                slot_group,
                self._arab,
                arab_slot,
                model.affinity,
                rules.size_weight,
                rules.rotation_weight,
                rules.rotation_horizon,
                rules.candidacy_noise,
                rules.contested_share,
                rules.ga_noise,
                rules.write_in_threshold,
                rules.max_ballots,
            )
            if used >= 0:
                break
            uniform = np.concatenate([uniform, rng.random(len(uniform))])  # the stream goes on
        # back over the unused draws: the period is 2**128, so 2**128 - k steps on is k back
        rng.bit_generator.advance(2**128 + used - len(uniform))
        iso3, elections = self._iso3, self.elections
        for k, (slot, winner, count, held) in enumerate(
            zip(slots, winners.tolist(), stood.tolist(), ballots.tolist(), strict=True)
        ):
            self._last_term_end[winner] = year + 2
            elections.append(
                {
                    "year": year,
                    "seat": int(slot),
                    "group": groups[k],
                    "arab_seat": k == arab_slot,
                    "iso3": iso3[winner],
                    "term_start": year + 1,
                    "term_end": year + 2,
                    "candidates": count,
                    "ballots": held,
                }
            )
            if install:
                self.seats[slot] = winner
            else:
                self._pending[slot] = winner
        self._elected_in.add(year)

    def _elect_reference(
        self,
        model,
        year: int,
        slots: list[int],
        install: bool = False,
        rng: np.random.Generator | None = None,
    ) -> None:
        """`_elect` step by step (`ballot_reference`, the eligible states in numpy)."""
        rules = self.election_rules
        rng = self._stream(year, _ELECTION) if rng is None else rng
        score = standing(
            np.log(np.asarray(model.population, dtype=float)), self._last_term_end, year, rules, rng
        )
        blocked = np.zeros(len(self._iso3), bool)
        blocked[self.seats[self.seats >= 0]] = True  # no immediate re-election, no double seat
        blocked[self._permanent_rows] = True
        blocked[list(self._pending.values())] = True
        arab_group = arab_swing_group(year) if self.rule.elected_seats in (6, 10, 14) else None
        arab_slot = next((s for s in slots if self.seat_group[s] == arab_group), None)
        for slot in slots:
            group = self.seat_group[slot]
            eligible = ~blocked & (self._in_group(group) if group else True)
            reserved = slot == arab_slot
            if reserved and (eligible & self._arab).any():
                eligible &= self._arab
            if not eligible.any():  # the group is exhausted: any state may stand
                eligible = ~blocked
            # the best three: two candidates, then the next in standing if they withdraw
            ranked = best_standing_kernel(score, eligible, 3)
            contested = rng.random() < rules.contested_share and len(ranked) > 1
            candidates = ranked[: 2 if contested else 1]
            winner, ballots = ballot_reference(model.affinity, candidates, rules, rng)
            if winner < 0:  # the candidates withdraw for the next state in standing
                rest = ranked[len(candidates) :]
                winner = int(rest[0] if len(rest) else candidates[0])
            blocked[winner] = True
            self._last_term_end[winner] = year + 2
            self.elections.append(
                {
                    "year": year,
                    "seat": int(slot),
                    "group": group,
                    "arab_seat": bool(reserved),
                    "iso3": self._iso3[winner],
                    "term_start": year + 1,
                    "term_end": year + 2,
                    "candidates": len(candidates),
                    "ballots": ballots,
                }
            )
            if install:
                self.seats[slot] = winner
            else:
                self._pending[slot] = winner
        self._elected_in.add(year)

    def _in_group(self, group: str) -> np.ndarray:
        """(N,) bool: the states of a regional group (masks kept from the start)."""
        members = self._group_members.get(group)
        return self._group == group if members is None else members

    def _advance(self, model, year: int) -> None:
        """Seat the Council of `year`: outgoing members leave, those elected take office."""
        while self.council_year < year:
            leaving = (self.term_end == self.council_year).nonzero()[0].tolist()
            if leaving and self.council_year not in self._elected_in:
                self._elect(model, self.council_year, leaving)  # a skipped year's election
            for slot in leaving:
                self.seats[slot] = self._pending.pop(slot)
                self.term_end[slot] = self.council_year + 2
            self.council_year += 1

    # -- the year ----------------------------------------------------------------------

    def session(self, model) -> dict[str, float]:
        """One year of the Council: seat it, draw and vote the agenda, hold the election.

        The Council of `model.year` votes; the election held in `model.year` fills the
        seats of the members whose term ends that year, for the next two years.

        Args:
            model: The `WorldModel`, after its diplomacy and alignment phases.

        Returns:
            The year's outcomes, keyed by `Council.outcome_names(rule)`.
        """
        year = int(model.year)
        self._advance(model, year)
        ending = (self.term_end == year).nonzero()[0].tolist()
        elect = bool(ending) and year not in self._elected_in
        # the year's two generators made together (the second costs less after the first)
        agenda_rng = self._stream(year, _AGENDA)
        election_rng = self._stream(year, _ELECTION) if elect else None
        outcomes = self._vote_agenda(model, year, agenda_rng)
        if elect:
            self._elect(model, year, ending, rng=election_rng)
        return outcomes

    def _stream(self, year: int, purpose: int) -> np.random.Generator:
        """A generator of its own for this year's agenda and votes, or its election.

        `Generator(PCG64(seed))`: what `default_rng(seed)` makes, without its checks.
        """
        count = self._streams.get((year, purpose), 0)
        self._streams[(year, purpose)] = count + 1
        key = (*self._seed.spawn_key, _STREAM_TAG, int(year), purpose, count)
        seed = np.random.SeedSequence(
            self._seed.entropy, spawn_key=key, pool_size=self._seed.pool_size
        )
        return np.random.Generator(np.random.PCG64(seed))

    def _support_and_costs(self, model, agenda: dict[str, np.ndarray]):
        """Noise-free latent support and lone-veto costs c_id, both (drafts, seats).

        For every member and draft of `agenda`; a concert raises both (`_concert_mask`, once).
        Computed by `support_kernel`, the same numbers as `_support_and_costs_reference`
        (which an affinity matrix not in C order takes: its column sums add in another order).
        """
        affinity = model.affinity
        if not affinity.flags.c_contiguous:
            return self._support_and_costs_reference(model, agenda)
        sponsors = self.seats[agenda["sponsor_seat"]]
        concert = self._concert_mask(model, sponsors)
        w = self.weights
        return support_kernel(
            affinity,
            np.asarray(model.bloc),
            np.asarray(model.ideal_point, dtype=float),
            self.seats,
            sponsors,
            agenda["subject"],
            agenda["position"],
            self._seat_cost,
            _NO_MATRIX if concert is None else concert,
            _NO_MATRIX if self._pacts is None else self._pacts,
            w["sponsor"],
            w["bloc"],
            w["ideology"],
            w["subject"],
            w["patron"],
            self.rule.permanent_seats,
            self.patron_margin,
        )

    def _support_and_costs_reference(self, model, agenda: dict[str, np.ndarray]):
        """`_support_and_costs` in plain numpy (`_latent_support`, `closeness`)."""
        sponsors = self.seats[agenda["sponsor_seat"]]
        concert = self._concert_mask(model, sponsors)
        support = self._latent_support(
            model, sponsors, agenda["subject"], agenda["position"], concert
        )
        cost = np.broadcast_to(self._seat_cost, support.shape).copy()
        if concert is not None:
            cost += concert  # concert parties do not veto each other lightly
        return support, cost

    def _latent_support(
        self,
        model,
        sponsors: np.ndarray,
        subjects: np.ndarray,
        position: np.ndarray,
        concert: np.ndarray | None = None,
    ) -> np.ndarray:
        """Noise-free latent support (drafts, seats) of every member for every draft.

        `concert`: `_concert_mask(model, sponsors)`, added as it is (None: no concert).
        """
        members = self.seats
        w = self.weights
        affinity = model.affinity
        bloc = np.asarray(model.bloc)
        sponsor_bloc = bloc[sponsors][:, None]
        member_bloc = bloc[members][None, :]
        discipline = np.where(
            (sponsor_bloc >= 0) & (member_bloc >= 0),
            np.where(sponsor_bloc == member_bloc, 1.0, -1.0),
            0.0,
        )
        ideal = np.asarray(model.ideal_point)
        distance = np.abs(ideal[members][None, :] - ideal[sponsors][:, None]) / 2.0
        salience = np.abs(position)[:, None]
        support = salience * (
            w["sponsor"] * affinity[sponsors[:, None], members]
            + w["bloc"] * discipline
            - w["ideology"] * distance
        )
        has_subject = subjects >= 0
        subject_rows = np.where(has_subject, subjects, 0)
        subject_affinity = affinity[subject_rows[:, None], members]
        support -= (w["subject"] * position * has_subject)[:, None] * subject_affinity
        if w["patron"] > 0 and self.rule.permanent_seats:
            # patron protection: the permanent members shield their close partners
            permanent = members[: self.rule.permanent_seats]
            closeness = self.closeness(model, permanent)[subject_rows]  # (drafts, permanent)
            against = w["patron"] * np.maximum(position, 0.0) * has_subject
            support[:, : self.rule.permanent_seats] -= against[:, None] * closeness
        if concert is not None:
            support += concert
        return support

    def closeness(self, model, rows: np.ndarray) -> np.ndarray:
        """Closeness C (N, len(rows)) of each state to the members `rows`, in [0, 1].

        `C[j, k] = clip((affinity[rows[k], j] - mean_{l != j} affinity[l, j] - m) / (1 - m),
        0, 1)`: how much closer member k is to state j than the world is, above the margin
        m = `patron_margin`; 1 for a formal ally (`world.defense_pact` / `world.alliance`).
        """
        affinity = model.affinity
        n = affinity.shape[0]
        world_mean = (affinity.sum(axis=0) - np.diagonal(affinity)) / max(n - 1, 1)
        margin = affinity[rows].T - world_mean[:, None]
        closeness = np.clip((margin - self.patron_margin) / (1.0 - self.patron_margin), 0.0, 1.0)
        closeness[rows, np.arange(len(rows))] = 1.0  # a member is its own closest partner
        if self._pacts is not None:
            closeness = np.maximum(closeness, self._pacts[rows].T)
        return closeness

    def _concert_mask(self, model, sponsors: np.ndarray) -> np.ndarray | None:
        """w_c s on (draft, seat) where member and sponsor are distinct concert parties."""
        strength = float(model.concert_strength)
        parties = np.asarray(model.concert_parties, dtype=int)
        if strength <= 0 or len(parties) < 2 or self.weights["concert"] <= 0:
            return None
        in_concert = np.zeros(len(self._iso3), bool)
        in_concert[parties] = True
        members = self.seats
        mask = (
            in_concert[members][None, :]
            & in_concert[sponsors][:, None]
            & (members[None, :] != sponsors[:, None])
        )
        if not mask.any():
            return None
        return self.weights["concert"] * min(strength, 1.0) * mask

    def _code(
        self, support: np.ndarray, sponsor_seat: np.ndarray, cost: np.ndarray | None = None
    ) -> np.ndarray:
        """Votes from support; decisive noes of veto holders kept only if worth their cost.

        `cost` (drafts, seats): each holder's lone-veto cost (None: `veto_cost`).
        """
        votes = np.where(
            support > self.yes_cut, YES, np.where(support < self.no_cut, NO, ABSTAIN)
        ).astype(np.int8)
        votes[np.arange(len(sponsor_seat)), sponsor_seat] = YES
        rule = self.rule
        if rule.abstention_counts_against or not rule.veto_holders:
            return votes
        if cost is None:
            cost = np.broadcast_to(self._seat_cost, support.shape)
        # the holders whose noes would block a draft that has the votes
        candidate = _vetoed_by(rule, votes)
        if not candidate.any():
            return votes
        lone = candidate & (support < self.no_cut - cost)
        joint = candidate & (support < self.no_cut - self.joint_veto_share * cost)
        if rule.vetoes_to_block == 1:
            # a lone veto first; then the others may join it at the shared cost
            vetoing = joint & lone.any(axis=1, keepdims=True)
        else:
            # every block needs several noes: each is cast at the shared cost
            vetoing = joint & (joint.sum(axis=1, keepdims=True) >= rule.vetoes_to_block)
        votes[candidate & ~vetoing] = ABSTAIN
        return votes

    def draw_agenda(self, model, rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
        """This year's prepared drafts: sponsor seat, penholder flag, subject and position.

        `rng`: the generator to draw from (None: `model.rng`; a session uses its own).
        """
        rng = model.rng if rng is None else rng
        n = int(rng.poisson(self.drafts_per_year))
        seats = self.seats
        held_by_pen = self._is_penholder[seats]
        pen_seats = held_by_pen.nonzero()[0]
        others = (~held_by_pen).nonzero()[0]
        pool_pen = pen_seats if len(pen_seats) else np.arange(len(seats))
        pool_other = others if len(others) else np.arange(len(seats))
        rows, cdf = self._subject_distribution(model)
        # every draw first, in this order; then the drafts from them (`agenda_kernel`)
        draws = (
            rng.random(n),  # penholder or not
            rng.integers(0, len(pool_pen), n),  # which penholder
            rng.integers(0, len(pool_other), n),  # which other member
            rng.random(n),  # thematic or not
            rng.random(n),  # subject
            rng.random(n),  # against the subject or not
            rng.beta(*self.position_beta, size=n),  # contentiousness |p|
        )
        sponsor_seat, by_pen, subject, position = agenda_kernel(
            *draws,
            pool_pen,
            pool_other,
            len(pen_seats) > 0,
            rows,
            cdf,
            self.penholder_share,
            self.issue_share,
            self.against_share,
        )
        return {
            "sponsor_seat": sponsor_seat,
            "penholder": by_pen,
            "subject": subject,
            "position": position,
        }

    def _subject_distribution(self, model) -> tuple[np.ndarray, np.ndarray]:
        """The possible subjects of a country draft (rows) and the cumulative probabilities.

        Rebuilt only when the conflicts (or their agenda weight) change.
        """
        conflicts = tuple(tuple(pair) for pair in model.conflicts)
        key = (conflicts, self.conflict_agenda_weight)
        if key != self._subjects_key:
            # parties to the conflicts of this year (a ceasefire takes them off) weigh more
            weight = self._agenda_weight.copy()
            for pair in conflicts:
                weight[list(pair)] = self.conflict_agenda_weight
            rows = np.flatnonzero(weight > 0)
            self._subjects = rows, np.cumsum(weight[rows]) / weight[rows].sum()
            self._subjects_key = key
        return self._subjects

    def vote(self, model, agenda: dict[str, np.ndarray], noise: np.ndarray | None) -> np.ndarray:
        """Votes (drafts, seats) coded YES/NO/ABSTAIN; noise (drafts, seats) or None."""
        support, cost = self._support_and_costs(model, agenda)
        return self._decide(support, cost, agenda["sponsor_seat"], noise)[0]

    def _decide(
        self,
        support: np.ndarray,
        cost: np.ndarray,
        sponsor_seat: np.ndarray,
        noise: np.ndarray | None = None,
        rows: np.ndarray | None = None,
    ):
        """Votes (drafts, seats), adopted (drafts,) and vetoes (drafts, seats) of the drafts.

        The drafts `rows` (None: all), voted on `support + noise` (None: no noise). Computed
        by `decide_kernel`, the same as `_decide_reference` (`_code`, then the rule).
        """
        rule = self.rule
        return decide_kernel(
            support,
            _NO_MATRIX if noise is None else noise,
            cost,
            np.arange(len(support)) if rows is None else rows,
            sponsor_seat,
            self.yes_cut,
            self.no_cut,
            self.joint_veto_share,
            rule.quota,
            rule.veto_holders,
            rule.vetoes_to_block,
            rule.abstention_counts_against,
        )

    def _decide_reference(self, support, cost, sponsor_seat, noise=None, rows=None):
        """`_decide` in plain numpy."""
        rows = slice(None) if rows is None else rows
        support = support[rows] if noise is None else support[rows] + noise[rows]
        votes = self._code(support, sponsor_seat[rows], cost[rows])
        return votes, _adopted(self.rule, votes), _vetoed_by(self.rule, votes)

    def _vote_agenda(
        self, model, year: int, rng: np.random.Generator | None = None
    ) -> dict[str, float]:
        """Draw, vote and record the year's agenda; the year's outcomes.

        `rng`: the year's generator, `_stream(year, _AGENDA)` (None: made here).

        Every draw of the year first (`_year_draws`: the same draws whatever the votes), then
        the drafts, the anticipation, the tabled drafts' votes, the tallies and co-voting in
        one kernel (`year_votes_kernel`). The same record, outcomes and co-voting, bit for
        bit, as `_vote_agenda_reference`, which goes through `draw_agenda`, `_decide` and
        `_outcomes` (and which an affinity matrix not in C order takes).
        """
        if not model.affinity.flags.c_contiguous:
            return self._vote_agenda_reference(model, year, rng)
        rng = self._stream(year, _AGENDA) if rng is None else rng
        draws = self._year_draws(rng)
        rule, w = self.rule, self.weights
        rows, cdf = self._subject_distribution(model)
        in_concert, concert_value = self._concert_parties(model)
        sponsors, penholder, subject, position, passed, vetoes, votes, counts, covoting = (
            year_votes_kernel(
                *draws,
                self._is_penholder,
                rows,
                cdf,
                self.penholder_share,
                self.issue_share,
                self.against_share,
                self.hopeless_draft_share,
                model.affinity,
                np.asarray(model.bloc),
                np.asarray(model.ideal_point, dtype=float),
                self.seats,
                self._seat_cost,
                in_concert,
                concert_value,
                _NO_MATRIX if self._pacts is None else self._pacts,
                w["sponsor"],
                w["bloc"],
                w["ideology"],
                w["subject"],
                w["patron"],
                rule.permanent_seats,
                self.patron_margin,
                self.yes_cut,
                self.no_cut,
                self.joint_veto_share,
                rule.quota,
                rule.veto_holders,
                rule.vetoes_to_block,
                rule.abstention_counts_against,
                self._sponsor_group_of_bloc(model),
                min(5, rule.permanent_seats),  # the P5 sit first
            )
        )
        n = len(passed)
        seats = self.seats.copy()
        self.drafts.append(
            {
                "year": np.full(n, year),
                "draft": np.arange(self._draft_count, self._draft_count + n),
                "sponsor": sponsors,
                "penholder": penholder,
                "subject": subject,
                "position": position,
                "adopted": passed,
                "vetoes": vetoes,
                "votes": votes,
                "seats": seats,
            }
        )
        self._draft_count += n
        self._covoting = (seats, covoting) if n else None
        return self._outcome_dict(n, counts.tolist())

    def _year_draws(self, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        """Every draw of the year's votes, in the order of `_vote_agenda_reference`.

        As `draw_agenda` and then `_vote_agenda_reference` draw them, in fewer calls: an
        array draw of one distribution consumes the stream as the same number of single
        draws do, so the three consecutive `random(n)` are one `random(3 n)` and the
        members' noise (n, seats) is drawn flat (tests/test_council_speed.py checks both).

        Returns:
            The draws `year_votes_kernel` takes: penholder or not, which penholder, which
            other member, thematic or not, subject, against the subject or not,
            contentiousness |p|, tabled or not if hopeless (n,) each, and the noise
            (n, seats).
        """
        n = int(rng.poisson(self.drafts_per_year))
        seats = len(self.seats)
        held_by_pen = int(np.count_nonzero(self._is_penholder[self.seats]))
        pen_draw = rng.random(n)
        pen_pick = rng.integers(0, held_by_pen or seats, n)  # as `sponsor_pools_kernel`
        other_pick = rng.integers(0, seats - held_by_pen or seats, n)
        uniform = rng.random(3 * n)  # thematic, subject, against: n each
        contentiousness = rng.beta(*self.position_beta, size=n)
        table_draw = rng.random(n)
        noise = rng.logistic(size=n * self.rule.seats).reshape(n, self.rule.seats)
        return (
            pen_draw,
            pen_pick,
            other_pick,
            uniform[:n],
            uniform[n : 2 * n],
            uniform[2 * n :],
            contentiousness,
            table_draw,
            noise,
        )

    def _concert_parties(self, model) -> tuple[np.ndarray, float]:
        """(N,) flags of the concert's parties and w_c s, as `_concert_mask` reads them.

        No concert (strength 0, fewer than two parties or w_c 0): no flags (an empty array).
        """
        strength = float(model.concert_strength)
        parties = np.asarray(model.concert_parties, dtype=int)
        if strength <= 0 or len(parties) < 2 or self.weights["concert"] <= 0:
            return _NO_FLAGS, 0.0
        in_concert = np.zeros(len(self._iso3), bool)
        in_concert[parties] = True
        return in_concert, self.weights["concert"] * min(strength, 1.0)

    def _sponsor_group_of_bloc(self, model) -> np.ndarray:
        """Index in `SPONSOR_GROUPS` of each bloc's group, the non-aligned (bloc -1) last.

        As `_sponsor_groups` reads them; kept while the blocs' names stay the same.
        """
        names = tuple(b.name for b in model.blocs)
        if names != self._bloc_names:
            groups = [n if n in ("West", "Eurasia", "nonaligned") else "other" for n in names]
            self._group_of_bloc = np.array(
                [*(SPONSOR_GROUPS.index(g) for g in groups), SPONSOR_GROUPS.index("nonaligned")]
            )
            self._bloc_names = names
        return self._group_of_bloc

    def _outcome_dict(self, n: int, counts: list[int]) -> dict[str, float]:
        """The year's outcomes from the counts of `tally_kernel`, packed as `year_votes_kernel`.

        `counts`: drafts vetoed, drafts on which the P5 all vote alike, drafts tabled by
        sponsor group, drafts adopted by sponsor group, vetoes cast by each veto holder.
        """
        n_groups = len(SPONSOR_GROUPS)
        vetoed, p5_agree = counts[0], counts[1]
        tabled, won = counts[2 : 2 + n_groups], counts[2 + n_groups : 2 + 2 * n_groups]
        vetoes_cast = counts[2 + 2 * n_groups :]
        # a share is a count over a size: the same float as the mean of the flags
        adopted = sum(won)
        out: dict[str, float] = {
            "drafts_tabled": float(n),
            "resolutions_adopted": float(adopted),
            "drafts_vetoed": float(vetoed),
        }
        for seat, name in enumerate(self._veto_outcome_names):
            out[name] = float(vetoes_cast[seat])
        out["adoption_share"] = adopted / n if n else np.nan
        out["p5_agreement"] = p5_agree / n if n and self.rule.permanent_seats else np.nan
        for k, name in enumerate(_SPONSOR_OUTCOME_NAMES):
            out[name] = won[k] / tabled[k] if tabled[k] else np.nan
        return out

    def _vote_agenda_reference(
        self, model, year: int, rng: np.random.Generator | None = None
    ) -> dict[str, float]:
        """`_vote_agenda` step by step: `draw_agenda`, `_decide`, `_outcomes`, co-voting."""
        rng = self._stream(year, _AGENDA) if rng is None else rng
        agenda = self.draw_agenda(model, rng)
        n = len(agenda["position"])
        # every draw of the year before any decision: the same draws whatever the votes
        table_draw = rng.random(n)
        noise = rng.logistic(size=(n, self.rule.seats))
        support, cost = self._support_and_costs(model, agenda)
        sponsor_seat = agenda["sponsor_seat"]
        hopeless = ~self._decide(support, cost, sponsor_seat)[1]
        tabled = np.flatnonzero(~hopeless | (table_draw < self.hopeless_draft_share))
        agenda = {key: value[tabled] for key, value in agenda.items()}
        # the same support as the anticipation's, now with each member's noise
        votes, passed, vetoes = self._decide(support, cost, sponsor_seat, noise, tabled)
        n = len(passed)
        record = {
            "year": np.full(n, year),
            "draft": self._draft_count + np.arange(n),
            "sponsor": self.seats[agenda["sponsor_seat"]],
            "penholder": agenda["penholder"],
            "subject": agenda["subject"],
            "position": agenda["position"],
            "adopted": passed,
            "vetoes": vetoes,
            "votes": votes,
            "seats": self.seats.copy(),
        }
        self._draft_count += n
        self.drafts.append(record)
        self._covoting = (record["seats"], covoting_kernel(votes)) if n else None
        return self._outcomes(model, record)

    def _outcomes(self, model, record: dict[str, np.ndarray]) -> dict[str, float]:
        passed = record["adopted"]
        n = len(passed)
        p5 = min(5, self.rule.permanent_seats)  # the P5 sit first
        vetoed, vetoes_cast, p5_agree, tabled, won = tally_kernel(
            record["votes"],
            passed,
            record["vetoes"],
            self._sponsor_groups(model, record["sponsor"]),
            len(SPONSOR_GROUPS),
            p5,
        )
        # a share is a count over a size: the same float as the mean of the flags
        adopted = int(np.count_nonzero(passed))
        out: dict[str, float] = {
            "drafts_tabled": float(n),
            "resolutions_adopted": float(adopted),
            "drafts_vetoed": float(vetoed),
        }
        for seat, name in enumerate(self._veto_outcome_names):
            out[name] = float(vetoes_cast[seat])
        out["adoption_share"] = adopted / n if n else np.nan
        out["p5_agreement"] = int(p5_agree) / n if n and p5 else np.nan
        tabled, won = tabled.tolist(), won.tolist()
        for k, name in enumerate(_SPONSOR_OUTCOME_NAMES):
            out[name] = won[k] / tabled[k] if tabled[k] else np.nan
        return out

    def _sponsor_groups(self, model, sponsors: np.ndarray) -> np.ndarray:
        """Index in `SPONSOR_GROUPS` of each sponsor's bloc group (its bloc at vote time)."""
        names = [b.name for b in model.blocs] + ["nonaligned"]  # bloc -1 is the last
        groups = [n if n in ("West", "Eurasia", "nonaligned") else "other" for n in names]
        codes = np.array([SPONSOR_GROUPS.index(g) for g in groups])
        return codes[np.asarray(model.bloc)[sponsors]]

    # -- names and tables --------------------------------------------------------------

    def veto_holders(self) -> list[str]:
        """ISO3 codes of the veto holders, in seat order."""
        return list(self._veto_holder_codes)

    @staticmethod
    def outcome_names(
        rule: str | CouncilRule, veto_holders: Sequence[str] | None = None
    ) -> list[str]:
        """Names of the yearly outcomes, in order.

        Args:
            rule: A `CouncilRule` or the name of one.
            veto_holders: ISO3 codes of the veto holders (None: the first `veto_holders`
                of `DEFAULT_PERMANENT`, as in the default world; `Council.veto_holders()`
                gives them for another world).

        Returns:
            The keys of the dict returned by `session`.
        """
        rule = get_rule(rule)
        holders = list(veto_holders or DEFAULT_PERMANENT[: rule.veto_holders])
        return [
            "drafts_tabled",
            "resolutions_adopted",
            "drafts_vetoed",
            *(f"vetoes_{code}" for code in holders),
            "adoption_share",
            "p5_agreement",
            *(f"sponsor_success_{name}" for name in SPONSOR_GROUPS),
        ]

    def drafts_table(self) -> pd.DataFrame:
        """One row per tabled draft.

        Returns:
            Columns `year`, `draft`, `sponsor` (ISO3), `penholder`, `subject` (ISO3 or
            "issue"), `position`, `adopted`, `vetoed_by` (";"-joined ISO3, "" if none),
            `yes`, `no`, `abstain`.
        """
        columns = ["year", "draft", "sponsor", "penholder", "subject", "position", "adopted"]
        if not self.drafts:
            return pd.DataFrame(columns=[*columns, "vetoed_by", "yes", "no", "abstain"])
        parts = []
        for rec in self.drafts:
            codes = self._iso3[rec["seats"]]
            parts.append(
                pd.DataFrame(
                    {
                        "year": rec["year"],
                        "draft": rec["draft"],
                        "sponsor": self._iso3[rec["sponsor"]],
                        "penholder": rec["penholder"],
                        "subject": np.where(
                            rec["subject"] >= 0, self._iso3[rec["subject"]], "issue"
                        ),
                        "position": rec["position"],
                        "adopted": rec["adopted"],
                        "vetoed_by": [";".join(codes[row]) for row in rec["vetoes"]],
                        "yes": (rec["votes"] == YES).sum(axis=1),
                        "no": (rec["votes"] == NO).sum(axis=1),
                        "abstain": (rec["votes"] == ABSTAIN).sum(axis=1),
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)

    def votes_table(self) -> pd.DataFrame:
        """One row per tabled draft and member: `year`, `draft`, `iso3`, `seat_kind`, `vote`.

        `iso3`, `seat_kind` and `vote` are categoricals (built from integer codes: a run of
        26 years has some 25,000 rows).
        """
        columns = ["year", "draft", "iso3", "seat_kind", "vote"]
        if not self.drafts:
            return pd.DataFrame(columns=columns)
        shapes = [rec["votes"].shape for rec in self.drafts]
        kinds = np.unique(self.seat_kind)
        kind_codes = np.searchsorted(kinds, self.seat_kind)
        votes = np.concatenate([rec["votes"].ravel() for rec in self.drafts])
        return pd.DataFrame(
            {
                "year": np.concatenate(
                    [np.repeat(r["year"], k) for r, (_, k) in zip(self.drafts, shapes, strict=True)]
                ),
                "draft": np.concatenate(
                    [
                        np.repeat(r["draft"], k)
                        for r, (_, k) in zip(self.drafts, shapes, strict=True)
                    ]
                ),
                "iso3": pd.Categorical.from_codes(
                    np.concatenate(
                        [
                            np.tile(r["seats"], n)
                            for r, (n, _) in zip(self.drafts, shapes, strict=True)
                        ]
                    ),
                    categories=self._iso3,
                ),
                "seat_kind": pd.Categorical.from_codes(
                    np.concatenate([np.tile(kind_codes, n) for n, _ in shapes]), categories=kinds
                ),
                "vote": pd.Categorical.from_codes(
                    votes.astype(np.int8) - NO, ["no", "abstain", "yes"]
                ).set_categories(["yes", "no", "abstain"]),
            },
            columns=columns,
        )

    def elections_table(self) -> pd.DataFrame:
        """One row per seat filled by an election (including those held at construction)."""
        return pd.DataFrame(self.elections)

    def members(self) -> list[str]:
        """ISO3 codes of the current members, in seat order."""
        return [str(c) for c in self._iso3[self.seats]]


def _seed_sequence(rng: np.random.Generator) -> np.random.SeedSequence:
    """The `SeedSequence` behind a generator (its streams are spawned from it by key).

    A generator without one (a seedless bit generator) gives a sequence seeded by one draw.
    """
    seed = getattr(rng.bit_generator, "seed_seq", None)
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(int(rng.integers(2**63)))


def _alliance_matrix(world, n: int) -> np.ndarray | None:
    """The world's formal alliances (N, N) bool, if it has them (`defense_pact`, `alliance`)."""
    for name in ("defense_pact", "alliance"):
        matrix = getattr(world, name, None)
        if matrix is not None:
            matrix = np.asarray(matrix, dtype=float)
            if matrix.shape == (n, n):
                return (matrix > 0).astype(float)
    return None


# -- compiled kernels (each the same numbers as its plain-numpy reference) ---------------

#: The empty matrix a kernel takes for an absent concert or pact matrix.
_NO_MATRIX = np.zeros((0, 0))
#: The empty flags `year_votes_kernel` takes for an absent concert.
_NO_FLAGS = np.zeros(0, dtype=bool)
#: No rows (no states elected and waiting to take their seats).
_NO_ROWS = np.zeros(0, dtype=np.int64)


def agenda_reference(
    pen_draw,
    pen_pick,
    other_pick,
    issue_draw,
    subject_draw,
    sign_draw,
    contentiousness,
    pool_pen,
    pool_other,
    has_penholder,
    rows,
    cdf,
    penholder_share,
    issue_share,
    against_share,
):
    """The drafts of `Council.draw_agenda` from its draws; `agenda_kernel` computes the same.

    Returns:
        sponsor_seat, penholder (bool), subject (row, -1 for a thematic draft), position.
    """
    by_pen = (pen_draw < penholder_share) & has_penholder
    sponsor_seat = np.where(by_pen, pool_pen[pen_pick], pool_other[other_pick])
    issue = issue_draw < issue_share
    pick = cdf.searchsorted(subject_draw, side="right")
    subject = np.where(issue, -1, rows[np.minimum(pick, len(rows) - 1)])
    sign = np.where(sign_draw < against_share, 1.0, -1.0)
    return sponsor_seat, by_pen, subject, sign * contentiousness


@njit(cache=True, nogil=True)
def agenda_kernel(
    pen_draw,
    pen_pick,
    other_pick,
    issue_draw,
    subject_draw,
    sign_draw,
    contentiousness,
    pool_pen,
    pool_other,
    has_penholder,
    rows,
    cdf,
    penholder_share,
    issue_share,
    against_share,
):
    """`agenda_reference` draft by draft."""
    n = len(pen_draw)
    sponsor_seat = np.empty(n, dtype=np.int64)
    by_pen = np.empty(n, dtype=np.bool_)
    subject = np.empty(n, dtype=np.int64)
    position = np.empty(n)
    for d in range(n):
        by_pen[d] = pen_draw[d] < penholder_share and has_penholder
        sponsor_seat[d] = pool_pen[pen_pick[d]] if by_pen[d] else pool_other[other_pick[d]]
        pick = np.searchsorted(cdf, subject_draw[d], side="right")
        subject[d] = -1 if issue_draw[d] < issue_share else rows[min(pick, len(rows) - 1)]
        position[d] = (1.0 if sign_draw[d] < against_share else -1.0) * contentiousness[d]
    return sponsor_seat, by_pen, subject, position


@njit(cache=True, nogil=True)
def support_kernel(
    affinity,
    bloc,
    ideal,
    members,
    sponsors,
    subjects,
    position,
    seat_cost,
    concert,
    pacts,
    w_sponsor,
    w_bloc,
    w_ideology,
    w_subject,
    w_patron,
    permanent_seats,
    patron_margin,
):
    """`Council._support_and_costs_reference` in one pass over the drafts and seats.

    The same operations in the same order, element by element (so the same floats):
    `closeness` needs the world's mean affinity to the drafts' subjects only, each summed
    down its column in row order as numpy sums a C-ordered matrix along axis 0. `concert`
    and `pacts` are (0, 0) when absent.

    Returns:
        support, cost: both (drafts, seats).
    """
    n_drafts, n_seats, n = len(sponsors), len(members), affinity.shape[0]
    support = np.empty((n_drafts, n_seats))
    cost = np.empty((n_drafts, n_seats))
    patron = w_patron > 0 and permanent_seats > 0
    world_mean = np.zeros(n)
    known = np.zeros(n, dtype=np.bool_)
    for d in range(n_drafts):
        sponsor, p = sponsors[d], position[d]
        has_subject = 1.0 if subjects[d] >= 0 else 0.0
        subject = subjects[d] if subjects[d] >= 0 else 0
        salience = abs(p)
        against_subject = w_subject * p * has_subject
        against = w_patron * (p if p >= 0.0 else 0.0) * has_subject  # np.maximum(p, 0)
        if patron and not known[subject]:
            total = affinity[0, subject]
            for k in range(1, n):
                total += affinity[k, subject]
            world_mean[subject] = (total - affinity[subject, subject]) / max(n - 1, 1)
            known[subject] = True
        for k in range(n_seats):
            i = members[k]
            discipline = 0.0
            if bloc[sponsor] >= 0 and bloc[i] >= 0:
                discipline = 1.0 if bloc[sponsor] == bloc[i] else -1.0
            distance = abs(ideal[i] - ideal[sponsor]) / 2.0
            u = salience * (
                w_sponsor * affinity[sponsor, i] + w_bloc * discipline - w_ideology * distance
            )
            u -= against_subject * affinity[subject, i]
            if patron and k < permanent_seats:
                if i == subject:  # a member is its own closest partner
                    close = 1.0
                else:
                    margin = affinity[i, subject] - world_mean[subject]
                    close = (margin - patron_margin) / (1.0 - patron_margin)
                    close = close if close > 0.0 else 0.0  # np.clip(close, 0, 1)
                    close = close if close < 1.0 else 1.0
                if pacts.shape[0] and not close >= pacts[i, subject]:  # np.maximum
                    close = pacts[i, subject]
                u -= against * close
            c = seat_cost[k]
            if concert.shape[0]:
                u += concert[d, k]
                c += concert[d, k]
            support[d, k] = u
            cost[d, k] = c
    return support, cost


@njit(cache=True, nogil=True)
def decide_kernel(
    support,
    noise,
    cost,
    rows,
    sponsor_seat,
    yes_cut,
    no_cut,
    joint_veto_share,
    quota,
    veto_holders,
    vetoes_to_block,
    abstention_counts_against,
):
    """`Council._decide_reference` draft by draft: votes, adopted and vetoes of `rows`.

    Each draft r of `rows` is voted on `support[r] + noise[r]` (`noise` (0, 0): none).

    Returns:
        votes (rows, seats) int8, adopted (rows,) bool, vetoes (rows, seats) bool.
    """
    n_seats = support.shape[1]
    votes = np.empty((len(rows), n_seats), dtype=np.int8)
    adopted = np.zeros(len(rows), dtype=np.bool_)
    vetoes = np.zeros((len(rows), n_seats), dtype=np.bool_)
    anticipate = veto_holders > 0 and not abstention_counts_against
    u = np.empty(n_seats)
    for d in range(len(rows)):
        r = rows[d]
        for k in range(n_seats):
            u[k] = support[r, k] + noise[r, k] if noise.shape[0] else support[r, k]
            votes[d, k] = YES if u[k] > yes_cut else (NO if u[k] < no_cut else ABSTAIN)
        votes[d, sponsor_seat[r]] = YES
        yes = 0
        for k in range(n_seats):
            yes += votes[d, k] == YES
        quota_met = yes >= quota
        noes = 0
        for k in range(veto_holders):
            noes += votes[d, k] == NO
        if anticipate and quota_met and noes >= vetoes_to_block:
            # the holders whose noes would block a draft that has the votes (`_code`)
            lone_any, joint_count = False, 0
            for k in range(veto_holders):
                if votes[d, k] == NO:
                    lone_any |= u[k] < no_cut - cost[r, k]
                    joint_count += u[k] < no_cut - joint_veto_share * cost[r, k]
            together = lone_any if vetoes_to_block == 1 else joint_count >= vetoes_to_block
            for k in range(veto_holders):
                joint = u[k] < no_cut - joint_veto_share * cost[r, k]
                if votes[d, k] == NO and not (joint and together):
                    votes[d, k] = ABSTAIN
        blocking = 0
        for k in range(veto_holders):
            v = votes[d, k]
            blocking += v == NO or (abstention_counts_against and v == ABSTAIN)
        blocked = blocking >= vetoes_to_block
        adopted[d] = quota_met and not blocked
        if quota_met and blocked:
            for k in range(veto_holders):
                v = votes[d, k]
                vetoes[d, k] = v == NO or (abstention_counts_against and v == ABSTAIN)
    return votes, adopted, vetoes


def tally_reference(votes, adopted, vetoes, group, n_groups, p5):
    """The counts of a session's outcomes; `tally_kernel` computes the same.

    Args:
        votes: (drafts, seats) votes.
        adopted: (drafts,) bool.
        vetoes: (drafts, seats) bool, the vetoes cast.
        group: (drafts,) the sponsor's group, in [0, n_groups).
        n_groups: Number of sponsor groups.
        p5: The first `p5` seats whose agreement is counted.

    Returns:
        Drafts vetoed, vetoes cast by seat (seats,), drafts on which the first `p5` seats
        all vote alike, drafts tabled and adopted by sponsor group (n_groups,) each.
    """
    permanent = votes[:, :p5]
    return (
        int(np.count_nonzero(vetoes.any(axis=1))),
        vetoes.sum(axis=0),
        int(np.count_nonzero((permanent == permanent[:, :1]).all(axis=1))),
        np.bincount(group, minlength=n_groups),
        np.bincount(group[adopted], minlength=n_groups),
    )


@njit(cache=True, nogil=True)
def tally_kernel(votes, adopted, vetoes, group, n_groups, p5):
    """`tally_reference` in one pass over the drafts."""
    n_drafts, n_seats = votes.shape
    vetoed, p5_agree = 0, 0
    vetoes_cast = np.zeros(n_seats, dtype=np.int64)
    tabled = np.zeros(n_groups, dtype=np.int64)
    won = np.zeros(n_groups, dtype=np.int64)
    for d in range(n_drafts):
        any_veto = False
        for k in range(n_seats):
            vetoes_cast[k] += vetoes[d, k]
            any_veto |= vetoes[d, k]
        vetoed += any_veto
        alike = True
        for k in range(1, p5):
            alike &= votes[d, k] == votes[d, 0]
        p5_agree += alike
        tabled[group[d]] += 1
        won[group[d]] += adopted[d]
    return vetoed, vetoes_cast, p5_agree, tabled, won


@njit(cache=True, nogil=True)
def covoting_kernel(votes):
    """`covoting_reference` by counting (a mean of 0/1 flags is their count over the drafts)."""
    n_drafts, n_seats = votes.shape
    by_seat = np.ascontiguousarray(votes.T)  # each member's votes in a row
    out = np.zeros((n_seats, n_seats))  # 2 x 0.5 - 1 on the diagonal
    for i in range(n_seats):
        for j in range(i + 1, n_seats):
            same = 0
            for d in range(n_drafts):
                same += by_seat[i, d] == by_seat[j, d]
            out[i, j] = out[j, i] = 2.0 * (same / n_drafts) - 1.0
    return out


def sponsor_pools_reference(is_penholder, members):
    """The seats sponsors are drawn from, as `Council.draw_agenda` builds them.

    Returns:
        The penholders' seats, the other seats (either every seat if it would be empty),
        whether a penholder sits. `sponsor_pools_kernel` computes the same.
    """
    held_by_pen = is_penholder[members]
    pen_seats = held_by_pen.nonzero()[0]
    others = (~held_by_pen).nonzero()[0]
    every = np.arange(len(members))
    return (
        pen_seats if len(pen_seats) else every,
        others if len(others) else every,
        len(pen_seats) > 0,
    )


@njit(cache=True, nogil=True)
def sponsor_pools_kernel(is_penholder, members):
    """`sponsor_pools_reference` seat by seat."""
    n_seats = len(members)
    pen_seats = np.empty(n_seats, dtype=np.int64)
    others = np.empty(n_seats, dtype=np.int64)
    n_pen, n_other = 0, 0
    for k in range(n_seats):
        if is_penholder[members[k]]:
            pen_seats[n_pen] = k
            n_pen += 1
        else:
            others[n_other] = k
            n_other += 1
    every = np.arange(n_seats)
    return (
        pen_seats[:n_pen] if n_pen else every,
        others[:n_other] if n_other else every,
        n_pen > 0,
    )


@njit(cache=True, nogil=True)
def concert_kernel(in_concert, members, sponsors, value):
    """`Council._concert_mask` from the parties' flags (N,): (0, 0) where it is None.

    `value` (w_c s) on (draft, seat) where member and sponsor are distinct parties, 0 else;
    no flags (an empty array): no concert.
    """
    n_drafts, n_seats = len(sponsors), len(members)
    if len(in_concert) == 0:
        return np.zeros((0, 0))
    mask = np.zeros((n_drafts, n_seats))
    found = False
    for d in range(n_drafts):
        if not in_concert[sponsors[d]]:
            continue
        for k in range(n_seats):
            if in_concert[members[k]] and members[k] != sponsors[d]:
                mask[d, k] = value
                found = True
    return mask if found else np.zeros((0, 0))


@njit(cache=True, nogil=True)
def year_votes_kernel(
    pen_draw,
    pen_pick,
    other_pick,
    issue_draw,
    subject_draw,
    sign_draw,
    contentiousness,
    table_draw,
    noise,
    is_penholder,
    rows,
    cdf,
    penholder_share,
    issue_share,
    against_share,
    hopeless_draft_share,
    affinity,
    bloc,
    ideal,
    members,
    seat_cost,
    in_concert,
    concert_value,
    pacts,
    w_sponsor,
    w_bloc,
    w_ideology,
    w_subject,
    w_patron,
    permanent_seats,
    patron_margin,
    yes_cut,
    no_cut,
    joint_veto_share,
    quota,
    veto_holders,
    vetoes_to_block,
    abstention_counts_against,
    group_of_bloc,
    p5,
):
    """The year's votes from its draws (`Council._year_draws`), as `_vote_agenda_reference`.

    The kernels above in the order of `_vote_agenda_reference`: the drafts
    (`agenda_kernel`), support and veto costs (`concert_kernel`, `support_kernel`), the
    expected votes without noise, the drafts tabled (those expected to pass, and the
    others whose tabling draw is below `hopeless_draft_share`), their votes with the
    members' noise (`decide_kernel`), the tallies (`tally_kernel`, sponsors grouped by
    `group_of_bloc`, indexed by bloc, the non-aligned last) and co-voting
    (`covoting_kernel`; (0, 0) without drafts).

    Returns:
        sponsor rows, penholder, subject, position, adopted (tabled,) each; vetoes and votes
        (tabled, seats); the counts (drafts vetoed, drafts on which the first `p5` seats
        vote alike, drafts tabled and adopted by sponsor group, vetoes cast by each veto
        holder); co-voting (seats, seats).
    """
    pool_pen, pool_other, has_penholder = sponsor_pools_kernel(is_penholder, members)
    sponsor_seat, by_pen, subject, position = agenda_kernel(
        pen_draw,
        pen_pick,
        other_pick,
        issue_draw,
        subject_draw,
        sign_draw,
        contentiousness,
        pool_pen,
        pool_other,
        has_penholder,
        rows,
        cdf,
        penholder_share,
        issue_share,
        against_share,
    )
    n = len(sponsor_seat)
    sponsors = np.empty(n, dtype=members.dtype)
    for d in range(n):
        sponsors[d] = members[sponsor_seat[d]]
    support, cost = support_kernel(
        affinity,
        bloc,
        ideal,
        members,
        sponsors,
        subject,
        position,
        seat_cost,
        concert_kernel(in_concert, members, sponsors, concert_value),
        pacts,
        w_sponsor,
        w_bloc,
        w_ideology,
        w_subject,
        w_patron,
        permanent_seats,
        patron_margin,
    )
    rule = (yes_cut, no_cut, joint_veto_share, quota, veto_holders, vetoes_to_block)
    no_noise = np.zeros((0, 0))
    expected = decide_kernel(
        support, no_noise, cost, np.arange(n), sponsor_seat, *rule, abstention_counts_against
    )[1]
    n_tabled = 0
    for d in range(n):
        n_tabled += expected[d] or table_draw[d] < hopeless_draft_share
    tabled = np.empty(n_tabled, dtype=np.int64)
    t = 0
    for d in range(n):
        if expected[d] or table_draw[d] < hopeless_draft_share:
            tabled[t] = d
            t += 1
    votes, adopted, vetoes = decide_kernel(
        support, noise, cost, tabled, sponsor_seat, *rule, abstention_counts_against
    )
    n_groups = _N_SPONSOR_GROUPS
    group = np.empty(n_tabled, dtype=group_of_bloc.dtype)
    for t in range(n_tabled):
        b = bloc[sponsors[tabled[t]]]
        group[t] = group_of_bloc[b if b >= 0 else b + len(group_of_bloc)]
    vetoed, vetoes_cast, p5_agree, tabled_by, won_by = tally_kernel(
        votes, adopted, vetoes, group, n_groups, p5
    )
    counts = np.empty(2 + 2 * n_groups + veto_holders, dtype=np.int64)
    counts[0], counts[1] = vetoed, p5_agree
    counts[2 : 2 + n_groups] = tabled_by
    counts[2 + n_groups : 2 + 2 * n_groups] = won_by
    counts[2 + 2 * n_groups :] = vetoes_cast[:veto_holders]
    covoting = covoting_kernel(votes) if n_tabled else np.zeros((0, 0))
    return (
        sponsors[tabled],
        by_pen[tabled],
        subject[tabled],
        position[tabled],
        adopted,
        vetoes,
        votes,
        counts,
        covoting,
    )
