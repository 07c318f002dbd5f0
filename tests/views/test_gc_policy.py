"""When the GUI thread collects garbage (views/gc.py): young objects are never left to pile up,
the middle generation is collected by how many objects moved into it, and a full collection waits
for a quiet moment unless the old generation has grown past its limit."""

from __future__ import annotations

import gc
import weakref

from hypothesis import given, settings, strategies as st

from kvoucher_desktop.views.gc import CollectionPolicy, GuiGarbageCollector


def test_young_objects_over_the_threshold_are_collected_at_the_next_check():
    policy = CollectionPolicy(young=700, middle_objects=10_000)
    assert policy.choose(700, quiet=False) is None
    assert policy.choose(701, quiet=False) == 0
    policy.collected(0, 701)
    assert policy.middle_pending == 701


def test_the_middle_generation_is_collected_once_enough_objects_moved_into_it():
    policy = CollectionPolicy(young=700, middle_objects=10_000)
    for _ in range(9):
        assert policy.choose(1_000, quiet=False) == 0
        policy.collected(0, 1_000)
    # 9,000 pending + 1,000 young reach 10,000: this one collects both, not ten big batches later
    assert policy.choose(1_000, quiet=False) == 1
    policy.collected(1, 1_000)
    assert policy.middle_pending == 0 and policy.old_pending == 10_000


def test_no_full_collection_before_start_up_is_frozen():
    policy = CollectionPolicy(young=700, middle_objects=10_000)
    policy.old_pending = 10**7
    assert policy.choose(0, quiet=True) is None
    policy.old_objects = 1_000
    assert policy.choose(0, quiet=True) == 2


def test_a_full_collection_waits_for_quiet_unless_the_old_generation_outgrew_its_limit():
    policy = CollectionPolicy(young=700, middle_objects=10_000, old_share=0.25, old_share_limit=1.0,
                              old_objects=100_000)
    policy.old_pending = 30_000  # 30 % grown
    assert policy.choose(0, quiet=False) is None
    assert policy.choose(0, quiet=True) == 2
    policy.old_pending = 100_001  # more than doubled: collected even while busy
    assert policy.choose(0, quiet=False) == 2
    policy.collected(2, 0, old_objects=150_000)
    assert policy.old_pending == policy.middle_pending == 0 and policy.old_objects == 150_000


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200_000), st.booleans()), max_size=200))
def test_no_collection_walks_more_than_one_batch_of_young_objects_beyond_the_limits(ticks):
    """Whatever workers allocate between checks: each check collects what is over the threshold,
    a middle collection walks at most `middle_objects` pending plus this check's young ones, and a
    full one happens only when the old generation has grown past its share."""
    policy = CollectionPolicy(young=700, middle_objects=10_000, old_objects=50_000)
    for young, quiet in ticks:
        pending_before, old_before = policy.middle_pending, policy.old_pending
        generation = policy.choose(young, quiet)
        if young > policy.young:
            assert generation in (0, 1)
        if generation == 1:
            assert pending_before + young >= policy.middle_objects
        if generation == 0:
            assert pending_before + young < policy.middle_objects
        assert pending_before < policy.middle_objects  # never left above the limit
        if generation == 2:
            share = old_before / max(policy.old_objects, policy.middle_objects)
            assert share > (policy.old_share if quiet else policy.old_share_limit)
        if generation is not None:
            policy.collected(generation, young, old_objects=50_000 if generation == 2 else None)


def test_the_collector_frees_a_cycle_on_its_timer_and_leaves_automatic_collection_off(qtbot, qapp):
    was_enabled = gc.isenabled()
    collector = GuiGarbageCollector(qapp, interval_ms=20)
    try:
        assert not gc.isenabled()

        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        for _ in range(collector.policy.young + 10):  # over the threshold: the next tick collects
            x, y = Node(), Node()
            x.other, y.other = y, x
        qtbot.waitUntil(lambda: gone() is None, timeout=2000)
        assert collector.policy.runs  # it was the timer's collection
    finally:
        collector.timer.stop()
        collector.deleteLater()
        if was_enabled:
            gc.enable()
