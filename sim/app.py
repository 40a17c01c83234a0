"""The powershift dashboard: a Mesa SolaraViz page over `WorldModel`.

`make dashboard` (or `solara run sim/app.py`) serves it. The sidebar holds Mesa's controls
(Reset, play/pause, Step) and the model's levers: every country's alignment strategy, the
three great powers' strategies, the wedge strength, the Security Council's rule, the event
set and the seed. The page shows three panels, each a plain matplotlib figure redrawn once a
step: the world by bloc (capitals as points sized by GDP, no map tiles), power shares over
time and the Council's record. The model never imports this module; see `docs/dashboard.md`.
"""

from __future__ import annotations

import inspect
from html import escape

import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.experimental.scenarios import Scenario
from mesa.visualization import SolaraViz

from sim.alignment import STRATEGIES
from sim.council import RULES
from sim.events import EVENT_SETS
from sim.model import PARAMETER_RANGES, SCENARIO_EVENTS, WorldModel
from sim.outcomes import INITIAL_BLOCS, TRACKED_ACTORS
from sim.powers import POWER_STRATEGIES
from sim.world import load_world

#: `WorldModel`'s defaults, read from its signature (the one place they live).
DEFAULTS = {
    name: parameter.default
    for name, parameter in WorldModel.constructor_parameters().items()
    if parameter.default is not inspect.Parameter.empty
}
# strategies and events left to the scenario: the dashboard's world's own (world_2024's)
_POLITICS = load_world(DEFAULTS["scenario"]).politics
for _code in ("USA", "CHN", "RUS"):
    if DEFAULTS[f"strategy_{_code}"] is None:
        DEFAULTS[f"strategy_{_code}"] = _POLITICS.strategy(_code)
if DEFAULTS["events"] == SCENARIO_EVENTS:
    DEFAULTS["events"] = _POLITICS.events
#: Seed of the model built at start-up and the default of the seed slider.
SEED = 42
#: Great-power strategy choices: each named strategy alone, plus the combination the
#: issue asks for (any other "+"-joined combination works from Python).
POWER_CHOICES = [*POWER_STRATEGIES, "contain+wedge"]
#: Bloc colours: the 2025 blocs fixed, later blocs from a qualitative palette.
BLOC_COLOURS = {"West": "#1f77b4", "Eurasia": "#d62728"}
NEW_BLOC_PALETTE = ("#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#bcbd22", "#17becf")
NON_ALIGNED_COLOUR = "#9e9e9e"
#: Figure size of every panel, inches (kept small: PNGs are re-encoded every step).
PANEL_SIZE = (6.4, 3.6)
PANEL_DPI = 90
#: Largest marker area on the map, points^2 (the largest economy).
MAX_MARKER_AREA = 600.0


def _select(label: str, values: list[str], value: str) -> dict:
    return {"type": "Select", "label": label, "values": list(values), "value": value}


MODEL_PARAMS = {
    "alignment": _select("Alignment strategy", [*STRATEGIES, "mixed"], DEFAULTS["alignment"]),
    "strategy_USA": _select("United States", POWER_CHOICES, DEFAULTS["strategy_USA"]),
    "strategy_CHN": _select("China", POWER_CHOICES, DEFAULTS["strategy_CHN"]),
    "strategy_RUS": _select("Russia", POWER_CHOICES, DEFAULTS["strategy_RUS"]),
    "wedge_strength": {
        "type": "SliderFloat",
        "label": "Wedge strength",
        "value": DEFAULTS["wedge_strength"],
        "min": PARAMETER_RANGES["wedge_strength"][0],
        "max": PARAMETER_RANGES["wedge_strength"][1],
        "step": 0.05,
    },
    "council_rule": _select("Council rule", list(RULES), DEFAULTS["council_rule"]),
    "events": _select("Events", list(EVENT_SETS), DEFAULTS["events"]),
    "rng": {"type": "SliderInt", "label": "Seed", "value": SEED, "min": 0, "max": 999, "step": 1},
}


class DashboardModel(WorldModel):
    """`WorldModel` as SolaraViz rebuilds it on Reset.

    Mesa 3.5's Reset passes `scenario=mesa.experimental.scenarios.Scenario()` to a model
    whose constructor has a `scenario` parameter; `WorldModel`'s `scenario` names a world,
    so a Mesa `Scenario` stands for the default world here. Everything else is
    `WorldModel` unchanged (its signature too, so Mesa still checks the parameter names).
    """

    def __init__(self, scenario=DEFAULTS["scenario"], **params) -> None:
        """Build the model; a Mesa `Scenario` as `scenario` means the default world."""
        if isinstance(scenario, Scenario):
            scenario = DEFAULTS["scenario"]
        super().__init__(scenario, **params)
        self.settings = {name: params.get(name, DEFAULTS[name]) for name in MODEL_PARAMS}


def describe_settings(model: WorldModel) -> str:
    """One line naming the lever settings the running model was built with.

    The sidebar's controls take effect at the next Reset, so the page says which ones
    the model on screen actually runs.

    Args:
        model: The model (a `DashboardModel`; others show the defaults).
    """
    settings = getattr(model, "settings", {name: DEFAULTS[name] for name in MODEL_PARAMS})
    return (
        f"alignment {settings['alignment']} · USA {settings['strategy_USA']} · "
        f"CHN {settings['strategy_CHN']} · RUS {settings['strategy_RUS']} · "
        f"wedge {settings['wedge_strength']:.2f} · Council {settings['council_rule']} · "
        f"events {settings['events']} · seed {settings['rng']}"
    )


DashboardModel.__init__.__signature__ = inspect.signature(WorldModel.__init__)


def bloc_colours(model: WorldModel) -> tuple[np.ndarray, dict[str, str]]:
    """Each country's colour by bloc and the legend (name -> colour) of the blocs in use.

    Args:
        model: The model.

    Returns:
        Colours (N,) as hex strings and the legend, non-aligned last.
    """
    palette = {}
    for b, bloc in enumerate(model.blocs):
        palette[b] = BLOC_COLOURS.get(bloc.name, NEW_BLOC_PALETTE[b % len(NEW_BLOC_PALETTE)])
    colours = np.array([palette.get(int(b), NON_ALIGNED_COLOUR) for b in model.bloc])
    legend = {model.blocs[b].name: palette[b] for b in sorted(set(model.bloc.tolist())) if b >= 0}
    legend["non-aligned"] = NON_ALIGNED_COLOUR
    return colours, legend


def _year_ticks(ax, years: np.ndarray) -> None:
    # whole years only, at most about eight labels
    ax.set_xticks(years[:: max(1, len(years) // 8)])


def draw_map(model: WorldModel) -> Figure:
    """The world by bloc: capitals as points, coloured by bloc, area proportional to GDP.

    Args:
        model: The model.

    Returns:
        A matplotlib figure (not attached to pyplot).
    """
    countries = model.world.countries
    colours, legend = bloc_colours(model)
    gdp = model.gdp_usd
    area = 8.0 + MAX_MARKER_AREA * gdp / gdp.max()
    figure = Figure(figsize=PANEL_SIZE, dpi=PANEL_DPI, layout="constrained")
    ax = figure.add_subplot()
    ax.scatter(
        countries["capital_lon"],
        countries["capital_lat"],
        s=area,
        c=colours,
        alpha=0.75,
        edgecolors="white",
        linewidths=0.4,
    )
    counts = {name: 0 for name in legend}
    for b in model.bloc:
        counts[model.blocs[b].name if b >= 0 else "non-aligned"] += 1
    for name, colour in legend.items():
        ax.scatter([], [], c=colour, s=30, label=f"{name} ({counts[name]})")
    ax.legend(loc="lower left", fontsize=7, frameon=False)
    ax.set(xlim=(-180, 180), ylim=(-60, 80), aspect="equal")
    ax.set(xticks=range(-150, 180, 30), yticks=range(-60, 90, 30), xticklabels=[], yticklabels=[])
    ax.tick_params(length=0)
    ax.grid(alpha=0.2)
    ax.set_title(f"Blocs in {model.year} (points: capitals, area: GDP)", fontsize=9)
    return figure


def draw_power_shares(model: WorldModel) -> Figure:
    """Shares of world GDP by actor and of capability by bloc, year by year.

    Args:
        model: The model.

    Returns:
        A matplotlib figure with two panels.
    """
    record = model.datacollector.get_model_vars_dataframe()
    figure = Figure(figsize=PANEL_SIZE, dpi=PANEL_DPI, layout="constrained")
    gdp_ax, cap_ax = figure.subplots(1, 2, sharey=True)
    for actor in TRACKED_ACTORS:
        gdp_ax.plot(record["year"], record[f"gdp_share_{actor}"], ".-", ms=3, label=actor)
    for bloc in (*INITIAL_BLOCS, "other"):
        colour = BLOC_COLOURS.get(bloc, NEW_BLOC_PALETTE[0])
        series = record[f"capability_share_bloc_{bloc}"]
        cap_ax.plot(record["year"], series, ".-", ms=3, color=colour, label=bloc)
    gdp_ax.set_title("GDP share of world", fontsize=9)
    cap_ax.set_title("Capability share by bloc", fontsize=9)
    for ax in (gdp_ax, cap_ax):
        ax.legend(fontsize=7, frameon=False)
        ax.tick_params(labelsize=7)
        _year_ticks(ax, record["year"].to_numpy())
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    return figure


def draw_council(model: WorldModel) -> Figure:
    """The Council's year: drafts adopted, vetoed and otherwise failed; vetoes by holder.

    Args:
        model: The model.

    Returns:
        A matplotlib figure (a note when the model has no Council or no session yet).
    """
    figure = Figure(figsize=PANEL_SIZE, dpi=PANEL_DPI, layout="constrained")
    ax = figure.add_subplot()
    record = model.datacollector.get_model_vars_dataframe()
    if model.council is None or "drafts_tabled" not in record:
        ax.text(0.5, 0.5, "No Security Council in this model", ha="center", va="center")
        ax.set_axis_off()
        return figure
    sessions = record.dropna(subset=["drafts_tabled"])
    if sessions.empty:
        ax.text(0.5, 0.5, "No session yet: press Step", ha="center", va="center")
        ax.set_axis_off()
        return figure
    years = sessions["year"].to_numpy()
    adopted = sessions["resolutions_adopted"].to_numpy()
    vetoed = sessions["drafts_vetoed"].to_numpy()
    failed = sessions["drafts_tabled"].to_numpy() - adopted - vetoed
    ax.bar(years, adopted, color="#2ca02c", label="adopted")
    ax.bar(years, vetoed, bottom=adopted, color="#d62728", label="vetoed")
    ax.bar(years, failed, bottom=adopted + vetoed, color="#bdbdbd", label="failed in the vote")
    holders = model.council.veto_holders()
    totals = {code: int(sessions[f"vetoes_{code}"].sum()) for code in holders}
    used = ", ".join(f"{code} {n}" for code, n in totals.items() if n) or "none"
    ax.set_title(f"Security Council ({model.council.rule.name}): vetoes so far {used}", fontsize=9)
    ax.set_ylabel("drafts tabled", fontsize=8)
    ax.set_ylim(0, 1.25 * sessions["drafts_tabled"].max())
    _year_ticks(ax, years)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, frameon=False, loc="upper left", ncols=3)
    return figure


def latest_vetoes(model: WorldModel, limit: int = 4) -> str:
    """HTML table of the latest session's vetoed drafts (at most `limit` rows).

    Plain HTML rather than `solara.Markdown`, whose math support loads KaTeX from the CDN,
    which `solara-assets` does not ship (the page must work offline).

    Args:
        model: The model.
        limit: Largest number of rows.

    Returns:
        An HTML fragment: a caption and a table, or a sentence when there is no veto.
    """
    if model.council is None or not model.council.drafts:
        return "<p>No Council session yet.</p>"
    drafts = model.council.drafts_table()
    year = int(drafts["year"].max())
    latest = drafts[(drafts["year"] == year) & (drafts["vetoed_by"] != "")]
    if latest.empty:
        return f"<p>No veto in {year}.</p>"
    cells = "".join(
        "<tr>"
        + "".join(
            f'<td style="padding: 0 12px 0 0">{escape(str(value))}</td>'
            for value in (r.sponsor, r.subject, f"{r.yes}-{r.no}-{r.abstain}", r.vetoed_by)
        )
        + "</tr>"
        for r in latest.head(limit).itertuples()
    )
    names = ("sponsor", "subject", "yes-no-abstain", "vetoed by")
    header = "".join(f'<th style="padding: 0 12px 0 0">{name}</th>' for name in names)
    more = f"<p>and {len(latest) - limit} more</p>" if len(latest) > limit else ""
    return (
        f"<p>Vetoed in {year}:</p>"
        '<table class="powershift-vetoes" style="font-size: 12px; text-align: left">'
        f"<tr>{header}</tr>{cells}</table>{more}"
    )


def _figure(draw, model: WorldModel) -> solara.Element:
    # the model object and its step count say when the picture changed (Reset makes a new model)
    return solara.FigureMatplotlib(
        draw(model), dependencies=[model, model.steps], format="png", bbox_inches="tight"
    )


def WorldMap(model: WorldModel) -> solara.Element:
    """Panel: the year in words and the world map by bloc."""
    with solara.Column(gap="4px") as panel:
        solara.Text(f"Year {model.year}", classes=["powershift-year"], style={"font-size": "20px"})
        solara.Text(
            describe_settings(model), classes=["powershift-settings"], style={"font-size": "12px"}
        )
        _figure(draw_map, model)
    return panel


def PowerShares(model: WorldModel) -> solara.Element:
    """Panel: GDP shares by actor and capability shares by bloc over time."""
    return _figure(draw_power_shares, model)


def CouncilRecord(model: WorldModel) -> solara.Element:
    """Panel: the Council's record by year and the latest vetoed drafts."""
    with solara.Column(gap="4px") as panel:
        _figure(draw_council, model)
        solara.HTML(tag="div", unsafe_innerHTML=latest_vetoes(model))
    return panel


model = DashboardModel(rng=SEED)
page = SolaraViz(
    model,
    components=[WorldMap, PowerShares, CouncilRecord],
    model_params=MODEL_PARAMS,
    name="powershift: shifting global power",
)
