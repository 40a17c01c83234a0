"""The dashboard (sim/app.py): its parts in Python, then the page in a real browser.

The browser test runs Debian's headless Chromium through Playwright against a `solara run`
server on a free loopback port, which serves the page with the assets of the
`solara-assets` package; the browser may reach only that server (every other request is
aborted and fails the test), so the page is shown to work offline.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from matplotlib.figure import Figure
from mesa.visualization.solara_viz import _build_model_init_kwargs, _check_model_params

from sim import app
from sim.alignment import STRATEGIES
from sim.council import RULES
from sim.events import EVENT_SETS
from sim.model import WorldModel
from sim.powers import POWER_STRATEGIES
from sim.world import load_world

try:
    from playwright import sync_api
except ImportError:
    sync_api = None

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is missing (/usr/bin/chromium): `make test` installs it",
)
needs_playwright = pytest.mark.skipif(
    sync_api is None, reason="the playwright package is missing: `make test` installs it"
)

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 30_000
STEP_TIMEOUT_MS = 15_000
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


# -- the parts, in Python --------------------------------------------------------------


def test_controls_are_worldmodel_keywords_with_the_registered_choices():
    keywords = inspect.signature(WorldModel.__init__).parameters
    assert set(app.MODEL_PARAMS) <= set(keywords)
    values = {name: spec.get("values") for name, spec in app.MODEL_PARAMS.items()}
    assert values["alignment"] == [*STRATEGIES, "mixed"]
    assert values["council_rule"] == list(RULES)
    assert values["events"] == list(EVENT_SETS)
    for power in ("USA", "CHN", "RUS"):
        assert set(POWER_STRATEGIES) | {"contain+wedge"} == set(values[f"strategy_{power}"])
    # the keywords left to the scenario (None, "scenario") show the dashboard world's politics
    politics = load_world(keywords["scenario"].default).politics
    scenario_defaults = {f"strategy_{c}": politics.strategy(c) for c in ("USA", "CHN", "RUS")}
    scenario_defaults["events"] = politics.events
    assert scenario_defaults["strategy_USA"] == "contain"  # world_2024's scenario.yaml
    for name, spec in app.MODEL_PARAMS.items():
        default = keywords[name].default if name != "rng" else app.SEED
        default = scenario_defaults.get(name, default)
        assert spec["value"] == default, name
        if "values" in spec:
            assert default in spec["values"], name
    wedge = app.MODEL_PARAMS["wedge_strength"]
    assert (wedge["type"], wedge["min"], wedge["max"]) == ("SliderFloat", 0.0, 1.0)


def test_reset_rebuilds_the_default_world_with_the_chosen_levers():
    # what Mesa 3.5's Reset does: it adds a mesa Scenario as `scenario`
    _check_model_params(app.model, app.MODEL_PARAMS)
    chosen = {"council_rule": "no_veto", "strategy_USA": "contain+wedge", "rng": 7}
    kwargs = _build_model_init_kwargs(
        app.model, chosen, add_scenario_when_empty=True, require_model_accepts_scenario=True
    )
    rebuilt = type(app.model)(**kwargs)
    assert rebuilt.n == app.model.n and rebuilt.year == 2024
    assert rebuilt.council.rule.name == "no_veto"
    assert rebuilt.power_strategies[rebuilt.row["USA"]] == ("contain", "wedge")
    assert "USA contain+wedge" in app.describe_settings(rebuilt)
    assert "Council no_veto" in app.describe_settings(rebuilt)
    with pytest.raises(ValueError, match="Invalid model parameter"):
        _check_model_params(app.model, {"no_such_lever": {"type": "Select", "values": []}})


def test_panels_draw_the_start_and_later_years():
    model = app.DashboardModel(rng=3)
    colours, legend = app.bloc_colours(model)
    assert len(colours) == model.n
    assert list(legend) == ["West", "Eurasia", "non-aligned"]
    assert colours[model.row["USA"]] == app.BLOC_COLOURS["West"]
    assert colours[model.row["CHN"]] == app.BLOC_COLOURS["Eurasia"]
    assert app.latest_vetoes(model) == "<p>No Council session yet.</p>"
    council = app.draw_council(model)
    assert "No session yet" in council.axes[0].texts[0].get_text()
    for _ in range(2):
        model.step()
    figures = [app.draw_map(model), app.draw_power_shares(model), app.draw_council(model)]
    assert all(isinstance(figure, Figure) for figure in figures)
    assert "2026" in figures[0].axes[0].get_title()
    gdp_lines = figures[1].axes[0].get_lines()
    assert [line.get_label() for line in gdp_lines] == ["USA", "CHN", "RUS", "IND", "EU"]
    assert all(len(line.get_xdata()) == 3 for line in gdp_lines)  # 2024, 2025, 2026
    tabled = model.datacollector.get_model_vars_dataframe()["drafts_tabled"].dropna()
    bars = figures[2].axes[0].patches
    assert len(bars) == 3 * len(tabled)  # adopted, vetoed, failed for each session
    table = app.latest_vetoes(model)
    assert "2026" in table and ("<table" in table or "No veto" in table)


# -- the page, in a browser ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    # no usage telemetry; a missing asset fails at once instead of going to the public CDN
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env["SOLARA_ASSETS_PROXY"] = "True"
    env["SOLARA_ASSETS_CDN"] = "http://127.0.0.1:9/"
    return env


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"solara exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"solara did not serve {url} in {SERVER_START_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory):
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path_factory.mktemp("solara") / "server.log"
    command = [sys.executable, "-m", "solara", "run", "sim/app.py"]
    command += ["--port", str(port), "--host", "127.0.0.1", "--no-open", "--production"]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=server_env(), stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_until_serving(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def page(dashboard_url):
    outside: list[str] = []
    failed: list[str] = []

    def local_only(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", local_only)
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.goto(dashboard_url, timeout=PAGE_TIMEOUT_MS)
            year(page, timeout=PAGE_TIMEOUT_MS)  # the app has rendered
            yield page
        finally:
            browser.close()
    assert not outside, f"the page asked for addresses outside this machine: {outside}"
    assert not failed, f"requests failed (an asset missing offline?): {failed}"


def year(page, timeout: float = STEP_TIMEOUT_MS) -> int:
    text = page.locator(".powershift-year").inner_text(timeout=timeout)
    return int(text.removeprefix("Year "))


def wait_for_year(page, expected: int) -> None:
    page.wait_for_function(
        "y => document.querySelector('.powershift-year')?.innerText === `Year ${y}`",
        arg=expected,
        timeout=STEP_TIMEOUT_MS,
    )


def chart_digests(page) -> list[str]:
    """SHA-256 of each figure as the browser draws it (map, power shares, Council).

    Solara replaces the images when it re-renders (at start-up, the grid layout settles),
    so an image that leaves the page while being captured means: capture again. The
    digests are returned once two captures in a row agree.
    """
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    previous = None
    while time.monotonic() < deadline:
        images = page.locator(".vue-grid-item img")
        try:
            digests = [
                hashlib.sha256(images.nth(i).screenshot(timeout=2000)).hexdigest()
                for i in range(images.count())
            ]
        except sync_api.Error:
            digests = None
        if digests and digests == previous:
            return digests
        previous = digests
        page.wait_for_timeout(250)
    pytest.fail("the charts did not settle")


def wait_for_charts_to_change(page, before: list[str]) -> list[str]:
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        after = chart_digests(page)
        if len(after) == len(before) and all(a != b for a, b in zip(after, before, strict=True)):
            return after
        page.wait_for_timeout(250)
    pytest.fail("the charts did not all change after Step")


def choose(page, label: str, option: str) -> None:
    page.locator(".v-select", has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()


@needs_chromium
@needs_playwright
def test_dashboard_steps_resets_and_rebuilds_with_the_chosen_levers(page, tmp_path):
    assert year(page) == 2024
    settings = page.locator(".powershift-settings").inner_text()
    assert "Council charter" in settings and "seed 42" in settings
    for control in ("Alignment strategy", "United States", "China", "Russia", "Council rule"):
        assert page.locator(".v-select", has_text=control).count() == 1, control
    assert page.get_by_text("Wedge strength").count() == 1
    before = chart_digests(page)
    assert len(before) == 3  # map, power shares, Council

    page.get_by_role("button", name="Step").click()
    wait_for_year(page, 2025)
    after = wait_for_charts_to_change(page, before)
    page.get_by_role("button", name="Step").click()
    wait_for_year(page, 2026)
    wait_for_charts_to_change(page, after)
    assert "Vetoed in 2026" in page.content() or "No veto in 2026" in page.content()

    screenshot = tmp_path / "dashboard.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 50_000  # a drawn page, not a blank one or a spinner
    figures = ROOT / "figures"
    figures.mkdir(exist_ok=True)
    shutil.copy(screenshot, figures / "dashboard.png")

    page.get_by_role("button", name="Reset").click()
    wait_for_year(page, 2024)

    # a lever takes effect at the next Reset (Mesa rebuilds the model with the sidebar values)
    choose(page, "Council rule", "no_veto")
    choose(page, "United States", "contain+wedge")
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function(
        "() => document.querySelector('.powershift-settings')?.innerText.includes('no_veto')",
        timeout=STEP_TIMEOUT_MS,
    )
    settings = page.locator(".powershift-settings").inner_text()
    assert "USA contain+wedge" in settings and "Council no_veto" in settings
    assert year(page) == 2024
    page.get_by_role("button", name="Step").click()
    wait_for_year(page, 2025)
    assert page.get_by_text("error in step").count() == 0
