"""The server's CPU per interaction (issue 13, Load): each page script run's CPU seconds, in-process.

    .venv/bin/python bench/bench_page_cpu.py --db LIBRARY.db                       # this checkout
    .venv/bin/python bench/bench_page_cpu.py --db LIBRARY.db --app-root /tmp/base  # another, same library

The browser load test (``bench_load.py``) measures what readers wait for, which on a shared 2-core
machine is mostly the browsers' own work and everybody else's jobs. This measures the other side
alone: the CPU time the Streamlit server spends in each script run of the interactions the load
test makes, so two checkouts can be compared on a loaded machine (CPU seconds of the script's own
thread, ``time.thread_time``, hardly depend on what else runs; wall seconds do).

Runs the app (``dashboard/app.py`` of ``--app-root``) under Streamlit's AppTest, one script
cache shared by every session as in the server (AppTest otherwise recompiles each page per
session), over a library already analysed (``--db``, for example the one ``bench_load.py
--library-db`` uses), the background worker off. For ``--rounds`` rounds, over the library's
articles in turn: a new session opening an article on Read (``open``: a new session's first
script run; the first round's apart, each article's first in this process), the "Show who said
what" switch (``rerun``), a new session on the seed article then
one source chosen (``source``), a new session on Present (``present open``) and one step
(``present step``). Prints the median and mean CPU milliseconds per kind.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="an analysed SQLite library (it is not changed)")
    ap.add_argument("--app-root", type=Path, default=ROOT, help="the checkout whose app is measured")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the articles")
    ap.add_argument("--articles", type=int, default=12, help="articles opened per round")
    args = ap.parse_args()

    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="page-cpu-"))
    db = tmp / "library.db"
    shutil.copyfile(args.db, db)  # the library is read; a copy keeps the original as it was
    os.environ.update(SOURCELIGHT_DB=str(db), SOURCELIGHT_BACKGROUND="0", SOURCELIGHT_SEEDS=str(tmp / "no-seeds"),
                      HF_HUB_OFFLINE="1")
    root = args.app_root.resolve()
    sys.path.insert(0, str(root))

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest, app_test, local_script_runner

    shared = ScriptCache()  # the server compiles each page once for every session
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    cpu: dict[int, float] = {}
    run_script = script_runner.ScriptRunner._run_script

    def measured(self, *a, **k):
        t0 = time.thread_time()
        try:
            return run_script(self, *a, **k)
        finally:
            cpu[threading.get_ident()] = cpu.get(threading.get_ident(), 0.0) + time.thread_time() - t0

    script_runner.ScriptRunner._run_script = measured

    from dashboard import state

    store = state.get_store()
    ids = [s.id for s in store.list_articles()][: args.articles]
    seed = state.default_article_id()
    app = str(root / "dashboard" / "app.py")
    results: dict[str, list[float]] = defaultdict(list)

    def timed(kind: str, step) -> AppTest:
        cpu.clear()
        at = step()
        if at.exception:
            raise SystemExit(f"{kind}: the page failed: {at.exception[0].message}")
        results[kind].append(sum(cpu.values()))
        return at

    def new(page: str, aid: str) -> AppTest:
        at = AppTest.from_file(app, default_timeout=300)
        at.switch_page(page)
        at.query_params["article"] = aid
        return at.run()

    print(f"app: {root}")
    new("views/reading.py", seed)  # imports, models and the store opened before measuring
    new("views/present.py", seed)
    for r in range(args.rounds):
        for aid in ids:
            # The first round opens each article for the first time in this process (nothing shared yet).
            at = timed("open, 1st time" if r == 0 else "open", lambda aid=aid: new("views/reading.py", aid))
            timed("rerun", lambda at=at: at.toggle(key="read_show_atts").set_value(False).run())
        at = new("views/reading.py", seed)
        options = at.selectbox(key="read_src_source").options
        timed("source", lambda at=at, o=options[2]: at.selectbox(key="read_src_source").set_value(o).run())
        at = timed("present open", lambda: new("views/present.py", seed))
        timed("present step", lambda at=at: next(b for b in at.button if b.label == "Next").click().run())
    print(f"CPU seconds of each script run's thread, {args.rounds} rounds over {len(ids)} articles "
          f"(library {args.db}, {len(store.list_articles())} articles)")
    for kind, xs in results.items():
        ms = [x * 1000 for x in xs]
        print(f"{kind:<14} median {statistics.median(ms):7.1f} ms   mean {statistics.fmean(ms):7.1f} ms   n={len(ms)}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
