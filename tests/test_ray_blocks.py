"""How ``ingest --engine ray`` cuts a run into blocks (``ray_engine.block_count``), without Ray.

An actor takes one block at a time, so the size of the last blocks is how long one actor may work
alone at the end of a run while the others wait (the tail): a block must be a batch or two on
small runs, a small share of each actor's work on large ones, and never so many that the driver
schedules a task per article.
"""
from __future__ import annotations

import math

import pytest

from components.pipeline.ray_engine import BLOCKS_PER_ACTOR, block_count


def _largest_block(rows: int, blocks: int) -> int:
    return math.ceil(rows / blocks)  # Ray Data's from_items splits the rows evenly


@pytest.mark.parametrize("rows, batch, actors", [(2000, 16, 2), (400, 16, 2), (12, 2, 2), (12, 1, 2), (33, 16, 2)])
def test_a_small_run_is_cut_into_blocks_of_one_batch(rows, batch, actors):
    blocks = block_count(rows, batch, actors)
    assert blocks == math.ceil(rows / batch)
    assert _largest_block(rows, blocks) <= batch


@pytest.mark.parametrize("rows, batch, actors", [(10_000, 16, 2), (1_000_000, 16, 400), (200_000, 64, 16)])
def test_a_large_run_gives_each_actor_many_blocks_but_not_one_per_batch(rows, batch, actors):
    blocks = block_count(rows, batch, actors)
    assert actors * BLOCKS_PER_ACTOR // 2 <= blocks <= actors * BLOCKS_PER_ACTOR
    # the last block is a small part of one actor's share, so the tail is a small part of the run
    assert _largest_block(rows, blocks) <= 2 * rows / actors / BLOCKS_PER_ACTOR


def test_the_two_node_test_gets_one_batch_per_block():
    # tests/test_pipeline_ray.py counts N // 2 batches for 12 articles at --batch-size 2
    assert block_count(12, 2, 2) == 6


def test_no_rows_or_odd_settings_still_give_one_block():
    assert block_count(0, 16, 2) == 1
    assert block_count(5, 0, 0) >= 1
