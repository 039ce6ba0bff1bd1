"""Bad input on the corpus side: importing pairs and building
from local sources refuse what they cannot use with one clear line, never clobber a build, and
warn about what would silently be empty."""

import json
import subprocess
import sys

import pytest
from conftest import fake_sources

import harness
from harness.cli.main import main as spinbench
from harness.core.configs import CONFIGS
from harness.core.fingerprints import read_fingerprints
from harness.corpus.build import build

ORIGINAL = "The Bank of England raised interest rates on Thursday, after heavy rain hit the harvest."
SPUN = "The Financial institution of England lifted premium rates on Thursday, following weighty rain hit the harvest."


@pytest.fixture
def loader(paragraphs):
    sources = fake_sources(paragraphs)
    return lambda name: sources[name]


def write_pairs(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


# -- 12: importing pairs merges into the folder's fingerprints --------------------------------

def test_importing_pairs_into_a_build_keeps_its_fingerprints_and_a_later_build_keeps_wild(tmp_path, loader):
    build(tmp_path, list(CONFIGS), seed=0, sources=loader)
    before = read_fingerprints(tmp_path)
    pairs = write_pairs(tmp_path / "p.jsonl", [{"id": "a", "original": ORIGINAL, "spun": SPUN}])
    assert spinbench(["align", "--pairs", str(pairs), "--out", str(tmp_path)]) == 0
    merged = read_fingerprints(tmp_path)
    assert merged["seed"] == 0 and {k: v for k, v in merged["configs"].items() if k != "wild"} == before["configs"]
    wild = merged["configs"]["wild"]
    build(tmp_path, ["news"], seed=0, sources=loader)  # a seeded build into a folder of the default seed's files
    assert read_fingerprints(tmp_path)["configs"]["wild"] == wild
    assert len(harness.load("wild", "test", dataset=tmp_path).records) == 1


def test_a_build_into_a_folder_of_imported_pairs_keeps_them(tmp_path, loader):
    pairs = write_pairs(tmp_path / "p.jsonl", [{"id": "a", "original": ORIGINAL, "spun": SPUN}])
    assert spinbench(["align", "--pairs", str(pairs), "--out", str(tmp_path / "d")]) == 0
    assert read_fingerprints(tmp_path / "d")["seed"] is None
    build(tmp_path / "d", ["news"], seed=0, sources=loader)
    fingerprints = read_fingerprints(tmp_path / "d")
    assert fingerprints["seed"] == 0 and set(fingerprints["configs"]) == {"news", "wild"}


# -- 13: --pairs refuses what it cannot import ------------------------------------------------

def _bad_inputs(tmp_path):
    good = json.dumps({"id": "a", "original": ORIGINAL, "spun": SPUN})
    (tmp_path / "latin1.jsonl").write_bytes(json.dumps({"id": "a", "original": "café " + ORIGINAL, "spun": SPUN}, ensure_ascii=False).encode("latin-1"))
    (tmp_path / "binary.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "none.jsonl").write_text("not json\n{\"id\": 1}\n")
    (tmp_path / "null.jsonl").write_text(json.dumps({"id": None, "original": ORIGINAL, "spun": SPUN}) + "\n")
    (tmp_path / "empty_folder").mkdir()
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "ok.jsonl").write_text(good + "\n")
    return {
        "latin1": (["--pairs", str(tmp_path / "latin1.jsonl")], "not valid UTF-8"),
        "binary": (["--pairs", str(tmp_path / "binary.jsonl")], "looks binary"),
        "no valid line": (["--pairs", str(tmp_path / "none.jsonl")], "no pair in"),
        "id null": (["--pairs", str(tmp_path / "null.jsonl")], "'id' must be a non-empty string or a number, not null"),
        "missing": (["--pairs", str(tmp_path / "nope.jsonl")], "no such file or folder"),
        "folder without pairs": (["--pairs", str(tmp_path / "empty_folder")], "holds no pairs"),
        "out is a file": (["--pairs", str(tmp_path / "ok.jsonl"), "--out-file"], "is a file"),
        "min-overlap 5": (["--pairs", str(tmp_path / "ok.jsonl"), "--min-overlap", "5"], "--min-overlap 5"),
    }


@pytest.mark.parametrize("case", ["latin1", "binary", "no valid line", "id null", "missing", "folder without pairs", "out is a file", "min-overlap 5"])
def test_align_pairs_refuses_bad_input_with_one_line_and_writes_nothing(tmp_path, capsys, case):
    args, message = _bad_inputs(tmp_path)[case]
    out = tmp_path / "a_file" if "--out-file" in args else tmp_path / "out"
    args = [a for a in args if a != "--out-file"]
    assert spinbench(["align", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spinbench: error:") and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_an_id_of_null_is_rejected_not_turned_into_the_string_none(tmp_path, capsys):
    rows = [{"id": None, "original": ORIGINAL, "spun": SPUN}, {"id": 7, "original": ORIGINAL, "spun": SPUN}]
    assert spinbench(["align", "--pairs", str(write_pairs(tmp_path / "p.jsonl", rows)), "--out", str(tmp_path / "o")]) == 0
    assert "rejected line 1: 'id' must be" in capsys.readouterr().err
    assert [r["id"] for r in harness.load("wild", "test", dataset=tmp_path / "o").records] == ["7"]


# -- 5: the machine-paraphrase corpus's layout and NAME.orig.txt / NAME.spun.txt -----------------

def test_align_pairs_reads_the_machine_paraphrase_corpus_layout(tmp_path, capsys):
    root = tmp_path / "mpc" / "wikipedia"
    (root / "ogUTF-8").mkdir(parents=True)
    (root / "mgUTF-8").mkdir(parents=True)
    for n, (o, s) in enumerate([(ORIGINAL, SPUN), ("Heavy rain fell on the old town all night long.", "Weighty rain fell on the old town all night long.")]):
        (root / "ogUTF-8" / f"41158{n}-ORIG-{n + 3}.txt").write_text(o)
        (root / "mgUTF-8" / f"41158{n}-SPUN-{n + 3}.txt").write_text(s)
    (root / "mgUTF-8" / "999-SPUN-1.txt").write_text(SPUN)  # no original
    assert spinbench(["align", "--pairs", str(tmp_path / "mpc"), "--out", str(tmp_path / "o")]) == 0
    captured = capsys.readouterr()
    assert "imported 2 pairs" in captured.out and "no original file" in captured.err
    records = harness.load("wild", "test", dataset=tmp_path / "o").records
    assert [r["id"] for r in records] == ["wikipedia/ogUTF-8/411580-3", "wikipedia/ogUTF-8/411581-4"]
    assert [t["text"] for t, label in zip(records[1]["tokens"], records[1]["labels"]) if label] == ["Weighty"]


def test_align_pairs_reads_orig_and_spun_files_in_one_folder(tmp_path):
    folder = tmp_path / "pairs"
    folder.mkdir()
    (folder / "story.orig.txt").write_text(ORIGINAL)
    (folder / "story.spun.txt").write_text(SPUN)
    (folder / "lonely.orig.txt").write_text(ORIGINAL)
    assert spinbench(["align", "--pairs", str(folder), "--out", str(tmp_path / "o")]) == 0
    [record] = harness.load("wild", "test", dataset=tmp_path / "o").records
    assert record["id"] == "story" and sum(record["labels"]) == 6


def test_evaluate_a_folder_of_only_imported_pairs_fits_on_the_default_data(tmp_path, tiny_dataset, monkeypatch, capsys):
    write_pairs(tmp_path / "p.jsonl", [{"id": "a", "original": ORIGINAL, "spun": SPUN}])
    assert spinbench(["align", "--pairs", str(tmp_path / "p.jsonl"), "--out", str(tmp_path / "wild")]) == 0
    monkeypatch.setenv("SPINBENCH_DATA", str(tiny_dataset))
    from harness.cli.main import evaluate_main

    code = evaluate_main(["--model", "lexicon", "--config", "wild", "--dataset", str(tmp_path / "wild"),
                          "--out", str(tmp_path / "runs"), "--bootstrap", "10"])
    assert code == 0
    assert "wild/test" in capsys.readouterr().out


# -- 14: local sources: empty splits are warned about, a bad JSONL line is skipped ------------

def test_build_from_three_local_documents_warns_about_empty_splits(tmp_path, paragraphs, capsys):
    folder = tmp_path / "three"
    folder.mkdir()
    for i in range(3):
        (folder / f"d{i}.txt").write_text(f"Title {i}\n\n{paragraphs[i + 1]}")
    assert spinbench(["build", "--source", f"local:{folder}", "--configs", "news", "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    for split in ("validation", "test"):
        if not harness.load("news", split, dataset=tmp_path / "out").records:
            assert f"warning: news/{split} is empty: 3 source document(s)" in err and "give about 10 or more" in err


def test_a_jsonl_source_with_an_invalid_utf8_line_skips_it_with_a_reason(tmp_path, paragraphs, capsys):
    lines = [json.dumps({"id": i, "text": p}).encode() for i, p in enumerate(paragraphs)]
    lines.insert(2, b'{"id": "bad", "text": "caf\xe9"}')
    (tmp_path / "docs.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    assert spinbench(["build", "--source", f"local:{tmp_path / 'docs.jsonl'}", "--configs", "news", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "skipped 1 source document (1 not valid UTF-8)" in out
    stats = json.loads((tmp_path / "out" / "build_stats.json").read_text())
    assert stats["skipped"] == {"not valid UTF-8": 1} and stats["skipped_examples"] == {"not valid UTF-8": "docs.jsonl:3"}


def test_build_prints_a_summary_and_keeps_the_detail_in_its_log_file(tmp_path, paragraphs, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, p in enumerate(paragraphs):
        (folder / f"a{i:02d}.txt").write_text(f"Title {i}\n\n{p}")
        (folder / f"copy{i:02d}.txt").write_text(f"Title {i}\n\n{p}")
    assert spinbench(["build", "--source", f"local:{folder}", "--configs", "news", "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    n = len(paragraphs)
    assert f"skipped {n} source documents ({n} duplicate text of an earlier document)" in captured.out
    assert "skipped copy" not in captured.err  # one summary, not a line per document
    log = (tmp_path / "out" / "build.log").read_text()
    assert str(tmp_path / "out" / "build.log") in captured.out
    assert log.count("skipped copy") == n


# -- near-duplicate originals ------------------------------------------------------------------

def test_near_duplicate_originals_share_a_split_and_near_exact_copies_are_dropped(tmp_path, loader):
    summary = build(tmp_path, ["news", "unseen-domain"], seed=0, sources=loader)
    split_of = {r["source_id"]: s for s in ("train", "validation", "test") for r in harness.load("news", s, dataset=tmp_path).records}
    assert split_of["s/00"] == split_of["s/36"]  # an updated version of story 0
    assert "s/37" not in split_of  # a near-exact copy of story 1
    report = summary["sources"]["bbc-news"]["near_duplicates"]
    assert report["group_members"] == [["s/00", "s/36"]] and report["copies_skipped"] == 1
    assert "near-duplicate group kept in" in (tmp_path / "build.log").read_text()
    assert "near-duplicates" in (tmp_path / "README.md").read_text()


def test_held_out_domain_documents_repeating_training_text_are_dropped(tmp_path, paragraphs):
    sources = fake_sources(paragraphs)
    train_story = next(a for a in sources["bbc-news"] if a.source_id == "s/02")
    sources["wikipedia"].append(type(train_story)("w-copy", "Copy", train_story.text, "wikipedia", "w/copy", "encyclopedia"))
    summary = build(tmp_path, ["news", "unseen-domain"], seed=0, sources=lambda name: sources[name])
    from harness.corpus.planning import split_of

    assert split_of("s/02", 0) != "test"
    ids = [r["id"] for r in harness.load("unseen-domain", "test", dataset=tmp_path).records]
    assert "w-copy" not in ids and len(ids) == len(paragraphs)
    assert summary["sources"]["wikipedia"]["overlapping_training_text_skipped"] == 1


# -- build options and sources found wrong by a fresh-clone trial ----------------------------------

def one_line(capsys, *needles):
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err


@pytest.mark.parametrize("args, needle", [
    (["--num-proc", "0"], "--num-proc 0: give a number of processes, 1 or more"),
    (["--num-proc", "-1"], "--num-proc -1"),
    (["--dask", "local:0"], "--dask local:0"),
])
def test_bad_runner_options_are_one_line_and_make_no_output_folder(tmp_path, capsys, args, needle):
    assert spinbench(["build", "--configs", "news", "--out", str(tmp_path / "new"), *args]) == 2
    one_line(capsys, needle)
    assert not (tmp_path / "new").exists()


def test_an_out_folder_that_cannot_be_made_is_one_line(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    for out in (tmp_path / "afile", tmp_path / "afile" / "sub"):
        assert spinbench(["build", "--configs", "news", "--out", str(out)]) == 2
        one_line(capsys, f"cannot write the dataset under {out}")


def test_a_config_named_twice_is_built_once(tmp_path, paragraphs, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, p in enumerate(paragraphs):
        (folder / f"a{i:02d}.txt").write_text(f"Title {i}\n\n{p}")
    assert spinbench(["build", "--source", f"local:{folder}", "--configs", "news", "news", "--out", str(tmp_path / "out")]) == 0
    from harness.core.dataset import load

    records = [r for split in ("train", "validation", "test") for r in load("news", split, dataset=tmp_path / "out").records]
    assert len({r["source_id"] for r in records}) == len(paragraphs)  # each article once (train's several spins apart)
    assert len({r["id"] for r in records}) == len(records)
    out = capsys.readouterr().out
    assert f"built {len(records)} documents (news) into" in out
    assert "fingerprints are written to" in out and "not compared: a --source build" in out


def test_a_build_says_whether_its_data_match_the_fingerprints_and_why_not_compared(tmp_path):
    from harness.cli.corpus_commands import fingerprints_line

    where = tmp_path / "fingerprints.json"
    assert fingerprints_line(where, True, True, False).startswith(f"the data match the fingerprints in {where}")
    assert "not compared: --update-fingerprints" in fingerprints_line(where, False, False, True)
    assert "not compared: a --source build" in fingerprints_line(where, False, False, False)
    assert "not compared: it held no fingerprints for what was built" in fingerprints_line(where, False, True, False)


@pytest.mark.parametrize("name, content, needle", [
    ("empty.txt", b"", "is empty"),
    ("blank.jsonl", b" \n\n", "is empty"),
    ("image.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary (it contains NUL bytes), not text"),
    ("no-txt", None, "the folder holds no .txt files"),
])
def test_an_empty_or_binary_local_source_is_refused_as_align_refuses_its_inputs(tmp_path, capsys, name, content, needle):
    path = tmp_path / name
    path.mkdir() if content is None else path.write_bytes(content)
    assert spinbench(["build", "--source", f"local:{path}", "--configs", "news", "--out", str(tmp_path / "out")]) == 2
    one_line(capsys, f"--source local:{path}", needle)
    assert not (tmp_path / "out").exists()
    if content is not None:  # the very words spinbench align gives for the same file
        assert spinbench(["align", str(path), str(path)]) == 2
        one_line(capsys, needle)


def test_jsonl_lines_without_a_text_string_are_skipped_with_one_reason(tmp_path, paragraphs, capsys):
    lines = [json.dumps({"id": i, "text": p}) for i, p in enumerate(paragraphs)]
    lines += [json.dumps({"id": "n", "text": None}), json.dumps([1, 2]), "{not json", "[" * 100_000 + "]" * 100_000]
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n")
    assert spinbench(["build", "--source", f"local:{tmp_path / 'docs.jsonl'}", "--configs", "news", "--out", str(tmp_path / "out")]) == 0
    stats = json.loads((tmp_path / "out" / "build_stats.json").read_text())
    assert sum(n for reason, n in stats["skipped"].items() if reason.startswith("bad JSONL line")) == 4
    assert len(stats["skipped"]) <= 4  # one reason per kind of problem, not per line


@pytest.mark.parametrize("num_proc", [1, 2])
def test_a_source_failing_while_planned_raises_the_same_error_in_one_or_two_processes(tmp_path, loader, num_proc):
    def failing(name):
        yield from loader(name)[:3]
        raise FileNotFoundError(2, "No such file or directory", "gone.txt")

    with pytest.raises(FileNotFoundError, match="gone.txt"):
        build(tmp_path / "out", ["news"], seed=0, sources=failing, num_proc=num_proc)
    assert not list((tmp_path / "out").glob(".build-*"))


def test_a_killed_builds_temporary_folder_is_removed_by_the_next_build_while_a_running_ones_is_kept(tmp_path, loader):
    stale = tmp_path / f".build-{_a_pid_of_no_process()}"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".build-{running.pid}"
        for folder in (stale, live):
            (folder / "news").mkdir(parents=True)
            (folder / "news" / "train-00000.parquet").write_bytes(b"half a file")
        summary = build(tmp_path, ["news"], seed=0, sources=loader)
        assert not stale.exists() and live.exists()
        assert [w for w in summary["warnings"] if "interrupted build" in w] == [f"removed {stale}, left by an interrupted build (process {stale.name[7:]} is gone)"]
    finally:
        running.kill()
        running.wait()


def _a_pid_of_no_process() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: its pid is free
    return child.pid


def test_more_processes_than_cores_are_capped_with_one_warning(tmp_path, paragraphs, capsys, monkeypatch):
    import harness.corpus.build as build_module

    monkeypatch.setattr(build_module.os, "cpu_count", lambda: 2)
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, p in enumerate(paragraphs):
        (folder / f"a{i:02d}.txt").write_text(f"Title {i}\n\n{p}")
    assert spinbench(["build", "--source", f"local:{folder}", "--configs", "news", "--num-proc", "999", "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("warning: --num-proc 999 is more than this machine's 2 cores: using 2 processes") == 1
    assert "docs/s, 2 process(es))" in captured.out


# -- output locations and unreachable services: one line, at once ----------

def test_align_pairs_into_a_folder_that_cannot_be_written_is_one_line(tmp_path, capsys):
    pairs = write_pairs(tmp_path / "p.jsonl", [{"id": "a", "original": ORIGINAL, "spun": SPUN}])
    assert spinbench(["align", "--pairs", str(pairs), "--out", "/proc/o"]) == 2
    one_line(capsys, "cannot write the imported dataset (--out) at /proc/o: files cannot be created in /proc")


def test_a_hub_source_while_offline_fails_at_once_saying_how_to_go_online(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    assert spinbench(["build", "--source", "hub:foo/bar:text", "--configs", "news", "--out", str(tmp_path / "out")]) == 2
    one_line(capsys, "--source hub:foo/bar:text: the Hugging Face hub is offline here (HF_HUB_OFFLINE=1)", "`unset HF_HUB_OFFLINE`")
    assert not (tmp_path / "out").exists()


def test_an_unreachable_dask_scheduler_is_one_line_after_a_short_wait(tmp_path, paragraphs, capsys, monkeypatch):
    from harness.corpus import runners

    pytest.importorskip("distributed")
    monkeypatch.setattr(runners, "CONNECT_TIMEOUT_S", 1, raising=False)
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, p in enumerate(paragraphs[:4]):
        (folder / f"a{i}.txt").write_text(f"Title {i}\n\n{p}")
    assert spinbench(["build", "--source", f"local:{folder}", "--configs", "news", "--dask", "tcp://127.0.0.1:1", "--out", str(tmp_path / "out")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if "error" in line.lower()]
    assert err == ["spinbench: error: --dask tcp://127.0.0.1:1: no scheduler answered within 1 s (OSError); start one (dask-scheduler) or give local:N"], err


def test_a_build_with_another_seed_into_a_seeded_folder_fails_at_once(tmp_path, capsys):
    from harness.cli.main import main as spinbench

    (tmp_path / "fingerprints.json").write_text('{"seed": 0, "configs": {}}')
    assert spinbench(["build", "--seed", "1", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "holds the seed-0 dataset" in err and "--out data-seed1" in err and "spinning" not in err


def test_the_wild_config_says_how_to_make_it(tmp_path):
    from harness.core.dataset import DatasetNotFound, load

    (tmp_path / "news").mkdir()
    with pytest.raises(DatasetNotFound, match="wild holds pairs you import: `spinbench align --pairs"):
        load("wild", "test", dataset=str(tmp_path))


def test_a_source_with_no_usable_document_builds_nothing(tmp_path, capsys):
    from harness.cli.main import main as spinbench

    plain = tmp_path / "plain.jsonl"
    plain.write_text("This is a paragraph of prose, not a JSON line.\n\nAnd another one.\n")
    assert spinbench(["build", "--source", f"local:{plain}", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "no usable document in the source(s), so nothing was built (skipped: 2 " in err
    assert not (tmp_path / "out" / "news").exists()


def test_a_failed_build_leaves_no_folder_it_made(tmp_path, capsys):
    from harness.cli.main import main as spinbench

    plain = tmp_path / "plain.jsonl"
    plain.write_text("not a JSON line\n")
    assert spinbench(["build", "--source", f"local:{plain}", "--out", str(tmp_path / "new" / "out")]) == 2
    assert not (tmp_path / "new" / "out").exists()
