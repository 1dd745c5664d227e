"""The team server in a real browser: ``streamlit run dashboard/server.py`` with a users file.

A visitor following a link that names an analyst (``?analyst=Bob%20Impostor``) gets the sign-in
form and nothing else; signing in through that form (streamlit-authenticator, bcrypt) opens the
page as the signed-in user; a wrong password is refused; another site cannot frame the app (the
server sends ``frame-ancestors 'self'``, and Chromium refuses to show the framed page); and
without sign-in the server refuses a non-loopback address before serving anything. That last
server runs inside its own empty network namespace (``unshare --net``), so even its brief
``0.0.0.0`` socket reaches nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from conftest import Console, free_port

from components import access

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory, start_app):
    """The URL of a team server (users file: mallory, analyst) on 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("team")
    seeds = tmp / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    users = tmp / "users.yaml"
    access.add_user(users, "mallory", role="analyst", password="mallory-pass-1")
    app = start_app(tmp / "app.db", script="dashboard/server.py",
                    env={"SOURCELIGHT_SEEDS": str(seeds), "SOURCELIGHT_USERS": str(users)})
    yield app.url


def _sign_in_form(page, url: str):
    page.goto(f"{url}/annotate?analyst=Bob%20Impostor", timeout=60_000)
    form = page.locator('[data-testid="stForm"]')
    form.wait_for(timeout=120_000)
    return form


def test_sign_in_through_the_real_form(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 950})
    console = Console.watch(page)
    form = _sign_in_form(page, server)
    # before signing in: the form and nothing of the library
    assert page.locator(".sl-pick").count() == 0 and page.get_by_role("heading", name="Annotate").count() == 0
    assert page.get_by_text("Entities: model").count() == 0
    form.get_by_role("textbox", name="User name").fill("mallory")
    form.get_by_role("textbox", name="Password").fill("wrong password")
    form.get_by_role("button", name="Sign in").click()
    with console.explain("a wrong password was not refused on screen"):
        page.get_by_text("Wrong user name or password.").wait_for(timeout=60_000)
    assert page.locator(".sl-pick").count() == 0

    form.get_by_role("textbox", name="User name").fill("mallory")
    form.get_by_role("textbox", name="Password").fill("mallory-pass-1")
    form.get_by_role("button", name="Sign in").click()
    with console.explain("the right password did not sign mallory in"):
        page.locator('[data-testid="stSidebar"]').get_by_text("Signed in as").wait_for(timeout=120_000)
    page.wait_for_selector(".sl-pick p[data-start]", timeout=180_000)  # the Annotate page, as mallory
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "mallory" in sidebar.inner_text() and "Bob Impostor" not in sidebar.inner_text()
    assert sidebar.get_by_label("Analyst").count() == 0  # no name box: the URL's name is ignored
    # the session is kept in a signed cookie (a JWT), not in the URL
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("sourcelight_auth", "").count(".") == 2
    # a reload (a new session) is still mallory: the signed cookie signs her in again
    page.reload()
    sidebar.get_by_text("Signed in as mallory (analyst)").wait_for(timeout=120_000)
    # signing out deletes the cookie: after a reload the form is back
    sidebar.get_by_role("button", name="Sign out").click()
    # The notice shows in the run that signs out; the cookie component's own rerun may already have
    # replaced it with the form, so either one says the sign-out happened.
    page.get_by_text("You are signed out.").or_(page.locator('[data-testid="stForm"]')).first.wait_for(
        timeout=60_000)
    page.wait_for_timeout(1500)
    page.reload()
    page.locator('[data-testid="stForm"]').wait_for(timeout=120_000)
    assert sidebar.get_by_text("Signed in as").count() == 0
    page.close()


def test_another_site_cannot_frame_the_app(server, browser):
    with urllib.request.urlopen(server + "/annotate", timeout=10) as r:
        assert r.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
        assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
    page = browser.new_page()
    page.set_content(f'<h1>elsewhere</h1><iframe id="f" src="{server}/annotate" width="800" height="600"></iframe>')
    page.wait_for_timeout(3000)
    framed = next(f for f in page.frames if f != page.main_frame)
    # Chromium replaces a refused frame by its error page: no Streamlit app inside
    assert framed.url.startswith("chrome-error://") and framed.locator("#root").count() == 0
    page.close()


def test_the_server_refuses_a_non_loopback_address_without_sign_in(tmp_path):
    if shutil.which("unshare") is None or subprocess.run(
        ["unshare", "--net", "--map-root-user", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare --net is not permitted here: this test never binds beyond loopback outside one")
    env = {k: v for k, v in os.environ.items() if k != access.USERS_ENV}
    env.update(SOURCELIGHT_DB=str(tmp_path / "app.db"), SOURCELIGHT_SEEDS=str(tmp_path), HF_HUB_OFFLINE="1")
    proc = subprocess.run(
        ["unshare", "--net", "--map-root-user", sys.executable, "-m", "streamlit", "run", "dashboard/server.py",
         "--server.address", "0.0.0.0", "--server.port", str(free_port()), "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    refusal = [ln for ln in proc.stderr.splitlines() if ln.startswith("Sourcelight:")]
    assert len(refusal) == 1 and "will not listen on 0.0.0.0 without sign-in" in refusal[0]
    assert "Traceback" not in proc.stderr
