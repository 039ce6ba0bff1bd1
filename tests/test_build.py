"""The builder on sources made from the project's own fixture articles (fast, offline)."""

import pytest
from conftest import fake_sources

import harness
from harness.core.configs import CONFIGS
from harness.core.fingerprints import FingerprintMismatch, read_fingerprints
from harness.core.schema import validate_record
from harness.corpus.build import BuildLog, build, checked_articles
from harness.corpus.sources import Article, Skipped


@pytest.fixture
def loader(paragraphs):
    sources = fake_sources(paragraphs)
    return lambda name: sources[name]


def test_build_writes_every_config_and_is_byte_identical(tmp_path, loader):
    configs = list(CONFIGS)
    build(tmp_path / "a", configs, seed=3, sources=loader)
    build(tmp_path / "b", configs, seed=3, sources=loader)
    for config in configs:
        for split in CONFIGS[config].splits:
            a = (tmp_path / "a" / config / f"{split}.parquet").read_bytes()
            b = (tmp_path / "b" / config / f"{split}.parquet").read_bytes()
            assert a == b, f"{config}/{split} differs between identical builds"
    assert (tmp_path / "a" / "README.md").read_text() == (tmp_path / "b" / "README.md").read_text()
    assert read_fingerprints(tmp_path / "a") == read_fingerprints(tmp_path / "b")
    build(tmp_path / "c", configs, seed=4, sources=loader, check_fingerprints=False)
    assert read_fingerprints(tmp_path / "c") != read_fingerprints(tmp_path / "a")


def test_fingerprints_and_statistics_measured_by_the_workers_equal_those_of_the_files(tmp_path, loader):
    """The workers fingerprint and measure the records they make; reading the written files back
    must give the same (a field whose type the parquet schema changes would break this)."""
    import json

    from harness.core.fingerprints import content_fingerprint
    from harness.core.shards import iter_rows
    from harness.corpus.realism import train_pairs
    from harness.corpus.stats import split_stats

    configs = list(CONFIGS)
    build(tmp_path, configs, seed=5, sources=loader, num_proc=2, shard_rows=7)
    stats = json.loads((tmp_path / "build_stats.json").read_text())["configs"]
    fingerprints = read_fingerprints(tmp_path)["configs"]
    reference = train_pairs(iter_rows(sorted((tmp_path / "news").glob("train*.parquet"))))  # for the seen-in-train shares
    for config in configs:
        for split in CONFIGS[config].splits:
            paths = sorted((tmp_path / config).glob(f"{split}*.parquet"))
            assert paths, f"{config}/{split} not written"
            assert content_fingerprint(iter_rows(paths)) == fingerprints[config][split]
            assert split_stats(iter_rows(paths), reference if (config, split) != ("news", "train") else None) == stats[config][split]
    assert stats["news"]["train"]["profile"]["edits"] > 0


def test_records_are_valid_and_splits_do_not_share_sources(tmp_path, loader):
    build(tmp_path, ["news", "unseen-spinner"], seed=0, sources=loader)
    seen = {}
    for split in ("train", "validation", "test"):
        records = harness.load("news", split, dataset=tmp_path).records
        for r in records:
            validate_record(r)
            assert seen.setdefault(r["source_id"], split) == split
            assert r["is_spun"] == bool(r["edits"]) == any(r["labels"])
            assert (r["text"] == r["original_text"]) == (not r["is_spun"])
    news_test = {r["source_id"]: r for r in harness.load("news", "test", dataset=tmp_path).records}
    unseen = harness.load("unseen-spinner", "test", dataset=tmp_path).records
    assert {r["source_id"] for r in unseen} == set(news_test)
    for r in unseen:
        assert r["is_spun"] == news_test[r["source_id"]]["is_spun"]
        assert set(r["engines"]) <= {"glove"}


def test_fingerprint_mismatch_fails_and_keeps_the_old_data(tmp_path, loader):
    build(tmp_path, ["news"], seed=0, sources=loader)
    before = (tmp_path / "news" / "train.parquet").read_bytes()
    fp = (tmp_path / "fingerprints.json").read_text()
    (tmp_path / "fingerprints.json").write_text(fp.replace('"train": "', '"train": "0'))
    with pytest.raises(FingerprintMismatch, match="news/train") as raised:
        build(tmp_path, ["news"], seed=0, sources=loader)
    assert "kept_lookups/" in str(raised.value)  # says what else could make the data differ: what earlier builds kept
    assert (tmp_path / "news" / "train.parquet").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_crash_leaves_no_half_written_dataset(tmp_path, loader, monkeypatch):
    build(tmp_path, ["news"], seed=0, sources=loader)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("harness.corpus.card.write_card", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        build(tmp_path, ["news"], seed=1, sources=loader, check_fingerprints=False)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before


def test_bad_documents_are_skipped_with_reasons(paragraphs):
    log = BuildLog()
    good = Article("a", "t", paragraphs[0], "s", "a", "d")
    records = [
        good,
        Article("a", "t", paragraphs[1], "s", "a2", "d"),  # duplicate id
        Skipped("b", "not valid UTF-8"),
        Article("c", "t", "  ...  ", "s", "c", "d"),  # no words
        Article("d", "t", paragraphs[0].upper(), "s", "d", "d"),  # same text, other case
        Article("e", "t", "word " * 50, "s", "e", "d"),
    ]
    kept = checked_articles(records, log, max_tokens=40)
    assert kept == [good]
    assert dict(log.skipped) == {
        "duplicate id": 1,
        "not valid UTF-8": 1,
        "empty: no words": 1,
        "duplicate text of an earlier document": 1,
        "too long: over 40 tokens": 1,
    }


def test_datasets_loads_the_built_card_offline(tmp_path, loader):
    datasets = pytest.importorskip("datasets")
    build(tmp_path, list(CONFIGS), seed=0, sources=loader)
    news = datasets.load_dataset(str(tmp_path), "news", cache_dir=str(tmp_path / ".hf"))
    assert set(news) == {"train", "validation", "test"}
    row = news["test"][0]
    assert row["text"][row["tokens"][0]["start"] : row["tokens"][0]["end"]] == row["tokens"][0]["text"]
    ours = harness.load("news", "test", dataset=tmp_path).records
    assert [r["id"] for r in ours] == news["test"]["id"]
    unseen = datasets.load_dataset(str(tmp_path), "unseen-domain", split="test", cache_dir=str(tmp_path / ".hf"))
    assert len(unseen) == len(harness.load("unseen-domain", "test", dataset=tmp_path).records)


def test_missing_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(harness.core.dataset.DatasetNotFound, match="spinbench build"):
        harness.load("news", "test", dataset=tmp_path)


def test_build_from_local_files_and_a_local_hub_style_dataset(tmp_path, paragraphs):
    import json

    from harness.cli.main import main as spinbench

    folder = tmp_path / "articles"
    folder.mkdir()
    for i, p in enumerate(paragraphs):
        (folder / f"a{i:02d}.txt").write_text(f"Title {i}\n\n{p}")
    (folder / "bad.txt").write_bytes(b"\xff\xfe broken")
    assert spinbench(["build", "--source", f"local:{folder}", "--out", str(tmp_path / "out")]) == 0
    stats = json.loads((tmp_path / "out" / "build_stats.json").read_text())
    assert stats["skipped"] == {"not valid UTF-8": 1}
    splits = [harness.load("news", s, dataset=tmp_path / "out").records for s in ("train", "validation", "test")]
    assert len({r["source_id"] for split in splits for r in split}) == len(paragraphs)  # every article, once per split

    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "train.jsonl").write_text("".join(json.dumps({"id": i, "body": p}) + "\n" for i, p in enumerate(paragraphs)))
    assert spinbench(["build", "--source", f"hub:{hub}:body", "--configs", "news", "--out", str(tmp_path / "out2")]) == 0
    assert len({r["source_id"] for s in ("train", "validation", "test") for r in harness.load("news", s, dataset=tmp_path / "out2").records}) == len(paragraphs)


def test_bad_source_is_a_clear_error(tmp_path, capsys):
    from harness.cli.main import main as spinbench

    assert spinbench(["build", "--source", "ftp:x", "--out", str(tmp_path)]) == 2
    assert "unknown source" in capsys.readouterr().err


def test_hub_loading_path_gives_the_same_records_as_the_local_path(tiny_dataset, tmp_path, monkeypatch):
    """The hub code path is `datasets.load_dataset(id, config, split=...)`; a local folder with
    the card is a valid id for it, so the path runs here offline."""
    import datasets

    from harness.core.dataset import _hub_split

    # datasets reads HF_DATASETS_CACHE once, at import: a shared cache can serve an earlier
    # session's build of a folder with the same name.
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf"))
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf")
    local = harness.load("news", "test", dataset=tiny_dataset)
    from harness.core.fingerprints import content_fingerprint

    hub = _hub_split(str(tiny_dataset), "news", "test")
    assert hub.fingerprint == local.fingerprint == content_fingerprint(local.records)
    assert hub.gold.ids == local.gold.ids and (hub.gold.labels == local.gold.labels).all()
    assert hub.token_texts() == local.token_texts()


def test_building_one_config_keeps_the_others_fingerprints_and_card(tmp_path, loader):
    assert not build(tmp_path / "one", ["unseen-domain"], seed=0, sources=loader)["fingerprints_matched"]  # none there
    assert not build(tmp_path / "one", ["news"], seed=0, sources=loader)["fingerprints_matched"]  # none for news there
    assert build(tmp_path / "one", ["news"], seed=0, sources=loader)["fingerprints_matched"]
    assert not build(tmp_path, list(CONFIGS), seed=0, sources=loader)["fingerprints_matched"]
    before = read_fingerprints(tmp_path)
    card = (tmp_path / "README.md").read_text()
    assert build(tmp_path, ["unseen-domain"], seed=0, sources=loader)["fingerprints_matched"]
    assert read_fingerprints(tmp_path) == before
    assert (tmp_path / "README.md").read_text() == card
