"""The load test's wire sessions (``bench/bench_load.py --browsers``): against a real ``streamlit
run`` server, a replayed run request is answered and timed as its interaction, an exception in a
run is counted as an error, the Present token is swapped for the session's own, and a live
fragment is rerun as the server's AutoRerun asks."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

from conftest import ROOT, free_port

sys.path.insert(0, str(ROOT))

from bench.bench_load import Results, Tape, wait_listening, wire_session  # noqa: E402

SCRIPT = '''
import time
from pathlib import Path
import streamlit as st

log = Path(__file__).with_name("runs.txt")
q = st.query_params
if "boom" in q:
    raise ValueError("a run that fails")
if "press" in q:  # what the Present key component's value carries: the session's token
    log.open("a").write(f"press {q['press']} token {st.session_state.get('token')}\\n")
st.session_state.setdefault("token", "%016x" % (time.time_ns() & (2**64 - 1)))
st.html('<div data-x=\\'{"token": "' + st.session_state["token"] + '"}\\'></div>')
st.write("ok")

@st.fragment(run_every=0.5)
def poll():
    log.open("a").write("fragment\\n")

log.open("a").write("page\\n")  # a whole run, which runs the fragment too
poll()
'''


def request(query: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    return msg.SerializeToString()


def test_a_wire_session_replays_times_counts_errors_and_polls_fragments(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(SCRIPT, encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=tmp_path, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_listening(proc, port, 120)
        # The recording's token is another session's: the wire session must send its own instead.
        pressed = request('press={"token": "0123456789abcdef"}')
        tape = Tape(first=request(""), cycles=[[("ok", request("a=1")), (None, request("a=2")),
                                               ("bad", request("boom=1")), ("press", pressed)]])  # fmt: skip
        res = Results()
        args = argparse.Namespace(timeout=20.0, think=(1.2, 1.2), ramp=0.0, sessions=1, duration=5.0)
        t0 = time.monotonic()
        asyncio.run(wire_session(0, f"http://127.0.0.1:{port}", tape, res, args))
        assert time.monotonic() - t0 < 30
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert len(res.warmup) == 1 and not res.warmup_errors
    assert res.wire["ok"] and all(0 < s < 20 for s, _ in res.wire["ok"])
    assert None not in res.wire  # an untimed step between interactions is sent, not timed
    assert res.wire["bad"] and any("exception" in e and "bad" in e for e in res.errors)
    assert not [e for e in res.errors if "bad" not in e]
    runs = (tmp_path / "runs.txt").read_text().splitlines()
    presses = [r for r in runs if r.startswith("press")]
    assert presses
    for r in presses:
        sent, own = r.removeprefix("press ").rsplit(" token ", 1)
        assert json.loads(sent)["token"] == own != "0123456789abcdef"
    # 5 s of window, 1.2 s between requests, the fragment every 0.5 s: it ran on its own, not only within whole runs
    assert runs.count("fragment") > runs.count("page") + 3
