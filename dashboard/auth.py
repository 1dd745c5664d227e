"""Sign-in: who is using the app, from a real mechanism, never from the URL.

Three modes, chosen by the settings: ``users`` when ``SOURCELIGHT_USERS`` names a users file
(streamlit-authenticator's login form checks the password against its bcrypt hash and keeps the
session in a signed cookie); ``oidc`` when ``.streamlit/secrets.toml`` has an ``[auth]`` section
(Streamlit's ``st.login``, OpenID Connect; roles from ``[sourcelight.roles]``, e-mail → role, and
``[sourcelight] default_role``, viewer unless set); ``none`` otherwise: single-user mode on this
machine, where the sidebar name box says who is working and that person has every right.
:func:`gate` runs before any page: with sign-in configured it shows the sign-in form and stops the
script until someone has signed in, and ``?analyst=`` in the URL is never read.

May import Streamlit, streamlit-authenticator and ``components`` (``access``, ``errors``); no
other ``dashboard`` module (``state`` and ``app`` import it).
"""

from __future__ import annotations

import copy

import streamlit as st

from components import access
from components.access import User
from components.errors import SourcelightError

USER_KEY = "_sl_signed_in"
#: Failed sign-ins of this server process, per user name and client address (every session).
THROTTLE = access.LoginThrottle()
NONE, USERS, OIDC = "none", "users", "oidc"


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file (FileNotFoundError), or one Streamlit cannot parse
        return False


def mode() -> str:
    """``users``, ``oidc`` or ``none`` (see the module docstring)."""
    if access.users_path() is not None:
        return USERS
    return OIDC if _oidc_configured() else NONE


def signed_in() -> User | None:
    """The signed-in user of this session (None in single-user mode or before sign-in)."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else None


def _users_gate() -> User | None:
    import streamlit_authenticator as stauth

    path = access.users_path()
    try:
        config = access.load_users(path)
    except SourcelightError as exc:
        st.error(f"Sign-in is not available: {exc}")
        return None
    cookie = config["cookie"]
    authenticator = stauth.Authenticate(
        copy.deepcopy(config["credentials"]),  # the library notes failed attempts in it: never our copy
        cookie["name"],
        cookie["key"],
        float(cookie.get("expiry_days", 7)),
        auto_hash=False,  # the users file holds bcrypt hashes only (load_users refuses anything else)
        login_sleep_time=0,  # the cookie is read from the request (st.context.cookies): no wait needed
    )
    _throttle(authenticator)
    fields = {"Form name": "Sign in to Sourcelight", "Username": "User name", "Password": "Password",
              "Login": "Sign in"}
    try:
        authenticator.login(location="main", fields=fields, key="sl_login", max_login_attempts=None)
    except access.TooManySignIns as exc:
        st.error(str(exc), icon=":material/timer:")
        return None
    except Exception as exc:  # the library's own errors (LoginError…) carry a message for the user
        st.error(str(exc))
    if st.session_state.get("authentication_status") is False:
        st.error("Wrong user name or password.")
    username = st.session_state.get("username") if st.session_state.get("authentication_status") else None
    if not username or username not in config["credentials"]["usernames"]:
        return None
    user = User(str(username), access.user_role(config, str(username)))  # the file is read again: roles apply at once
    with st.sidebar:
        st.text(f"Signed in as {user.name} ({user.role})")  # plain text: a name is never Markdown
        authenticator.logout("Sign out", "sidebar", key="sl_logout")
    if not st.session_state.get("authentication_status"):  # signed out just now
        # No rerun here: the cookie is deleted by a component this run still has to send.
        st.info("You are signed out.", icon=":material/logout:")
        return None
    return user


def _client() -> str | None:
    """The address the session's WebSocket came from (a proxy's, behind one: then the per-user
    limit is what holds)."""
    try:
        return st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (bare runs): per user name only
        return None


def _throttle(authenticator) -> None:
    """Check ``THROTTLE`` before the library checks a password, and tell it how the check went.

    streamlit-authenticator 0.4.2 offers ``max_login_attempts``, but counts in the session's copy
    of the credentials and never lets the user back in (``access.LoginThrottle`` says why that is
    not enough); its form's fields have no keys, so the check wraps its controller's ``login``.
    """
    controller = authenticator.authentication_controller
    check_password = controller.login
    client = _client()

    def login(username=None, password=None, *args, **kwargs):
        if kwargs.get("token") is not None or not username or not password:  # a cookie, or an empty form
            return check_password(username, password, *args, **kwargs)
        name = str(username).lower().strip()
        THROTTLE.check(name, client)  # TooManySignIns: shown as the form's error, no password checked
        ok = check_password(username, password, *args, **kwargs)
        (THROTTLE.succeeded if ok else THROTTLE.failed)(name, client)
        return ok

    controller.login = login


def _oidc_gate() -> User | None:
    if not st.user.get("is_logged_in"):  # the key is absent when nobody ever signed in
        st.subheader("Sign in to Sourcelight")
        st.button("Sign in", on_click=st.login, icon=":material/login:", key="sl_oidc_login")
        return None
    email = str(st.user.get("email") or st.user.get("sub") or "").strip()
    if not email:
        st.error("The identity provider gave no e-mail address: ask your administrator.")
        return None
    try:
        user = User(email, access.role_for_email(st.secrets.get("sourcelight", {}), email))
    except SourcelightError as exc:
        st.error(f"Sign-in is misconfigured in .streamlit/secrets.toml [sourcelight]: {exc}")
        return None
    with st.sidebar:
        st.text(f"Signed in as {user.name} ({user.role})")  # plain text: a name is never Markdown
        st.button("Sign out", on_click=st.logout, key="sl_oidc_logout")
    return user


def gate() -> bool:
    """Sign the session in when sign-in is configured. Returns True when a page may run: always in
    single-user mode; with sign-in, only once somebody has signed in (the form is shown otherwise)."""
    how = mode()
    if how == NONE:
        st.session_state.pop(USER_KEY, None)
        return True
    user = _users_gate() if how == USERS else _oidc_gate()
    if user is None:
        st.session_state.pop(USER_KEY, None)
        return False
    st.session_state[USER_KEY] = user
    return True
