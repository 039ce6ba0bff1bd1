"""The build on a Dask LocalCluster of 2 workers, and in shards, gives the single-process
build's data byte for byte (small fixture sources; offline)."""

import time

import pytest
from conftest import fake_sources

import harness
from harness.core.configs import CONFIGS
from harness.core.fingerprints import read_fingerprints
from harness.core.shards import split_files
from harness.corpus.build import build

# Every engine. The third-party spinner draws from generators that a Dask worker's own threads
# also use unless it is given its own (harness.corpus.spin.third_party.seeded).
CONFIGS_TESTED = ["news", "unseen-spinner", "third-party-spinner", "unseen-domain"]


def files_of(folder, configs):
    return {f"{c}/{p.name}": p.read_bytes() for c in configs for split in CONFIGS[c].splits for p in split_files(folder / c, split)}


@pytest.fixture(scope="module")
def single_process(tmp_path_factory, paragraphs):
    sources = fake_sources(paragraphs)
    out = tmp_path_factory.mktemp("single")
    build(out, CONFIGS_TESTED, seed=0, sources=lambda name: sources[name])
    return out, sources


def test_dask_local_cluster_of_two_workers_builds_the_same_bytes(tmp_path, single_process):
    pytest.importorskip("distributed")
    reference, sources = single_process
    build(tmp_path, CONFIGS_TESTED, seed=0, sources=lambda name: sources[name], dask="local:2")
    assert files_of(tmp_path, CONFIGS_TESTED) == files_of(reference, CONFIGS_TESTED)
    assert read_fingerprints(tmp_path) == read_fingerprints(reference)
    assert (tmp_path / "README.md").read_text() == (reference / "README.md").read_text()


def test_sharded_splits_hold_the_same_rows_and_load(tmp_path, single_process):
    reference, sources = single_process
    build(tmp_path, CONFIGS_TESTED, seed=0, sources=lambda name: sources[name], shard_rows=3)
    shards = split_files(tmp_path / "news", "train")
    assert len(shards) > 1 and shards[0].name.endswith(f"-of-{len(shards):05d}.parquet")
    assert read_fingerprints(tmp_path) == read_fingerprints(reference)  # the fingerprint names the rows, not the files
    for config in CONFIGS_TESTED:
        for split in CONFIGS[config].splits:
            assert harness.load(config, split, dataset=tmp_path).records == harness.load(config, split, dataset=reference).records
    card = (tmp_path / "README.md").read_text()
    assert "path: news/train-*-of-*.parquet" in card


def test_datasets_loads_sharded_splits_through_the_card(tmp_path, single_process, monkeypatch):
    datasets = pytest.importorskip("datasets")
    reference, sources = single_process
    build(tmp_path, ["news"], seed=0, sources=lambda name: sources[name], shard_rows=3)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf")
    loaded = datasets.load_dataset(str(tmp_path), "news", split="train")
    assert loaded["id"] == [r["id"] for r in harness.load("news", "train", dataset=reference).records]


def test_a_bad_cluster_spec_is_one_clear_error(tmp_path, single_process):
    pytest.importorskip("distributed")
    from harness.core.errors import SpinbenchError

    _, sources = single_process
    with pytest.raises(SpinbenchError, match="local:N with N a number"):
        build(tmp_path, ["news"], seed=0, sources=lambda name: sources[name], dask="local:two")


def _dies_on_three(i):
    import os

    if i == 3:
        os._exit(1)  # as a worker killed by the kernel (out of memory) ends
    return i


def _fails_on_three(i):
    if i == 3:
        raise ValueError("document three")
    return i


def test_a_worker_that_dies_fails_the_run_at_once_and_one_that_raises_passes_its_error_on():
    import multiprocessing

    from harness.core.errors import SpinbenchError
    from harness.corpus.runners import Runner, run_jobs

    with pytest.raises(SpinbenchError, match="a build worker process died before it finished its documents"):
        list(run_jobs(_dies_on_three, range(40), Runner(num_proc=2)))
    with pytest.raises(ValueError, match="document three"):
        list(run_jobs(_fails_on_three, range(40), Runner(num_proc=2)))
    assert list(run_jobs(abs, range(-9, 9), Runner(num_proc=2))) == [abs(i) for i in range(-9, 9)]
    # No worker is left behind. A failed run's workers are let go, not killed (each ends normally,
    # saving what it looked up): one may still be finishing its batch, so wait for them to end.
    deadline = time.monotonic() + 60
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []
