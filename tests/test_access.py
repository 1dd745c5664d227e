"""Roles, sign-in files and private notes: who may change what, and that a private note reaches
nobody but its author on any read path (the corrections service, every export format, the
briefing, the ``export`` and ``users`` commands).

The article and its "model output" are the hand-written ones of ``test_corrections.py``.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from test_corrections import AID, ARTICLE, V1, model_analysis, sel

from components import access
from components.access import ANALYST, EDITOR, VIEWER, Forbidden, User, can_see_note, check_bind, is_loopback
from components.briefing import build_briefing, shareable_notes
from components.corrections import CorrectionsService
from components.errors import BadInput
from components.export import export, export_bytes, read_jsonl
from components.store import Store

ROOT = Path(__file__).resolve().parent.parent
MALLORY = User("mallory", ANALYST)
BOB = User("bob", ANALYST)
VERA = User("vera", VIEWER)
EDDIE = User("eddie", EDITOR)


@pytest.fixture
def svc(tmp_path) -> CorrectionsService:
    store = Store(str(tmp_path / "lib.db"))
    store.add_articles([ARTICLE])
    store.put_analysis(model_analysis())
    yield CorrectionsService(store, V1)
    store.engine.dispose()


@pytest.fixture
def notes(svc):
    """Mallory's private note, Mallory's shareable note, Bob's private note."""
    secret = svc.add_note(AID, "Mallory's private lead: call the ministry", analyst=MALLORY)
    shared = svc.add_note(AID, "Shareable: the date checks out", analyst=MALLORY, span=sel("on Monday"), shareable=True)
    bobs = svc.add_note(AID, "Bob's private doubt about Reuters", analyst=BOB)
    return secret, shared, bobs


# ---- roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, allowed",
    [
        (VIEWER, {"read", "present"}),
        (ANALYST, {"read", "present", "annotate"}),
        (EDITOR, set(access.PERMISSIONS)),
    ],
)
def test_each_role_holds_exactly_its_permissions(role, allowed):
    user = User("u", role)
    assert {p for p in access.PERMISSIONS if user.can(p)} == allowed
    for p in set(access.PERMISSIONS) - allowed:
        with pytest.raises(Forbidden, match=f"u \\({role}\\) may not"):
            access.require(user, p)


def test_unknown_role_is_refused():
    with pytest.raises(BadInput, match="role 'admin' is not one of viewer, analyst, editor"):
        User("x", "admin")


def test_viewer_cannot_change_anything(svc):
    with pytest.raises(Forbidden, match="vera \\(viewer\\) may not change"):
        svc.relabel_entity(AID, sel("Jordan", 1), "GPE", analyst=VERA)
    with pytest.raises(Forbidden):
        svc.add_note(AID, "a viewer's note", analyst=VERA)
    with pytest.raises(Forbidden):
        svc.add_tag(AID, "x", analyst=VERA)
    assert svc.history(AID) == [] and svc.notes(AID, reader=VERA) == [] and svc.tags(AID) == []


def test_only_an_editor_undoes_another_analysts_change(svc):
    c = svc.relabel_entity(AID, sel("Jordan", 1), "GPE", analyst=MALLORY)
    with pytest.raises(Forbidden, match="bob \\(analyst\\) may not undo correction #\\d+: it is mallory's change"):
        svc.undo(c.id, BOB)
    assert svc.get(c.id).active
    undo = svc.undo(c.id, EDDIE)  # an editor may
    assert (undo.analyst, svc.get(c.id).active) == ("eddie", False)
    with pytest.raises(Forbidden, match="may not redo"):
        svc.redo(c.id, BOB)
    svc.redo(c.id, MALLORY)  # the author may redo her own change, even one an editor undid
    assert svc.get(c.id).active
    # undoing your own change needs no editor
    mine = svc.relabel_entity(AID, sel("Monday")[:2], "TIME", analyst=BOB)
    assert svc.undo(mine.id, BOB).analyst == "bob"


def test_a_bare_name_is_a_local_caller_with_every_right(svc):
    """Single-user mode and the CLI pass a name: that person is the library's only user."""
    c = svc.relabel_entity(AID, sel("Jordan", 1), "GPE", analyst="mallory")
    assert svc.undo(c.id, "someone else").analyst == "someone else"


# ---- private notes -----------------------------------------------------------------------------


def test_notes_a_reader_sees(svc, notes):
    secret, shared, bobs = notes
    assert [n.id for n in svc.notes(AID, reader=MALLORY)] == [secret.id, shared.id]
    assert [n.id for n in svc.notes(AID, reader="mallory")] == [secret.id, shared.id]
    assert [n.id for n in svc.notes(AID, reader=BOB)] == [shared.id, bobs.id]
    assert [n.id for n in svc.notes(AID, reader=EDDIE)] == [shared.id]  # an editor reads no one's private note
    assert [n.id for n in svc.notes(AID)] == [shared.id]  # nobody named: shareable only
    assert [n.id for n in svc.notes(AID, reader=MALLORY, shareable_only=True)] == [shared.id]


@pytest.mark.parametrize(
    "reader, author, shareable, visible",
    [(None, "a", True, True), (None, "a", False, False), ("a", "a", False, True), ("b", "a", False, False),
     ("", "", False, False)],
)
def test_can_see_note(reader, author, shareable, visible):
    assert can_see_note(reader, author, shareable) is visible


def test_deleting_notes(svc, notes):
    secret, shared, bobs = notes
    # another's private note does not exist for anyone else, editors included
    for who in (BOB, EDDIE):
        with pytest.raises(BadInput, match=f"note #{secret.id} does not exist"):
            svc.delete_note(secret.id, analyst=who)
    with pytest.raises(Forbidden, match="bob \\(analyst\\) may not delete mallory's note"):
        svc.delete_note(shared.id, analyst=BOB)
    with pytest.raises(Forbidden):
        svc.delete_note(bobs.id, analyst=User("bob", VIEWER))
    svc.delete_note(bobs.id, analyst=BOB)
    svc.delete_note(shared.id, analyst=EDDIE)
    assert [n.id for n in svc.notes(AID, reader=MALLORY)] == [secret.id]


def _export_notes(svc, tmp_path, fmt, reader):
    name = {"jsonl": "o.jsonl", "spacy": "o.spacy"}[fmt]
    report = export(svc.store, V1, fmt, tmp_path / name, [AID], reader=reader)
    if fmt == "jsonl":
        notes = read_jsonl(tmp_path / name)[0]["notes"]
    else:
        import spacy
        from spacy.tokens import DocBin

        (doc,) = DocBin().from_bytes((tmp_path / name).read_bytes()).get_docs(spacy.blank("en").vocab)
        notes = doc.user_data["sourcelight"]["notes"]
    return report.notes, sorted(n["text"] for n in notes)


@pytest.mark.parametrize("fmt", ["jsonl", "spacy"])
def test_exports_hold_shareable_notes_and_only_the_readers_private_ones(svc, notes, tmp_path, fmt):
    secret, shared, bobs = notes
    assert _export_notes(svc, tmp_path, fmt, None) == (1, [shared.text])
    assert _export_notes(svc, tmp_path, fmt, "mallory") == (2, sorted([secret.text, shared.text]))
    assert _export_notes(svc, tmp_path, fmt, "bob") == (2, sorted([shared.text, bobs.text]))


def test_download_of_the_whole_library_leaves_other_peoples_private_notes_out(svc, notes):
    secret, shared, bobs = notes
    data = export_bytes(svc.store, V1, "jsonl", None, reader="bob")[0].decode()
    assert shared.text in data and bobs.text in data and secret.text not in data
    data = export_bytes(svc.store, V1, "csv", None)[0].decode()
    assert secret.text not in data and bobs.text not in data


def test_briefing_never_carries_a_private_note(svc, notes):
    secret, shared, bobs = notes
    assert [n.id for n in shareable_notes(svc.store, AID)] == [shared.id]
    b = build_briefing(svc.store, V1, [AID], charts=False)
    assert [n.text for n in b.items[0].notes] == [shared.text]
    # even when a caller hands it every note it has, private ones are dropped
    b = build_briefing(svc.store, V1, [AID], notes={AID: svc.notes(AID, reader=MALLORY)}, charts=False)
    assert [n.text for n in b.items[0].notes] == [shared.text]


# ---- tags --------------------------------------------------------------------------------------


def test_removing_a_tag_records_who_and_when(svc):
    assert svc.add_tag(AID, "Disinformation", analyst=MALLORY)
    assert svc.remove_tag(AID, "disinformation", analyst=BOB)
    assert not svc.remove_tag(AID, "disinformation", analyst=BOB)  # nothing to remove: nothing recorded
    with pytest.raises(Forbidden):
        svc.remove_tag(AID, "disinformation", analyst=VERA)
    events = svc.tag_history(AID)
    assert [(e.action, e.tag, e.analyst) for e in events] == [
        ("remove", "disinformation", "bob"), ("add", "disinformation", "mallory")]
    assert all(e.at for e in events) and svc.tags(AID) == []


# ---- the users file ----------------------------------------------------------------------------


def test_users_file_holds_bcrypt_hashes_that_the_sign_in_library_accepts(tmp_path):
    from streamlit_authenticator.utilities import Hasher

    path = tmp_path / "users.yaml"
    assert access.add_user(path, "mallory", role="analyst", password="correct horse") is True
    assert access.add_user(path, "eddie", role="editor", password="battery staple", display_name="Eddie E.")
    raw = path.read_text(encoding="utf-8")
    assert "correct horse" not in raw and "battery staple" not in raw
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    config = access.load_users(path)
    entry = config["credentials"]["usernames"]["mallory"]
    assert Hasher.check_pw("correct horse", entry["password"]) and not Hasher.check_pw("wrong", entry["password"])
    assert access.list_users(path) == [("eddie", EDITOR), ("mallory", ANALYST)]
    assert len(config["cookie"]["key"]) >= 32
    # a role change keeps the password; the cookie key is kept (sessions stay signed in)
    key = config["cookie"]["key"]
    assert access.add_user(path, "mallory", role="viewer") is False
    again = access.load_users(path)
    assert access.user_role(again, "mallory") == VIEWER and again["cookie"]["key"] == key
    assert again["credentials"]["usernames"]["mallory"]["password"] == entry["password"]
    access.remove_user(path, "mallory")
    assert access.list_users(path) == [("eddie", EDITOR)]


@pytest.mark.parametrize(
    "content, message",
    [
        ("credentials:\n  usernames:\n    ann: {password: hunter22, roles: [analyst]}\n"
         "cookie: {name: c, key: " + "k" * 40 + "}\n", "ann' has no bcrypt password hash"),
        ("credentials:\n  usernames:\n    ann: {password: '$2b$12$" + "a" * 53 + "', roles: [boss]}\n"
         "cookie: {name: c, key: " + "k" * 40 + "}\n", "ann': roles \\['boss'\\]"),
        ("credentials:\n  usernames:\n    ann: {password: '$2b$12$" + "a" * 53 + "', roles: [analyst]}\n"
         "cookie: {name: c, key: short}\n", "random 'key' of 32"),
        ("credentials: {usernames: {}}\n", "has no users"),
        ("[unclosed\n", "not valid YAML"),
        ("- a list\n", "must be a mapping"),
    ],
)
def test_a_bad_users_file_is_refused_with_its_reason(tmp_path, content, message):
    path = tmp_path / "users.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput, match=message):
        access.load_users(path)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"username": "bad name!", "role": "analyst", "password": "longenough"}, "user name 'bad name!'"),
        ({"username": "ann", "role": "analyst", "password": "short"}, "at least 8"),
        ({"username": "ann", "role": "analyst", "password": None}, "is new: give a password"),
        ({"username": "ann", "role": "root", "password": "longenough"}, "roles \\['root'\\]"),
    ],
)
def test_add_user_refuses_bad_requests(tmp_path, kwargs, message):
    with pytest.raises(BadInput, match=message):
        access.add_user(tmp_path / "u.yaml", kwargs.pop("username"), **kwargs)
    assert not (tmp_path / "u.yaml").exists()


def test_users_command_reads_the_password_from_stdin_and_stores_only_its_hash(tmp_path):
    path = tmp_path / "team" / "users.yaml"

    def users(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "components", "users", "--file", str(path), *args],
                              cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)

    proc = users("add", "mallory", "--role", "analyst", stdin="s3cret-horse\n")
    assert proc.returncode == 0, proc.stderr
    assert "added mallory (analyst)" in proc.stdout and "s3cret-horse" not in path.read_text(encoding="utf-8")
    assert users("role", "mallory", "editor").returncode == 0
    assert users("list").stdout.split() == ["mallory", "editor"]
    old = access.load_users(path)["credentials"]["usernames"]["mallory"]["password"]
    assert users("passwd", "mallory", stdin="another-horse\n").returncode == 0
    new = access.load_users(path)["credentials"]["usernames"]["mallory"]["password"]
    from streamlit_authenticator.utilities import Hasher

    assert new != old and Hasher.check_pw("another-horse", new) and access.existing_role(path, "mallory") == EDITOR
    assert users("passwd", "nobody", stdin="another-horse\n").returncode == 2
    bad = users("add", "bob", stdin="short\n")
    assert bad.returncode == 2 and bad.stderr.strip() == "error: the password is 5 characters long: use at least 8"
    assert users("role", "nobody", "viewer").returncode == 2


@pytest.mark.parametrize(
    "settings, email, role",
    [
        ({}, "ann@example.org", VIEWER),
        ({"default_role": "analyst"}, "ann@example.org", ANALYST),
        ({"roles": {"Ann@Example.org": "editor"}}, "ann@example.ORG", EDITOR),
        ({"roles": {"ann@example.org": "editor"}, "default_role": "analyst"}, "bo@example.org", ANALYST),
    ],
)
def test_role_for_an_identity_provider_user(settings, email, role):
    assert access.role_for_email(settings, email) == role


def test_role_for_email_refuses_an_unknown_role():
    with pytest.raises(BadInput, match="roles \['owner'\]"):
        access.role_for_email({"roles": {"a@b.c": "owner"}}, "a@b.c")


# ---- where the app may listen ------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, loopback",
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.0.0.2", True),
     ("0.0.0.0", False), ("", False), (None, False), ("192.168.1.5", False), ("::", False), ("example.org", False)],
)
def test_is_loopback(address, loopback):
    assert is_loopback(address) is loopback


def test_check_bind_refuses_beyond_loopback_without_sign_in():
    check_bind("127.0.0.1", sign_in=False)
    check_bind("0.0.0.0", sign_in=True)
    with pytest.raises(Forbidden, match="will not listen on 0.0.0.0 without sign-in.*SOURCELIGHT_USERS"):
        check_bind("0.0.0.0", sign_in=False)
    with pytest.raises(Forbidden, match="every interface"):
        check_bind("", sign_in=False)


# ---- the export command ------------------------------------------------------------------------


@pytest.mark.slow
def test_export_command_leaves_private_notes_out_unless_told_whose(tmp_path):
    from components.analysis import pipeline_version
    from components.nlp import load_nlp

    db = tmp_path / "cli.db"
    env = dict(os.environ, SOURCELIGHT_DB=str(db), HF_HUB_OFFLINE="1")

    def cli(*args):
        proc = subprocess.run([sys.executable, "-m", "components", *map(str, args)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        return proc

    cli("ingest", ROOT / "seeds" / "000_b880dba6bbaee506.txt")
    store = Store(str(db))
    (summary,) = store.list_articles()
    svc = CorrectionsService(store, pipeline_version(load_nlp()))
    svc.add_note(summary.id, "PRIVATE-mallory", analyst=MALLORY)
    svc.add_note(summary.id, "SHARED-mallory", analyst=MALLORY, shareable=True)
    svc.add_note(summary.id, "PRIVATE-bob", analyst=BOB)
    store.engine.dispose()
    out = tmp_path / "all.jsonl"
    cli("export", "--format", "jsonl", "-o", out)
    assert [n["text"] for n in json.loads(out.read_text(encoding="utf-8"))["notes"]] == ["SHARED-mallory"]
    cli("export", "--format", "jsonl", "--analyst", "mallory", "-o", out)
    got = [n["text"] for n in json.loads(out.read_text(encoding="utf-8"))["notes"]]
    assert got == ["PRIVATE-mallory", "SHARED-mallory"]


# ---- sign-in throttling ------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failed_sign_ins_back_off_per_user_name_and_a_right_password_resets():
    clock = Clock()
    throttle = access.LoginThrottle(free=3, first_wait_s=2, max_wait_s=60, clock=clock)
    for _ in range(3):
        throttle.check("Bob")  # the free attempts
        throttle.failed("Bob")
    assert throttle.wait_s("bob") == 2  # user names compare as the library does (lower case)
    with pytest.raises(access.TooManySignIns, match="try again in 2 s"):
        throttle.check("bob")
    assert throttle.wait_s("ana") == 0  # other users are not held up
    clock.now += 2
    throttle.check("bob")
    throttle.failed("bob")
    assert throttle.wait_s("bob") == 4  # doubling
    for _ in range(10):
        throttle.failed("bob")
    assert throttle.wait_s("bob") == 60  # capped
    clock.now += 60
    throttle.succeeded("bob")
    assert throttle.wait_s("bob") == 0


def test_one_client_guessing_many_user_names_is_slowed_down_and_old_failures_are_forgotten():
    clock = Clock()
    throttle = access.LoginThrottle(free=2, first_wait_s=5, forget_s=600, clock=clock)
    for n in range(2 * access.CLIENT_FACTOR):  # two guesses at each of several names, one address
        throttle.failed(f"user{n // 2}", "203.0.113.7")
    assert throttle.wait_s("someone-new", "203.0.113.7") == 5
    assert throttle.wait_s("someone-new", "198.51.100.2") == 0  # another address is not
    clock.now += 601
    assert throttle.wait_s("someone-new", "203.0.113.7") == 0
    assert throttle.wait_s("user0") == 0
