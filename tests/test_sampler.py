"""The server's CPU sampler (``components/sampler.py``): CPU is charged to the stack that used it,
a waiting thread is charged nothing, and it stays off unless its setting names a file."""

from __future__ import annotations

import json
import threading
import time

from components import sampler


def _burn_cpu_here(used: list[float]) -> None:
    """Spin until this thread has used 0.2 s of CPU (however loaded the machine), then say how much."""
    x = 0
    while time.thread_time() < 0.2:
        x = (x * 31 + 7) % 1_000_003
    used.append(time.thread_time())


def _wait_here(stop: threading.Event) -> None:
    stop.wait()


def test_cpu_is_charged_to_the_busy_stack_and_not_to_the_waiting_one(tmp_path):
    out = tmp_path / "prof.json"
    s = sampler.Sampler(out, interval=0.005)
    stop, used = threading.Event(), []
    busy = threading.Thread(target=_burn_cpu_here, args=(used,), name="busy-reader")
    idle = threading.Thread(target=_wait_here, args=(stop,), name="idle-reader")
    idle.start()
    s.sample()  # the busy thread starts after a first sample, as the server's script threads do
    busy.start()
    try:
        end = time.monotonic() + 60
        while busy.is_alive() and time.monotonic() < end:
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
    # Its CPU is charged to it, from its start (born after a sample) to its last sample before ending.
    assert 0.8 * used[0] <= burned <= used[0] + 0.01, (used, data["threads"])
    assert waited < 0.01, data["threads"]
    assert data["threads"]["busy"] >= burned * 0.99
    assert all(k.split(";", 1)[0] in data["threads"] for k in data["stacks"])  # each stack names its thread
    assert data["process_cpu_s"] >= data["sampled_cpu_s"] > 0


def test_a_script_threads_waiting_is_charged_to_its_waits(tmp_path):
    # Where a page's run stands still: a script thread's wall time without CPU goes to "waits"; a
    # waiting thread of another name is not counted there.
    out = tmp_path / "prof.json"
    s = sampler.Sampler(out, interval=0.005)
    stop = threading.Event()
    script = threading.Thread(target=_wait_here, args=(stop,), name="ScriptRunner.scriptThread")
    other = threading.Thread(target=_wait_here, args=(stop,), name="idle-reader")
    script.start()
    other.start()
    s.sample()
    t0 = time.monotonic()
    try:
        while time.monotonic() - t0 < 0.3:
            time.sleep(0.005)
            s.sample()
        elapsed = time.monotonic() - t0
    finally:
        stop.set()
        script.join()
        other.join()
    s.write()
    waits = json.loads(out.read_text())["waits"]
    waited = sum(v for k, v in waits.items() if "_wait_here" in k)
    assert 0.25 <= waited <= elapsed + 0.01, (waits, elapsed)
    assert waits and all(k.startswith("ScriptRunner") for k in waits)


def test_off_unless_the_setting_names_a_file(monkeypatch):
    monkeypatch.delenv(sampler.ENV, raising=False)
    before = {t.name for t in threading.enumerate()}
    assert sampler.start_from_env() is None
    assert "sourcelight-sampler" not in {t.name for t in threading.enumerate()} - before


def test_script_runs_are_timed_only_when_asked(tmp_path, monkeypatch):
    out = tmp_path / "runs.jsonl"
    monkeypatch.delenv(sampler.RUNS_ENV, raising=False)
    assert sampler.run_started() is None
    sampler.run_finished(None, "read")
    monkeypatch.setenv(sampler.RUNS_ENV, str(out))
    started = sampler.run_started()
    time.sleep(0.05)  # waiting: wall time, no CPU
    spin = time.thread_time() + 0.05
    while time.thread_time() < spin:  # working: this thread's CPU
        pass
    sampler.run_finished(started, "present", "stopped")
    [run] = [json.loads(x) for x in out.read_text().splitlines()]
    assert run["page"] == "present" and run["end"] == "stopped"
    assert 0.1 <= run["s"] < 5 and abs(run["t"] - time.time()) < 60
    assert 0.05 <= run["cpu"] <= run["s"] - 0.04  # the thread's own CPU, not the sleep
