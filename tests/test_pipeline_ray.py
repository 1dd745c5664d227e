"""``ingest --engine ray`` on a real two-node Ray cluster started on this machine.

The cluster is two ``ray start`` processes (a head, then a second node joining it with
``--address``), one CPU each, so the two analysis actors must run on different nodes. The tests
check what a team would notice: both nodes did work; the store holds byte-for-byte the analyses
the in-process engine stores, in a SQLite file and in the team's PostgreSQL (``postgres`` marker,
``SOURCELIGHT_TEST_PG_URL``); a bad file is reported by name and the rest goes on; and a run
killed with ``kill -9`` mid-run resumes without redoing stored work, leaving the store complete.
Teardown kills exactly this cluster's processes (found by its own temp folder), never other Ray
processes on the machine, and removes the folder.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_store_postgres import BACKENDS, open_store

from components.store import Store, analyses_table

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "seeds" / "wikinews_2019_2020.jsonl"
N = 12
pytestmark = [pytest.mark.slow]
pytest.importorskip("ray.data", reason="ray[data] is in the dev requirements; install them to run this")

# A throwaway cluster on loopback: no usage statistics, and no token authentication (a token
# left in ~/.ray by another local Ray must not lock the second node out).
RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "HF_HUB_OFFLINE": "1", "RAY_DISABLE_DOCKER_CPU_WARNING": "1",
           "RAY_AUTH_MODE": "disabled"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cluster_pids(temp_dir: str) -> list[int]:
    """This cluster's processes (their command lines name its temp folder) and their children."""
    own = os.getuid()
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != own:
                continue
            if temp_dir in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.add(int(entry.name))
        except OSError:
            continue
    children: set[int] = set()
    for pid in found:
        try:
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        children |= {int(k) for k in kids}
    return sorted(found | children)


def _ray(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, **RAY_ENV)
    return subprocess.run([str(Path(sys.executable).parent / "ray"), *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def cluster():
    """A head and a second node (``ray start``), one CPU each; yields the head's address."""
    temp_dir = tempfile.mkdtemp(prefix="sl-ray-")
    port = _free_port()
    address = f"127.0.0.1:{port}"
    common = ["--num-cpus", "1", "--node-ip-address", "127.0.0.1", "--object-store-memory", "100000000",
              "--disable-usage-stats"]
    try:
        head = _ray("start", "--head", "--port", str(port), "--include-dashboard", "false",
                    "--temp-dir", temp_dir, *common)
        assert head.returncode == 0, head.stderr[-2000:]
        second = _ray("start", "--address", address, *common)
        assert second.returncode == 0, second.stderr[-2000:]
        yield address
    finally:
        pids = _cluster_pids(temp_dir)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        time.sleep(1)
        for pid in _cluster_pids(temp_dir):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(temp_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """A folder of N bundled articles and one file that is not an article."""
    folder = tmp_path_factory.mktemp("inputs")
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[:N]
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 200)
    return folder


@pytest.fixture(scope="module")
def reference(inputs, nlp, tmp_path_factory) -> dict[str, str]:
    """The analyses the in-process engine stores for the same inputs: {article id: stored JSON}."""
    from components.analysis import analyze_missing
    from components.articles import load_paths

    store = Store(str(tmp_path_factory.mktemp("local") / "local.db"))
    report = load_paths([inputs])
    added, _ = store.add_articles(report.articles)
    assert len(added) == N
    assert analyze_missing(store, nlp, ids=added) == N
    return _stored(store)


def _stored(store: Store) -> dict[str, str]:
    with store.engine.connect() as conn:
        return {r.article_id: r.data for r in conn.execute(sa.select(analyses_table))}


def _ingest(db: Path | str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, **RAY_ENV)
    return subprocess.Popen([sys.executable, "-m", "components", "--db", str(db), "ingest", *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _nodes(stdout: str) -> dict[str, int]:
    found = re.search(r"\(Ray nodes ([^)]*)\)", stdout)
    assert found, stdout
    return {n: int(b) for n, b in re.findall(r"(\w+): (\d+) batches", found.group(1))}


def _vectors_complete(store: Store) -> set[str]:
    """Keys whose vectors are stored whole (title row 0 and passages 1..n, no gap)."""
    from components.similarity.embed import vectors

    seqs: dict[str, list[int]] = {}
    with store.engine.connect() as conn:
        for h, seq in conn.execute(sa.select(vectors.c.content_hash, vectors.c.seq)):
            seqs.setdefault(h, []).append(seq)
    return {h for h, s in seqs.items() if sorted(s) == list(range(len(s)))}


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_nodes_store_the_same_analyses_as_the_in_process_engine(backend, cluster, inputs, reference, tmp_path,
                                                                     request):
    store = open_store(backend, tmp_path, request)  # a SQLite file, or the team's PostgreSQL
    db = store.url
    proc = _ingest(db, str(inputs), "--engine", "ray", "--address", cluster, "--batch-size", "2")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    assert f"added {N}," in out and f"analysed {N}" in out
    assert re.search(r"rejected \S*broken\.txt: ", out), out  # the bad file, by name; the rest went on
    nodes = _nodes(out)
    assert len(nodes) == 2 and all(b >= 1 for b in nodes.values()), nodes
    assert sum(nodes.values()) == N // 2
    assert _stored(store) == reference  # byte-equal JSON, article by article
    from components.pipeline.stages import vector_key

    assert {vector_key(a) for a in store.get_articles()} <= _vectors_complete(store)
    # a second run finds everything stored and does nothing
    again = _ingest(db, str(inputs), "--engine", "ray", "--address", cluster)
    out2, err2 = again.communicate(timeout=600)
    assert again.returncode == 0, err2[-3000:]
    assert f"skipped {N}," in out2 and "analysed 0" in out2 and f"{N} already stored" in out2


def test_kill_9_mid_run_resumes_without_redoing_stored_work(cluster, inputs, reference, tmp_path):
    db = tmp_path / "killed.db"
    store = Store(str(db))
    proc = _ingest(db, str(inputs), "--engine", "ray", "--address", cluster, "--batch-size", "1")
    deadline = time.monotonic() + 400
    while len(_stored(store)) < 2:
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "no analysis stored in time"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    # the job's actors die with their driver; wait until nothing more is written
    stored, still = _stored(store), 0
    while still < 3:
        time.sleep(1)
        now = _stored(store)
        still = still + 1 if now == stored else 0
        stored = now
    assert 0 < len(stored) < N, f"the kill came too late to test a resume ({len(stored)} of {N} stored)"
    # what was stored is whole: each analysis equals the in-process one, each has all its vectors
    assert all(reference[i] == data for i, data in stored.items())
    from components.pipeline.stages import vector_key

    keys = {a.id: vector_key(a) for a in store.get_articles()}
    complete = _vectors_complete(store)
    assert all(keys[i] in complete for i in stored)
    with store.engine.connect() as conn:
        created = dict(conn.execute(sa.select(analyses_table.c.article_id, analyses_table.c.created_at)).all())

    resumed = _ingest(db, str(inputs), "--engine", "ray", "--address", cluster, "--batch-size", "2")
    out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err[-3000:]
    # the articles were added by the killed run; only the rest is analysed now
    assert f"skipped {N}," in out, out
    assert f"analysed {N - len(stored)}, {len(stored)} already stored" in out, out
    assert _stored(store) == reference
    with store.engine.connect() as conn:
        after = dict(conn.execute(sa.select(analyses_table.c.article_id, analyses_table.c.created_at)).all())
    assert all(after[i] == created[i] for i in created)  # stored work was not redone
    assert set(keys.values()) <= _vectors_complete(store)
