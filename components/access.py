"""Who may do what: the signed-in user, the three roles, note visibility and the team's users file.

A :class:`User` is a name (what is recorded with every change) and a role. Roles are ordered:
``viewer`` reads and presents; ``analyst`` also corrects, notes and tags (an analyst's notes are
private to their author unless marked shareable); ``editor`` also undoes anyone's change, deletes
articles, edits their metadata and manages feeds and users. :func:`require` raises :class:`Forbidden` with a message
saying who lacks which permission; :func:`can_see_note` is the one rule for private notes, used
by every read path (pages, exports, briefings, the CLI). The users file is the YAML file
streamlit-authenticator reads (``credentials.usernames.NAME`` with a bcrypt ``password`` hash and
``roles``, plus the ``cookie`` that keeps a session signed in); :func:`add_user` writes it with a
bcrypt hash, never the password. :class:`LoginThrottle` slows password guessing (backoff per
user name and per client address). Nothing here imports Streamlit: the pages and the CLI call it.
"""
from __future__ import annotations

import os
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.errors import BadInput, SourcelightError

VIEWER = "viewer"
ANALYST = "analyst"
EDITOR = "editor"
#: Roles from least to most rights; each role can do everything the ones before it can.
ROLES = (VIEWER, ANALYST, EDITOR)

#: Each permission and the least role that holds it.
PERMISSIONS: dict[str, str] = {
    "read": VIEWER,
    "present": VIEWER,
    "annotate": ANALYST,  # correct entities and attributions, add notes and tags, undo one's own change
    "undo_any": EDITOR,  # undo or redo another analyst's change, delete another's shareable note
    "delete_article": EDITOR,
    "edit_metadata": EDITOR,  # an article's title, outlet, author, date
    "manage_feeds": EDITOR,
    "manage_users": EDITOR,
}
#: What each permission lets a user do, for messages ("… may not undo another analyst's change").
PERMISSION_TEXT = {
    "read": "read articles",
    "present": "present articles",
    "annotate": "change analyses, notes or tags",
    "undo_any": "undo another analyst's change",
    "delete_article": "delete articles",
    "edit_metadata": "edit an article's title, outlet, author or date",
    "manage_feeds": "manage feeds",
    "manage_users": "manage users",
}

#: The setting naming the users file (sign-in with passwords).
USERS_ENV = "SOURCELIGHT_USERS"
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_BCRYPT = re.compile(r"^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$")
MIN_PASSWORD = 8


class Forbidden(SourcelightError):
    """The acting user's role does not allow what was asked (the message says who and what)."""


@dataclass(frozen=True)
class User:
    """Who is acting: ``name`` is recorded with every change; ``role`` is one of ``ROLES``."""

    name: str
    role: str = ANALYST

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise BadInput(f"role {self.role!r} is not one of {', '.join(ROLES)}")

    def can(self, permission: str) -> bool:
        """Whether this user's role holds ``permission`` (one of ``PERMISSIONS``)."""
        return ROLES.index(self.role) >= ROLES.index(PERMISSIONS[permission])


def require(user: User, permission: str) -> None:
    """Raise :class:`Forbidden` unless ``user`` holds ``permission``."""
    if not user.can(permission):
        need = PERMISSIONS[permission]
        raise Forbidden(
            f"{user.name} ({user.role}) may not {PERMISSION_TEXT[permission]}: that needs the {need} role"
        )


def as_user(actor: User | str) -> User:
    """The acting user. A bare name is a local, trusted caller (single-user mode, the CLI), who
    has every right, as the only person using that library; a signed-in user comes as a ``User``."""
    return actor if isinstance(actor, User) else User(str(actor), EDITOR)


def can_see_note(reader: str | None, author: str, shareable: bool) -> bool:
    """A shareable note is visible to everyone; a private one only to its author (``reader``)."""
    return bool(shareable) or (bool(reader) and reader == author)


# ---- the users file ----------------------------------------------------------------------------


def users_path(env: Mapping[str, str] | None = None) -> Path | None:
    """The users file named by ``SOURCELIGHT_USERS``, or None when sign-in by password is off."""
    value = (env if env is not None else os.environ).get(USERS_ENV, "").strip()
    return Path(value) if value else None


def _read(path: Path) -> dict[str, Any]:
    import yaml

    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(
            f"users file {str(path)!r} does not exist: create it with `python -m components users add NAME`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"users file {str(path)!r} cannot be read: {exc}") from exc
    try:
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        raise BadInput(f"users file {str(path)!r} is not valid YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise BadInput(f"users file {str(path)!r} must be a mapping with 'credentials' and 'cookie'")
    return data


def role_of(roles: Any) -> str:
    """The strongest of the roles listed for a user (``roles: [analyst]`` in the users file).

    Raises:
        components.errors.BadInput: no role, or one that is not in ``ROLES``.
    """
    listed = [roles] if isinstance(roles, str) else list(roles or [])
    bad = [r for r in listed if r not in ROLES]
    if bad or not listed:
        raise BadInput(f"roles {listed!r}: give one of {', '.join(ROLES)}")
    return max(listed, key=ROLES.index)


def load_users(path: Path) -> dict[str, Any]:
    """Read and check a users file: every password a bcrypt hash, every role known, a cookie key.

    Returns:
        the configuration as streamlit-authenticator takes it (``credentials``, ``cookie``).

    Raises:
        components.errors.BadInput: the file is missing, unreadable, not YAML, or a user's entry
            is wrong (a plain-text password is refused: only hashes are ever stored).
    """
    data = _read(path)
    users = (data.get("credentials") or {}).get("usernames") or {}
    if not isinstance(users, dict) or not users:
        raise BadInput(f"users file {str(path)!r} has no users: add one with `python -m components users add NAME`")
    for name, entry in users.items():
        if not isinstance(entry, dict) or not _BCRYPT.match(str(entry.get("password", ""))):
            raise BadInput(
                f"users file {str(path)!r}: user {name!r} has no bcrypt password hash "
                "(set one with `python -m components users passwd NAME`)"
            )
        try:
            role_of(entry.get("roles"))
        except BadInput as exc:
            raise BadInput(f"users file {str(path)!r}: user {name!r}: {exc}") from None
    cookie = data.get("cookie") or {}
    if not isinstance(cookie, dict) or len(str(cookie.get("key", ""))) < 32 or not cookie.get("name"):
        raise BadInput(f"users file {str(path)!r}: 'cookie' needs a 'name' and a random 'key' of 32+ characters")
    cookie.setdefault("expiry_days", 7)
    return data


def existing_role(path: Path, username: str) -> str | None:
    """The role of ``username`` in the users file at ``path`` (None when the file or user is absent)."""
    if not path.exists():
        return None
    entry = ((_read(path).get("credentials") or {}).get("usernames") or {}).get(username)
    return role_of(entry.get("roles")) if isinstance(entry, dict) else None


def user_role(config: Mapping[str, Any], username: str) -> str:
    """The role of ``username`` in a loaded users file (viewer when the user is not listed)."""
    entry = config["credentials"]["usernames"].get(username)
    return role_of(entry.get("roles")) if entry else VIEWER


def role_for_email(settings: Mapping[str, Any], email: str) -> str:
    """The role of someone an identity provider signed in, from the ``[sourcelight]`` settings of
    ``.streamlit/secrets.toml``: ``roles`` maps e-mail addresses (any case) to roles; everyone else
    gets ``default_role`` (viewer when unset).

    Raises:
        components.errors.BadInput: a role in the settings that is not in ``ROLES``.
    """
    roles = {str(k).strip().lower(): v for k, v in dict(settings.get("roles") or {}).items()}
    return role_of(roles.get(email.strip().lower(), settings.get("default_role") or VIEWER))


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password`` (the form streamlit-authenticator checks at sign-in)."""
    import bcrypt

    if len(password) < MIN_PASSWORD:
        raise BadInput(f"the password is {len(password)} characters long: use at least {MIN_PASSWORD}")
    if len(password.encode()) > 72:
        raise BadInput("the password is longer than bcrypt's 72 bytes: use a shorter one")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def add_user(
    path: Path, username: str, *, role: str, password: str | None = None, display_name: str | None = None,
    email: str | None = None,
) -> bool:
    """Add a user to the users file (created with a random cookie key when absent), or change an
    existing user's role and, when ``password`` is given, password. Returns True when added.

    Raises:
        components.errors.BadInput: a bad name, role or password, a new user without a password,
            or a file that cannot be read or written.
    """
    if not _USERNAME.match(username or ""):
        raise BadInput(f"user name {username!r}: use letters, digits and . _ @ - (64 at most)")
    role = role_of(role)
    data = _read(path) if path.exists() else {}
    creds = data.setdefault("credentials", {}).setdefault("usernames", {})
    entry = creds.get(username)
    added = entry is None
    if added and password is None:
        raise BadInput(f"user {username!r} is new: give a password")
    entry = entry if isinstance(entry, dict) else {}
    entry["name"] = display_name or entry.get("name") or username
    if email or "email" not in entry:
        entry["email"] = email or ""
    entry["roles"] = [role]
    if password is not None:
        entry["password"] = hash_password(password)
    creds[username] = entry
    cookie = data.setdefault("cookie", {})
    cookie.setdefault("name", "sourcelight_auth")
    if len(str(cookie.get("key", ""))) < 32:
        cookie["key"] = secrets.token_hex(32)
    cookie.setdefault("expiry_days", 7)
    _write(path, data)
    return added


def remove_user(path: Path, username: str) -> None:
    """Remove a user from the users file.

    Raises:
        components.errors.BadInput: no such user, or the file cannot be read or written.
    """
    data = _read(path)
    creds = (data.get("credentials") or {}).get("usernames") or {}
    if username not in creds:
        raise BadInput(f"users file {str(path)!r} has no user {username!r}")
    del creds[username]
    _write(path, data)


def list_users(path: Path) -> list[tuple[str, str]]:
    """``(username, role)`` of every user in the file, alphabetical."""
    data = load_users(path)
    return sorted((n, role_of(e.get("roles"))) for n, e in data["credentials"]["usernames"].items())


def _write(path: Path, data: dict) -> None:
    import yaml

    tmp = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # hashes and the cookie key: owner only
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yaml.safe_dump(data, fh, sort_keys=True, allow_unicode=True)
        os.replace(tmp, path)
    except OSError as exc:
        raise BadInput(f"cannot write users file {str(path)!r}: {exc.strerror or exc}") from exc


# ---- where the app may listen ------------------------------------------------------------------

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_loopback(address: str | None) -> bool:
    """Whether a server address only accepts connections from this machine. An empty address is
    Streamlit's default, every interface, so it is not loopback."""
    import ipaddress

    a = (address or "").strip().strip("[]")
    if a == "localhost":
        return True
    try:
        return ipaddress.ip_address(a).is_loopback
    except ValueError:
        return False


def check_bind(address: str | None, sign_in: bool) -> None:
    """Refuse to serve beyond this machine without sign-in.

    Raises:
        Forbidden: ``address`` is not loopback and no sign-in is configured.
    """
    if sign_in or is_loopback(address):
        return
    shown = address or "every interface (no server.address)"
    raise Forbidden(
        f"Sourcelight will not listen on {shown} without sign-in: anyone who can reach it could act as "
        f"any analyst. Set {USERS_ENV} to a users file (`python -m components users add NAME --role editor`) "
        "or configure [auth] in .streamlit/secrets.toml, or serve on 127.0.0.1."
    )


# ---- sign-in throttling ------------------------------------------------------------------------

#: Failed sign-ins allowed for one user name before each further attempt must wait; a client
#: address (an office behind one NAT holds several people) gets ``CLIENT_FACTOR`` times as many.
FREE_ATTEMPTS = 5
CLIENT_FACTOR = 4
#: The first wait (seconds), doubled with every further failure, at most ``MAX_WAIT_S`` (15 min):
#: a guesser gets a few dozen tries an hour, a person who mistyped waits seconds.
FIRST_WAIT_S = 2.0
MAX_WAIT_S = 900.0
#: Failures older than this (seconds since the last one) are forgotten.
FORGET_S = 3600.0


class TooManySignIns(SourcelightError):
    """Sign-in refused for now: too many failed attempts for this user name or from this address."""


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


class LoginThrottle:
    """Exponential backoff on failed sign-ins, per user name and per client address, shared by
    every session of a server (thread-safe; kept in memory, so a restart forgets it).

    streamlit-authenticator's own ``max_login_attempts`` counts in the session's copy of the
    credentials and locks a user out for good: it neither survives a new session (a script opens
    one per try) nor lets the real user back in, so the app uses this instead.

    Args:
        clock: seconds (``time.monotonic`` by default; tests pass their own).
    """

    def __init__(self, *, free: int = FREE_ATTEMPTS, first_wait_s: float = FIRST_WAIT_S,
                 max_wait_s: float = MAX_WAIT_S, forget_s: float = FORGET_S, clock=None) -> None:
        self.free, self.first_wait_s, self.max_wait_s, self.forget_s = free, first_wait_s, max_wait_s, forget_s
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], _Failures] = {}

    def _keys(self, username: str, client: str | None) -> list[tuple[tuple[str, str], int]]:
        keys = [(("user", username.strip().lower()), self.free)]
        if client:
            keys.append((("client", client), self.free * CLIENT_FACTOR))
        return keys

    def wait_s(self, username: str, client: str | None = None) -> float:
        """Seconds before ``username`` (from ``client``) may try again; 0 when it may now."""
        now = self._clock()
        longest = 0.0
        with self._lock:
            for key, free in self._keys(username, client):
                f = self._failures.get(key)
                if f is None:
                    continue
                if now - f.last > self.forget_s:
                    del self._failures[key]
                    continue
                if f.count >= free:
                    wait = min(self.first_wait_s * 2 ** (f.count - free), self.max_wait_s)
                    longest = max(longest, f.last + wait - now)
        return max(longest, 0.0)

    def check(self, username: str, client: str | None = None) -> None:
        """Raise ``TooManySignIns`` when ``username`` (from ``client``) must wait."""
        wait = self.wait_s(username, client)
        if wait > 0:
            raise TooManySignIns(
                f"Too many failed sign-ins for this user name or from this address: try again in {wait:.0f} s."
                if wait >= 1 else "Too many failed sign-ins: try again in a second."
            )

    def failed(self, username: str, client: str | None = None) -> None:
        now = self._clock()
        with self._lock:
            for key, _ in self._keys(username, client):
                f = self._failures.setdefault(key, _Failures())
                f.count, f.last = f.count + 1, now

    def succeeded(self, username: str, client: str | None = None) -> None:
        """A right password: that user name starts afresh (the address keeps its count)."""
        with self._lock:
            self._failures.pop(("user", username.strip().lower()), None)
