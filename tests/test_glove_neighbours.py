"""GloVe neighbour lists kept on disk (harness.core.glove.NeighbourLists): what is read back is what
nearest_rows ranks; damaged or foreign files are never used; forked build workers keep theirs."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest

from harness.core.glove import NeighbourLists, nearest_rows, unit_rows


@pytest.fixture
def unit():
    return unit_rows(np.random.default_rng(7).normal(size=(300, 8)))


def _parts(lists: NeighbourLists) -> list:
    return sorted(lists.folder.glob("*.npz"))


def test_lists_are_ranked_once_and_read_back_by_a_later_process(unit, monkeypatch):
    first = NeighbourLists(unit, 20)
    assert len(first) == 0 and _parts(first) == []
    wanted = {i: nearest_rows(unit, i, 20) for i in (0, 5, 299)}
    for i, expected in wanted.items():
        assert np.array_equal(first[i], expected)
    first.save()
    assert len(_parts(first)) == 1
    first.save()  # nothing new: no second part
    assert len(_parts(first)) == 1

    again = NeighbourLists(unit, 20)
    assert len(again) == 3
    monkeypatch.setattr("harness.core.glove.nearest_rows", lambda *a: pytest.fail("ranked again"))
    for i, expected in wanted.items():
        assert np.array_equal(again[i], expected)


def test_another_matrix_or_length_has_its_own_lists(unit):
    lists = NeighbourLists(unit, 20)
    lists[3]
    lists.save()
    assert len(NeighbourLists(unit, 21)) == 0
    other = unit.copy()
    other[0, 0] = np.nextafter(other[0, 0], 1)  # one bit differs
    assert len(NeighbourLists(other, 20)) == 0


def test_a_damaged_or_out_of_range_part_is_skipped(unit):
    lists = NeighbourLists(unit, 20)
    lists[1]
    lists.save()
    (lists.folder / "999-damaged.npz").write_bytes(b"not a numpy file")
    np.savez(lists.folder / "999-foreign.npz", rows=np.array([2]), lengths=np.array([2]), flat=np.array([4, 10_000]))
    np.savez(lists.folder / "999-short.npz", rows=np.array([7, 8]), lengths=np.array([2]), flat=np.array([4, 5]))
    read = NeighbourLists(unit, 20)
    assert len(read) == 1
    assert np.array_equal(read[2], nearest_rows(unit, 2, 20))


def test_many_parts_are_merged_into_one(unit):
    writers = [NeighbourLists(unit, 20) for _ in range(9)]  # nine processes' worth, each saving one part
    for i, lists in enumerate(writers):
        lists[i]
        lists.save()
    assert len(_parts(lists)) == 9
    merged = NeighbourLists(unit, 20)
    assert len(merged) == 9 and len(_parts(merged)) == 1
    assert all(np.array_equal(NeighbourLists(unit, 20)[i], nearest_rows(unit, i, 20)) for i in range(9))


_SHARED: dict[str, NeighbourLists] = {}  # what forked workers inherit, as the build's engines are


def _rank(i):
    return _SHARED["lists"][i].tolist()


def test_forked_workers_keep_their_lists_when_they_end(unit):
    from harness.corpus.runners import Runner, run_jobs

    lists = NeighbourLists(unit, 20)
    lists[0]  # the parent's own new list: its to save, not the workers'
    _SHARED["lists"] = lists
    got = list(run_jobs(_rank, range(1, 9), Runner(num_proc=2)))
    assert got == [nearest_rows(unit, i, 20).tolist() for i in range(1, 9)]
    assert multiprocessing.active_children() == []
    assert len(NeighbourLists(unit, 20)) == 8  # the workers' eight, saved as they ended
    lists.save()
    assert len(NeighbourLists(unit, 20)) == 9


def test_an_unwritable_cache_costs_only_the_time(unit, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("SPINBENCH_CACHE", str(blocked))
    lists = NeighbourLists(unit, 20)
    assert np.array_equal(lists[4], nearest_rows(unit, 4, 20))
    lists.save()  # no error
    assert len(NeighbourLists(unit, 20)) == 0
