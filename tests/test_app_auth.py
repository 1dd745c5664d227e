"""Sign-in through the whole app (``dashboard/app.py``) in Streamlit's AppTest: with a users file,
nobody gets a page before signing in, the signed-in user is the analyst whatever ``?analyst=`` says,
an impostor can neither undo another analyst's change nor read her private note, a viewer gets no
editing controls, and without sign-in the app refuses to serve beyond loopback.

The password check itself is streamlit-authenticator's (bcrypt); the users file is written by
``components.access.add_user`` as the ``users`` command does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from components import access
from components.access import Forbidden, User

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
PASSWORDS = {"mallory": "mallory-pass-1", "bob": "bob-pass-1234", "vera": "vera-pass-123"}
ROLES = {"mallory": "analyst", "bob": "analyst", "vera": "viewer"}


@pytest.fixture()
def team(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    users = tmp_path / "users.yaml"
    for name, password in PASSWORDS.items():
        access.add_user(users, name, role=ROLES[name], password=password)
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    monkeypatch.setenv("SOURCELIGHT_USERS", str(users))
    from dashboard import auth

    monkeypatch.setattr(auth, "THROTTLE", access.LoginThrottle())  # each test's failed sign-ins are its own
    st.cache_resource.clear()
    yield users
    st.cache_resource.clear()


def sign_in(name: str, password: str | None = None, *, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    assert [t.label for t in at.text_input] == ["User name", "Password"]
    at.text_input[0].input(name)
    at.text_input[1].input(PASSWORDS[name] if password is None else password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


def open_annotate(at: AppTest, **query) -> AppTest:
    at.switch_page("views/annotate.py")
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def service():
    from dashboard import state

    return state.get_corrections()


def page_text(at: AppTest) -> str:
    return "\n".join([*(m.value for m in at.markdown), *(c.value for c in at.caption), *(t.value for t in at.text)])


@pytest.mark.slow
def test_nothing_is_shown_before_sign_in_and_a_wrong_password_is_refused(team):
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params["analyst"] = "mallory"  # the URL names nobody
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"] and not at.title and not at.selectbox
    at = sign_in("mallory", "not her password")
    assert any("Wrong user name or password" in e.value for e in at.error)
    assert [b.label for b in at.button] == ["Sign in"] and not at.selectbox


@pytest.mark.slow
def test_password_guessing_is_slowed_down_across_sessions_for_that_user_only(team):
    for attempt in range(access.FREE_ATTEMPTS):  # each guess in a new session, as a script would
        at = sign_in("bob", f"guess-{attempt}")
        assert any("Wrong user name or password" in e.value for e in at.error)
    at = sign_in("bob")  # the right password, but too soon: refused without being checked
    errors = [e.value for e in at.error]
    assert any("Too many failed sign-ins" in e and "try again in" in e for e in errors), errors
    assert not any("Wrong user name" in e for e in errors)
    assert [b.label for b in at.button] == ["Sign in"] and not at.selectbox
    at = sign_in("mallory")  # another user is not held up
    assert not at.error and at.selectbox


@pytest.mark.slow
def test_an_impostor_in_the_url_cannot_undo_anothers_change_or_read_her_private_note(team):
    at = open_annotate(sign_in("mallory"))
    aid = next(s for s in at.selectbox if s.label == "Article").value
    svc = service()
    mallory = User("mallory", "analyst")
    fix = svc.delete_attribution(aid, 0, analyst=mallory)
    svc.add_note(aid, "Mallory's private lead: the source is her cousin", analyst=mallory)
    svc.add_note(aid, "Mallory's shareable note on the arms deal", analyst=mallory, shareable=True)
    at = open_annotate(at)
    assert "Mallory's private lead" in page_text(at)  # she reads her own private note

    # Bob signs in; the link says he is Mallory (the attack of issue 13)
    bob = open_annotate(sign_in("bob", query={"analyst": "mallory"}), article=aid, analyst="Bob Impostor")
    text = page_text(bob)
    assert "Mallory's private lead" not in text and "Mallory's shareable note" in text
    assert "Signed in as bob (analyst)" in text
    assert not any(t.label == "Analyst" for t in bob.text_input)  # no name box to type another name into
    undo = next(b for b in bob.button if b.key == f"ann_undo_{fix.id}")
    assert undo.disabled and "only an editor" in undo.help
    with pytest.raises(Forbidden, match="it is mallory's change"):  # and components/ refuses it too
        svc.undo(fix.id, User("bob", "analyst"))
    assert svc.get(fix.id).active
    # what Bob changes is recorded as Bob, whatever the URL says
    next(b for b in bob.button if b.label == "Delete").click().run()
    assert not bob.error, [e.value for e in bob.error]
    assert svc.history(aid)[0].analyst == "bob" and {c.analyst for c in svc.history(aid)} == {"bob", "mallory"}
    # Bob's own change he may undo
    latest = svc.history(aid)[0]
    bob = open_annotate(bob)
    own = next(b for b in bob.button if b.key == f"ann_undo_{latest.id}")
    assert not own.disabled
    own.click().run()
    assert not svc.get(latest.id).active and svc.get(fix.id).active


@pytest.mark.slow
def test_a_viewer_reads_but_gets_no_editing_controls(team):
    at = open_annotate(sign_in("vera"))
    assert any("vera, a viewer" in i.value for i in at.info)
    labels = {b.label: b for b in at.button}
    for label in ("Change type…", "Remove", "Correct…", "Delete"):
        assert labels[label].disabled, label
    assert "Add a note on the article" not in labels and "Add entity" not in labels
    assert next(m for m in at.multiselect if m.label == "Tags").disabled
    aid = next(s for s in at.selectbox if s.label == "Article").value
    assert service().history(aid) == []


@pytest.fixture()
def address():
    """Set ``server.address`` for one test (AppTest runs the app in this process) and restore it."""
    before = st_config.get_option("server.address")

    def set_address(value):
        st_config.set_option("server.address", value)

    yield set_address
    st_config.set_option("server.address", before)


def test_refuses_beyond_loopback_without_sign_in(tmp_path, monkeypatch, address):
    monkeypatch.delenv("SOURCELIGHT_USERS", raising=False)
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(tmp_path))
    address("0.0.0.0")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    (err,) = at.error
    assert "will not listen on 0.0.0.0 without sign-in" in err.value and "SOURCELIGHT_USERS" in err.value
    assert not at.button and not at.text_input and not at.title


def test_beyond_loopback_with_a_users_file_asks_for_sign_in(team, address):
    address("0.0.0.0")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not at.error
    assert [b.label for b in at.button] == ["Sign in"]


# ---- sign-in by an identity provider (st.login, OpenID Connect) --------------------------------

OIDC = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-some-length",
    "client_id": "sourcelight-test",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture()
def oidc_app(tmp_path, monkeypatch):
    """The app with ``[auth]`` and ``[sourcelight]`` roles in its secrets, and no users file."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    monkeypatch.delenv("SOURCELIGHT_USERS", raising=False)
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    st.cache_resource.clear()

    def make(user: dict) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=240)
        at.secrets["auth"] = OIDC
        at.secrets["sourcelight"] = {"default_role": "viewer", "roles": {"Bo@Example.org": "analyst"}}
        at.user = user
        return at

    yield make
    st.cache_resource.clear()


def test_identity_provider_configured_shows_only_the_sign_in_button(oidc_app):
    at = oidc_app({"is_logged_in": False})
    at.query_params["analyst"] = "mallory"
    at.run()
    assert not at.exception and not at.error
    assert [b.label for b in at.button] == ["Sign in"] and not at.selectbox and not at.text_input


@pytest.mark.slow
def test_identity_provider_user_is_the_analyst_with_the_role_the_secrets_give(oidc_app):
    at = oidc_app({"is_logged_in": True, "email": "bo@example.org", "name": "Bo"})
    at.query_params["analyst"] = "mallory"
    at.run()
    at = open_annotate(at, analyst="mallory")
    assert "Signed in as bo@example.org (analyst)" in page_text(at)
    aid = next(s for s in at.selectbox if s.label == "Article").value
    next(b for b in at.button if b.label == "Delete").click().run()
    assert not at.error, [e.value for e in at.error]
    assert [c.analyst for c in service().history(aid)] == ["bo@example.org"]
    # someone the secrets do not list is a viewer
    other = open_annotate(oidc_app({"is_logged_in": True, "email": "cy@example.org"}).run())
    assert "Signed in as cy@example.org (viewer)" in page_text(other)
    assert next(b for b in other.button if b.label == "Delete").disabled
