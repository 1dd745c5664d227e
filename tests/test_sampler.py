"""The server's CPU sampler (``dashboard/sampler.py``): CPU is charged to the stack that used it,
a waiting thread is charged nothing, and it stays off unless its setting names a file."""

from __future__ import annotations

import json
import threading
import time

from dashboard import sampler


def _burn_cpu_here(stop: threading.Event) -> None:
    x = 0
    while not stop.is_set():
        x = (x * 31 + 7) % 1_000_003


def _wait_here(stop: threading.Event) -> None:
    stop.wait()


def test_cpu_is_charged_to_the_busy_stack_and_not_to_the_waiting_one(tmp_path):
    out = tmp_path / "prof.json"
    s = sampler.Sampler(out, interval=0.005)
    stop = threading.Event()
    busy = threading.Thread(target=_burn_cpu_here, args=(stop,), name="busy-reader")
    idle = threading.Thread(target=_wait_here, args=(stop,), name="idle-reader")
    busy.start()
    idle.start()
    try:
        end = time.monotonic() + 0.6
        while time.monotonic() < end:
            time.sleep(0.005)
            s.sample()
    finally:
        stop.set()
        busy.join()
        idle.join()
    s.write()
    data = json.loads(out.read_text())
    burned = sum(v for k, v in data["stacks"].items() if "_burn_cpu_here" in k)
    waited = sum(v for k, v in data["stacks"].items() if "_wait_here" in k)
    assert burned > 0.1, data["threads"]  # most of 0.6 s of a spinning thread (the GIL is shared with this one)
    assert waited < 0.02, data["threads"]
    assert data["threads"]["busy"] >= burned * 0.99
    assert all(k.split(";", 1)[0] in data["threads"] for k in data["stacks"])  # each stack names its thread
    assert data["process_cpu_s"] >= data["sampled_cpu_s"] > 0


def test_off_unless_the_setting_names_a_file(monkeypatch):
    monkeypatch.delenv(sampler.ENV, raising=False)
    before = {t.name for t in threading.enumerate()}
    assert sampler.start_from_env() is None
    assert "sourcelight-sampler" not in {t.name for t in threading.enumerate()} - before
