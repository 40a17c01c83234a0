"""Scheduled events: data (a year, a kind, parameters) that the events phase applies.

A schedule is a named set from `EVENT_SETS` or a user's own list of `Event`s or mappings
`{"year": 2027, "kind": "sanctions", "imposers": "West", "targets": ["IRN"], "intensity":
0.8}`. Each kind is one function `(model, **params)` registered with `@register_event`.
The named sets are the storylines of the 2025 debate (`../shared/DESIGN.md`).

Entry point: `apply_events(model)`, the events phase of the year.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.checks import check_value
from sim.diplomacy import nudge_affinity
from sim.registry import registrar

if TYPE_CHECKING:
    from sim.model import WorldModel

EventKind = Callable[..., None]
EVENT_KINDS: dict[str, EventKind] = {}


#: `@register_event("name")` adds an event kind to `EVENT_KINDS`.
register_event = registrar(EVENT_KINDS, "event kind")


@dataclass(frozen=True)
class Event:
    """One scheduled event.

    Attributes:
        year: The year in which it happens (applied at the start of that year's step).
        kind: A registered kind (see `EVENT_KINDS`).
        params: Keyword arguments of the kind's function.
    """

    year: int
    kind: str
    params: Mapping = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Check the kind and its parameters against the kind's function."""
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"event kind {self.kind!r} unknown; known: {sorted(EVENT_KINDS)}")
        accepted = list(inspect.signature(EVENT_KINDS[self.kind]).parameters)[1:]
        unknown = set(self.params) - set(accepted)
        if unknown:
            raise ValueError(
                f"event {self.kind!r} ({self.year}): unknown parameters {sorted(unknown)}; "
                f"accepted: {accepted}"
            )

    def apply(self, model: WorldModel) -> None:
        """Apply the event to the model."""
        EVENT_KINDS[self.kind](model, **self.params)


def apply_events(model: WorldModel) -> None:
    """The events phase: this year's scheduled events, in schedule order."""
    for event in model.events:
        if event.year == model.year:
            event.apply(model)


def select(model: WorldModel, who) -> np.ndarray:
    """Row indices for a bloc name, a membership column, an ISO3 code or a list of codes."""
    if isinstance(who, str):
        names = [b.name for b in model.blocs]
        if who in names:
            return np.flatnonzero(model.bloc == names.index(who))
        if who in model.memberships:
            return np.flatnonzero(model.memberships[who])
        who = [who]
    unknown = [code for code in who if code not in model.row]
    if unknown:
        raise ValueError(
            f"unknown countries {unknown}: expected ISO3 codes of the scenario, a bloc name "
            f"({[b.name for b in model.blocs]}) or a membership ({sorted(model.memberships)})"
        )
    return np.array([model.row[code] for code in who], dtype=int)


@register_event("brics_expansion")
def brics_expansion(model: WorldModel, members: Iterable[str] | str = "brics_partner") -> None:
    """Countries become full BRICS members (default: the 2025 partner countries)."""
    rows = select(model, members)
    model.memberships["brics"][rows] = True
    if "brics_partner" in model.memberships:
        model.memberships["brics_partner"][rows] = False
    model.refresh_memberships()


@register_event("three_way_summit")
def three_way_summit(
    model: WorldModel,
    parties: Iterable[str] = ("USA", "RUS", "CHN"),
    amount: float = 0.3,
    relief: float = 0.5,
    concert_half_life: float = 3.0,
) -> None:
    """A US-Russia-China summit opens a concert: affinity up, sanctions eased, Council restraint.

    Each pair's affinity moves `amount` of the way to +1 and their mutual sanctions are
    multiplied by `1 - relief`. The parties form a concert of strength 1 that halves every
    `concert_half_life` years (a summit's spirit fades: the "spirit of Geneva" of 1955 did
    not outlast 1956; detente lasted 1972-1979): while it lasts their mutual affinity target
    is raised (`sim.diplomacy.WEIGHT_CONCERT`) and in the Council they support each other's
    drafts and veto each other less (`sim.council.session`; Jervis 1985, "From Balance to
    Concert").
    """
    rows = select(model, parties)
    for k, i in enumerate(rows):  # each pair once: nudge_affinity writes both directions
        nudge_affinity(model, i, rows[k + 1 :], amount)
    model.sanctions[np.ix_(rows, rows)] *= 1.0 - relief
    model.concert_parties = rows
    model.concert_strength = 1.0
    model.concert_half_life = float(concert_half_life)


@register_event("sanctions")
def sanctions(
    model: WorldModel,
    imposers: Iterable[str] | str = "West",
    targets: Iterable[str] | str = ("RUS",),
    intensity: float = 0.5,
) -> None:
    """A sanctions package: imposers' sanctions on the targets rise to at least `intensity`."""
    rows, cols = select(model, imposers), select(model, targets)
    block = model.sanctions[np.ix_(rows, cols)]
    model.sanctions[np.ix_(rows, cols)] = np.maximum(block, intensity)


@register_event("ceasefire")
def ceasefire(
    model: WorldModel,
    parties: Iterable[str] = ("RUS", "UKR"),
    mediator: str | None = "CHN",
    amount: float = 0.2,
) -> None:
    """A ceasefire ends a listed conflict; the mediator gains affinity with both parties."""
    a, b = select(model, parties)
    model.conflicts = [pair for pair in model.conflicts if set(pair) != {a, b}]
    model.refresh_conflicts()
    if mediator is not None:
        nudge_affinity(model, select(model, mediator), [a, b], amount)


@register_event("greater_eurasia")
def greater_eurasia(
    model: WorldModel, members: Iterable[str] | str = ("sco", "eaeu"), trade_boost: float = 0.2
) -> None:
    """Trade costs fall among the Greater Eurasia members (default SCO and EAEU members).

    Belt and Road membership is not in the shipped sources; pass `members` to add countries.
    Flows among members rise by a factor exp(trade_boost).
    """
    groups = [members] if isinstance(members, str) else list(members)
    rows = np.unique(np.concatenate([select(model, g) for g in groups]))
    model.trade_shift[np.ix_(rows, rows)] += trade_boost
    np.fill_diagonal(model.trade_shift, 0.0)


@register_event("payment_push")
def payment_push(
    model: WorldModel, members: Iterable[str] | str = "brics", amount: float = 0.2
) -> None:
    """A push for non-dollar settlement: the members' non-dollar shares jump by `amount`."""
    rows = select(model, members)
    model.non_dollar_share[rows] = np.minimum(model.non_dollar_share[rows] + amount, 1.0)


#: Named schedules: the storylines of the 2025 debate, each event in its own set and two
#: combinations. Years are assumptions for illustration.
EVENT_SETS: dict[str, tuple[Event, ...]] = {
    "status_quo": (),
    "brics_expansion": (Event(2026, "brics_expansion"),),
    "three_way_summit": (Event(2026, "three_way_summit"),),
    "ceasefire": (Event(2026, "ceasefire"),),
    "greater_eurasia": (Event(2027, "greater_eurasia"),),
    "payment_push": (Event(2026, "payment_push"),),
    "sanctions_iran": (
        Event(2026, "sanctions", {"imposers": "West", "targets": ["IRN"], "intensity": 0.8}),
    ),
    "multipolar": (
        Event(2026, "brics_expansion"),
        Event(2027, "greater_eurasia"),
        Event(2028, "payment_push"),
    ),
    "detente": (Event(2026, "ceasefire"), Event(2026, "three_way_summit")),
}


#: Parameters that name countries (resolved by `select`) and numeric ones with their range.
COUNTRY_PARAMETERS = ("imposers", "targets", "members", "parties", "mediator")
#: Parameters that must name a given number of countries (kind, parameter) -> (least, most).
PARTY_COUNTS = {("ceasefire", "parties"): (2, 2), ("three_way_summit", "parties"): (2, 10_000)}
PARAMETER_RANGES = {
    "intensity": (0.0, 1.0),
    "amount": (0.0, 1.0),
    "relief": (0.0, 1.0),
    "trade_boost": (-5.0, 5.0),
    "concert_half_life": (0.1, 100.0),
}


def check_schedule(events: Iterable[Event], model: WorldModel) -> None:
    """Check every event against the model before the first step.

    An event must fall after the start year (it is applied at the start of its year's
    step), name countries, blocs or membership groups the scenario has, and keep its
    numbers in range.

    Raises:
        ValueError: Naming the event (its index, year and kind), the parameter and the
            problem.
    """
    for k, event in enumerate(events):
        where = f"events[{k}] ({event.year}, {event.kind})"
        if event.year <= model.start_year:
            raise ValueError(
                f"{where}: year: expected a year after start_year {model.start_year} "
                "(events apply at the start of their year's step)"
            )
        for name, value in event.params.items():
            if name in COUNTRY_PARAMETERS and value is not None:
                if not isinstance(value, str) and not (
                    isinstance(value, Iterable) and all(isinstance(v, str) for v in value)
                ):
                    raise ValueError(
                        f"{where}: {name}: expected a name or a list of names, got {value!r}"
                    )
                try:
                    rows = select(model, value)
                except ValueError as error:
                    raise ValueError(f"{where}: {name}: {error}") from error
                least, most = PARTY_COUNTS.get((event.kind, name), (0, 10_000))
                if not least <= len(set(rows.tolist())) <= most:
                    count = f"{least}" if least == most else f"at least {least}"
                    raise ValueError(
                        f"{where}: {name}: expected {count} different countries, got {value!r}"
                    )
            if name in PARAMETER_RANGES:
                check_value(f"{where}: {name}", value, float, PARAMETER_RANGES[name])


def schedule(events: str | Iterable | None) -> tuple[Event, ...]:
    """A schedule from a set name, a list of `Event`s or mappings, or None (no events).

    Raises:
        ValueError: Unknown set name, kind or parameter, naming it.
    """
    if events is None:
        return ()
    if isinstance(events, str):
        if events not in EVENT_SETS:
            raise ValueError(f"events: unknown event set {events!r}; known: {sorted(EVENT_SETS)}")
        return EVENT_SETS[events]
    result = []
    for item in events:
        if isinstance(item, Event):
            result.append(item)
            continue
        item = dict(item)
        try:
            year, kind = item.pop("year"), item.pop("kind")
        except KeyError as missing:
            raise ValueError(f"events: each event needs a year and a kind, got {item}") from missing
        try:
            check_value(f"events: {kind} year", year, int)
        except ValueError as error:
            raise ValueError(f"{error} (a whole year such as 2027)") from None
        result.append(Event(int(year), kind, item))
    return tuple(sorted(result, key=lambda e: e.year))
