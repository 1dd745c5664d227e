"""Batch ingest engines: the stages every engine runs (``stages``) and the Ray Data engine that
runs them across the cores of one machine or the nodes of a cluster (``ray_engine``).

The default, in-process engine is ``components.analysis.analyze_missing``; both engines call the
same stage functions, so an article gets byte-for-byte the same stored analysis whichever ran it.
"""
