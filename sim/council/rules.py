"""Security Council voting rules: who must agree for a draft resolution to be adopted.

A rule is a simple game on the Council's seats. Seats are ordered by convention:
permanent seats first (the veto holders first among them), then elected seats. A draft is
adopted when at least `quota` members vote yes and fewer than `vetoes_to_block` veto
holders vote no. Literature and legal anchors:

- UN Charter Art. 23 and 27 (1945 text: 11 members, 7 affirmative votes "including the
  concurring votes of the permanent members"); Art. 23 and 27(3) as amended in 1965
  (General Assembly resolution 1991 A (XVIII) of 1963, in force 31 August 1965: 15
  members, 9 affirmative votes).
- ICJ, Legal Consequences for States of the Continued Presence of South Africa in Namibia,
  Advisory Opinion of 21 June 1971, para. 22: by the consistent practice of the Council,
  a permanent member's voluntary abstention does not prevent adoption.
- G4 draft resolution "Security Council reform", UN doc. A/59/L.64 (6 July 2005): 25
  members, six new permanent and four new non-permanent seats; the new permanent members
  shall not exercise the veto until a review 15 years after the reform enters into force.

`adopted` and `vetoed_by` are vectorised: `votes` has shape (..., seats), one row per
draft, coded `YES` = 1, `NO` = -1, `ABSTAIN` = 0 (absence, as in the Council's practice
since 1950, is best coded as an abstention).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

YES = 1
NO = -1
ABSTAIN = 0
VOTE_CODES = (YES, NO, ABSTAIN)


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


@dataclass(frozen=True)
class CouncilRule:
    """A Security Council voting rule (a simple game on the seats).

    Seat order: permanent seats first, the `veto_holders` first among them, then the
    elected seats. A draft is adopted iff at least `quota` seats vote yes and fewer than
    `vetoes_to_block` veto holders vote no (or abstain, if `abstention_counts_against`).

    Attributes:
        name: Short identifier, e.g. "charter".
        permanent_seats: Number of permanent seats (>= 0).
        elected_seats: Number of elected seats (>= 0); at least one seat in all.
        quota: Affirmative votes needed to adopt, between 1 and `seats`.
        veto_holders: How many permanent seats hold a veto, between 0 and
            `permanent_seats`; they are the first seats.
        vetoes_to_block: How many negative votes of veto holders make a veto: 1 under the
            Charter, 2 for a "two vetoes" rule. Between 1 and `veto_holders` (1 when
            there are no veto holders; it is then irrelevant).
        abstention_counts_against: If True, a veto holder's abstention counts as a
            negative vote towards a veto. False under the Charter (by established practice,
            ICJ Namibia Advisory Opinion 1971, para. 22).
        description: Free text: what the rule means and its source (not part of equality).
    """

    name: str
    permanent_seats: int
    elected_seats: int
    quota: int
    veto_holders: int
    vetoes_to_block: int = 1
    abstention_counts_against: bool = False
    description: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """Check every field, raising a ValueError that names the field and what is allowed."""
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"CouncilRule.name: expected a non-empty string, got {self.name!r}")
        for name in ("permanent_seats", "elected_seats", "quota", "veto_holders"):
            value = getattr(self, name)
            if not _is_int(value) or value < 0:
                raise ValueError(
                    f"CouncilRule {self.name!r}: {name} must be an integer >= 0, got {value!r}"
                )
        if self.seats < 1:
            raise ValueError(
                f"CouncilRule {self.name!r}: permanent_seats + elected_seats must be >= 1, "
                f"got {self.permanent_seats} + {self.elected_seats}"
            )
        if not 1 <= self.quota <= self.seats:
            raise ValueError(
                f"CouncilRule {self.name!r}: quota must be between 1 and seats = {self.seats}, "
                f"got {self.quota}"
            )
        if self.veto_holders > self.permanent_seats:
            raise ValueError(
                f"CouncilRule {self.name!r}: veto_holders must be between 0 and "
                f"permanent_seats = {self.permanent_seats}, got {self.veto_holders}"
            )
        most = max(self.veto_holders, 1)
        if not _is_int(self.vetoes_to_block) or not 1 <= self.vetoes_to_block <= most:
            raise ValueError(
                f"CouncilRule {self.name!r}: vetoes_to_block must be an integer between 1 and "
                f"{most} (max(veto_holders, 1)), got {self.vetoes_to_block!r}"
            )
        if not isinstance(self.abstention_counts_against, bool | np.bool_):
            raise ValueError(
                f"CouncilRule {self.name!r}: abstention_counts_against must be True or False, "
                f"got {self.abstention_counts_against!r}"
            )

    @property
    def seats(self) -> int:
        """Total number of seats, permanent plus elected."""
        return self.permanent_seats + self.elected_seats

    @property
    def veto_mask(self) -> np.ndarray:
        """Bool array (seats,): True for the veto-holding seats (the first `veto_holders`)."""
        return np.arange(self.seats) < self.veto_holders

    @property
    def permanent_mask(self) -> np.ndarray:
        """Bool array (seats,): True for the permanent seats (the first `permanent_seats`)."""
        return np.arange(self.seats) < self.permanent_seats


# The named rules. Each cites its source; seat counts and quotas are exact.
CHARTER = CouncilRule(
    name="charter",
    permanent_seats=5,
    elected_seats=10,
    quota=9,
    veto_holders=5,
    description=(
        "UN Charter Art. 23 and 27(3) as amended in 1965: 15 members, 9 affirmative votes "
        "including the concurring votes of the permanent members; an abstention is not a veto "
        "(established practice, ICJ Namibia Advisory Opinion 1971, para. 22)."
    ),
)
CHARTER_1945 = CouncilRule(
    name="charter_1945",
    permanent_seats=5,
    elected_seats=6,
    quota=7,
    veto_holders=5,
    description="UN Charter Art. 23 and 27 as signed in 1945: 11 members, 7 votes, P5 veto.",
)
NO_VETO = CouncilRule(
    name="no_veto",
    permanent_seats=5,
    elected_seats=10,
    quota=9,
    veto_holders=0,
    description="The 15-seat Council with 9 affirmative votes and no veto (counterfactual).",
)
TWO_VETOES = CouncilRule(
    name="two_vetoes",
    permanent_seats=5,
    elected_seats=10,
    quota=9,
    veto_holders=5,
    vetoes_to_block=2,
    description=(
        "As the Charter, but a draft fails only if two permanent members vote no "
        "(a 'double veto' reform proposal; counterfactual)."
    ),
)
G4_VETO = CouncilRule(
    name="g4_veto",
    permanent_seats=11,
    elected_seats=14,
    quota=14,
    veto_holders=11,
    description=(
        "G4 draft A/59/L.64 (2005): 25 members (the five, six new permanent, fourteen elected), "
        "14 affirmative votes, and the six new permanent members also hold a veto (as after "
        "the review the draft foresees, if it extended the veto)."
    ),
)
G4_NO_VETO = CouncilRule(
    name="g4_no_veto",
    permanent_seats=11,
    elected_seats=14,
    quota=14,
    veto_holders=5,
    description=(
        "G4 draft A/59/L.64 (2005) as proposed: 25 members, 14 affirmative votes; only the "
        "original five hold a veto (the new permanent members would not exercise it until a "
        "review 15 years after the reform)."
    ),
)

RULES: dict[str, CouncilRule] = {
    rule.name: rule for rule in (CHARTER, CHARTER_1945, NO_VETO, TWO_VETOES, G4_VETO, G4_NO_VETO)
}


def get_rule(name_or_rule: str | CouncilRule) -> CouncilRule:
    """Return a named rule from `RULES`, or the rule itself if given a `CouncilRule`.

    Args:
        name_or_rule: A key of `RULES` (e.g. "charter") or a `CouncilRule`.

    Returns:
        The rule.

    Raises:
        KeyError: If the name is not in `RULES` (the message lists the known names).
        TypeError: If the argument is neither a string nor a `CouncilRule`.
    """
    if isinstance(name_or_rule, CouncilRule):
        return name_or_rule
    if not isinstance(name_or_rule, str):
        raise TypeError(f"expected a rule name or a CouncilRule, got {type(name_or_rule).__name__}")
    try:
        return RULES[name_or_rule]
    except KeyError:
        known = ", ".join(sorted(RULES))
        raise KeyError(
            f"unknown Security Council rule {name_or_rule!r}; known rules: {known} "
            "(or construct a CouncilRule)"
        ) from None


def _check_votes(rule: CouncilRule, votes: np.ndarray) -> np.ndarray:
    votes = np.asarray(votes)
    if votes.ndim == 0 or votes.shape[-1] != rule.seats:
        raise ValueError(
            f"votes must have shape (..., {rule.seats}) for rule {rule.name!r} "
            f"({rule.seats} seats), got shape {votes.shape}"
        )
    if not np.issubdtype(votes.dtype, np.integer):
        raise ValueError(f"votes must be integers (YES=1, NO=-1, ABSTAIN=0), got {votes.dtype}")
    if votes.size and (votes.min() < NO or votes.max() > YES):
        raise ValueError("votes must be coded YES=1, NO=-1 or ABSTAIN=0")
    return votes


def _vetoes(rule: CouncilRule, votes: np.ndarray) -> np.ndarray:
    """Bool (..., seats): the seats whose vote counts towards a veto."""
    counts = votes == NO
    if rule.abstention_counts_against:
        counts |= votes == ABSTAIN
    counts[..., rule.veto_holders :] = False  # the veto holders are the first seats
    return counts


def _quota_met(rule: CouncilRule, votes: np.ndarray) -> np.ndarray:
    # a bool sum counts (np.count_nonzero with an axis is slower on small arrays)
    return (votes == YES).sum(axis=-1) >= rule.quota


def adopted(rule: str | CouncilRule, votes: np.ndarray) -> np.ndarray:
    """Which drafts the rule adopts.

    Args:
        rule: A `CouncilRule` or the name of one in `RULES`.
        votes: Int array (..., seats) coded `YES` = 1, `NO` = -1, `ABSTAIN` = 0, seats in
            the rule's order (veto holders, other permanent, elected).

    Returns:
        Bool array (...): True where at least `quota` seats vote yes and fewer than
        `vetoes_to_block` veto holders vote no (or abstain, if that counts against).

    Raises:
        ValueError: If `votes` has the wrong last dimension, dtype or codes.
    """
    rule = get_rule(rule)
    return _adopted(rule, _check_votes(rule, votes))


def _adopted(rule: CouncilRule, votes: np.ndarray) -> np.ndarray:
    """`adopted` without the checks, for votes known to be well formed (a Council's own)."""
    blocked = _vetoes(rule, votes).sum(axis=-1) >= rule.vetoes_to_block
    return _quota_met(rule, votes) & ~blocked


def vetoed_by(rule: str | CouncilRule, votes: np.ndarray) -> np.ndarray:
    """Which veto holders vetoed each draft.

    Definition: a draft is vetoed when it reaches the quota of affirmative votes but fails
    because at least `vetoes_to_block` veto holders vote no (or abstain, if that counts
    against). For such a draft every veto holder whose vote counted towards the veto is
    marked (all of them, even if fewer would have sufficed). Drafts that fail the quota
    anyway, or are adopted, mark no seat; elected and non-veto seats are never marked.

    Args:
        rule: A `CouncilRule` or the name of one in `RULES`.
        votes: Int array (..., seats), coded as for `adopted`.

    Returns:
        Bool array (..., seats).
    """
    rule = get_rule(rule)
    return _vetoed_by(rule, _check_votes(rule, votes))


def _vetoed_by(rule: CouncilRule, votes: np.ndarray) -> np.ndarray:
    """`vetoed_by` without the checks, for votes known to be well formed (a Council's own)."""
    vetoes = _vetoes(rule, votes)
    vetoed = _quota_met(rule, votes) & (vetoes.sum(axis=-1) >= rule.vetoes_to_block)
    return vetoes & vetoed[..., None]
