"""Shared fixtures: the real spaCy pipeline (loaded once per session), ../shared, and the browser
tests' running app and Chromium.

``start_app`` starts ``streamlit run`` (by default ``dashboard/server.py``, what ``make app``
serves) on a free loopback port over a temporary database, with each test module's own seeds and
settings as arguments; ``browser`` is one Playwright Chromium (Debian's ``/usr/bin/chromium``) for
the whole session. Both skip with the reason where Chromium or Playwright is missing, except in CI.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def nlp():
    from components.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``; skips (with the reason) where it is absent, e.g. a user's fresh clone.

    In CI (``CI=true``) its absence is a failure, not a skip.
    """
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"../shared is missing at {SHARED}, and CI must have it")
        pytest.skip(f"../shared not found at {SHARED}: data-dependent test skipped")
    return SHARED


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")

# The app's background worker (analysing and indexing the whole library from the first page view)
# is off in tests unless a test turns it on: tests over small libraries drive the pages' own
# buttons, and eight servers indexing 292 articles at once would starve the machine.
# tests/test_browser_first_start.py runs the app with it on.
os.environ.setdefault("SOURCELIGHT_BACKGROUND", "0")
# The app analyses in a pool of child processes (components/worker.py) and pages show a pending
# state meanwhile; the AppTests that drive a page in one run need the analysis made on the page's
# thread, so tests default to it. tests/test_worker.py and tests/test_app_analysis_pool.py (and
# the browser tests that set it) run the pool.
os.environ.setdefault("SOURCELIGHT_ANALYSIS_PROCESS", "0")


# ---- the browser tests: a running app and Chromium ----------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking")
#: What ``make app`` serves: the pages of dashboard/app.py behind the anti-framing headers.
APP_SCRIPT = "dashboard/server.py"


@dataclass
class Console:
    """A page's browser-console errors and crashes, kept to name in a failure: when the frontend
    breaks (a white page), what the console said is the only trace of why."""

    lines: list[str] = field(default_factory=list)

    @classmethod
    def watch(cls, page) -> Console:
        console = cls()
        page.on("console", lambda m: m.type == "error" and console.lines.append(m.text.splitlines()[0][:240]))
        page.on("crash", lambda _page: console.lines.append("the page crashed"))
        return console

    @contextmanager
    def explain(self, what: str) -> Iterator[None]:
        """Re-raise a failure inside the block as ``what``, with the console's last errors."""
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - Playwright's TimeoutError or an assertion
            errors = "; ".join(self.lines[-6:]) or "none"
            raise AssertionError(f"{what} ({type(exc).__name__}); browser console errors: {errors}") from exc


def need_chromium() -> None:
    """Skip (fail in CI) where Debian's Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run installs the chromium package")
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium chromium-driver)")
    pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class RunningApp:
    """A ``streamlit run`` server started by ``start_app``."""

    url: str  # http://127.0.0.1:PORT
    db: Path  # its SOURCELIGHT_DB
    env: dict[str, str]  # the environment it runs with (for CLI calls over the same database)
    log: Path  # its stdout and stderr


def _wait_ready(app: RunningApp, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            tail = app.log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise AssertionError(f"the app exited with {proc.returncode} before serving:\n{tail}")
        try:
            with urllib.request.urlopen(app.url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the app did not answer on {app.url} within {seconds:.0f} s")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (each test opens its own pages or contexts)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield b
        b.close()


@pytest.fixture(scope="module")
def start_app(tmp_path_factory, browser) -> Iterator:
    """A factory: ``start_app(db=None, *, script=APP_SCRIPT, env=None, warm=None, warm_s=120,
    ready_s=120) -> RunningApp``.

    Starts ``streamlit run SCRIPT`` on a free port of 127.0.0.1 over ``db`` (a new temporary
    database when None), with ``env`` added to this process's environment (``SOURCELIGHT_SEEDS``,
    ``SOURCELIGHT_USERS``, ``SOURCELIGHT_BACKGROUND``...; ``HF_HUB_OFFLINE=1`` always), and waits
    for its health check. With ``warm`` (a CSS selector), it opens the app's first page once and
    waits up to ``warm_s`` seconds for that selector, so the models are loaded before the tests'
    shorter waits. Every server the module started is stopped when the module ends.
    """
    procs: list[subprocess.Popen] = []

    def start(
        db: Path | None = None,
        *,
        script: str = APP_SCRIPT,
        env: dict[str, str] | None = None,
        warm: str | None = None,
        warm_s: float = 120,
        ready_s: float = 120,
    ) -> RunningApp:
        tmp = tmp_path_factory.mktemp("app")
        db = Path(db) if db is not None else tmp / "app.db"
        full_env = dict(os.environ, SOURCELIGHT_DB=str(db), HF_HUB_OFFLINE="1", **(env or {}))
        port = free_port()
        app = RunningApp(f"http://127.0.0.1:{port}", db, full_env, tmp / "streamlit.log")
        with app.log.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        procs.append(proc)
        _wait_ready(app, proc, ready_s)
        if warm:
            page = browser.new_page()
            try:
                page.goto(app.url + "/", timeout=60_000)
                page.wait_for_selector(warm, timeout=warm_s * 1000)
            finally:
                page.close()
        return app

    yield start
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
