"""The word-piece mapping, the ``transformer`` baseline and the ``hf:`` wrapper, on a tiny BERT
the tests build themselves (tests/tiny_models.py): offline, a few seconds in all."""

import json
import pickle
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import fixture_paragraphs
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.core.wordpieces import encode, owners, piece_labels, token_scores, windows

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from tiny_models import save_tiny_model  # noqa: E402

from baselines.transformer import TransformerDetector  # noqa: E402
from harness.cli.main import evaluate_main  # noqa: E402
from harness.cli.main import main as spinbench  # noqa: E402
from harness.evaluation.contract import BadHyperparameter  # noqa: E402
from harness.evaluation.evaluate import evaluate  # noqa: E402
from harness.evaluation.hf_model import HFModelError, HFTokenClassifier  # noqa: E402
from harness.evaluation.registry import make_detector  # noqa: E402
from harness.runs import fit_cache  # noqa: E402

DOCS = [
    "The Bank of England raised rates to 4.5% on Thursday , didn't it ?".split(),
    "Weighty rain shut three streets close to the harbour , costing £2bn .".split(),
    ["naïve", "\u200b", "café", "3-0"],
    [],
]
LABELS = [[0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], [1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0], []]
TINY = {"max_length": 16, "stride": 8, "epochs": 2.0, "batch_size": 4}


@pytest.fixture(scope="module")
def tokenizer(tiny_hf_model):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_hf_model)


def test_pieces_map_back_to_their_tokens(tokenizer):
    for doc in DOCS:
        enc = encode(tokenizer, doc)
        assert list(enc.token_of) == sorted(enc.token_of)  # pieces come in token order
        for i, token in enumerate(doc):
            alone = tokenizer(token, add_special_tokens=False)["input_ids"]
            assert [p for p, t in zip(enc.ids, enc.token_of) if t == i] == alone, token
    assert (encode(tokenizer, DOCS[2]).token_of == 1).sum() == 0  # the zero-width space has no piece
    assert piece_labels(encode(tokenizer, DOCS[0]), LABELS[0]).tolist().count(1) == 3  # one label per token, on its first piece


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 120), st.integers(1, 20), st.data())
def test_windows_cover_and_each_piece_is_scored_where_it_has_most_context(n, size, data):
    stride = data.draw(st.integers(1, size))
    spans = windows(n, size, stride)
    assert sorted({i for s, e in spans for i in range(s, e)}) == list(range(n))
    assert all(e - s == min(size, n) for s, e in spans)
    owner = owners(spans, n)

    def context(i, s, e):  # pieces of context on the side nearer a cut (a document edge is no cut)
        return min(i - s if s > 0 else n, e - 1 - i if e < n else n)

    for i in range(n):
        s, e = spans[owner[i]]
        assert s <= i < e
        assert context(i, s, e) == max(context(i, a, b) for a, b in spans if a <= i < b)


class PieceModel(torch.nn.Module):
    """Logits from each piece's id alone: with no context, windows must not change any score."""

    def forward(self, input_ids, attention_mask):
        z = (input_ids.float() % 7) / 3 - 1
        return SimpleNamespace(logits=torch.stack([torch.zeros_like(z), z], dim=-1))


def test_windows_are_stitched_back_in_place(tokenizer):
    long_doc = [w for doc in DOCS for w in doc] * 5
    whole = token_scores(PieceModel(), tokenizer, [long_doc], spun_ids=[1], max_length=512, stride=256)
    for max_length, stride in ((8, 3), (12, 6), (16, 14)):
        assert token_scores(PieceModel(), tokenizer, [long_doc], spun_ids=[1], max_length=max_length, stride=stride) == whole
    enc = encode(tokenizer, long_doc)
    first = {t: p for p, t in zip(reversed(enc.ids), reversed(enc.token_of.tolist()))}
    expected = [1 / (1 + np.exp(-((first[i] % 7) / 3 - 1))) if i in first else 0.0 for i in range(len(long_doc))]
    assert np.allclose(whole[0], expected, atol=1e-6)


def test_fit_is_seeded_and_the_export_scores_identically_through_hf(tiny_hf_model, tmp_path):
    a = TransformerDetector(model_name=str(tiny_hf_model), **TINY).fit(DOCS, LABELS)
    b = TransformerDetector(model_name=str(tiny_hf_model), **TINY).fit(DOCS, LABELS)
    assert a.model_files_ == b.model_files_  # byte-identical weights
    c = TransformerDetector(model_name=str(tiny_hf_model), **{**TINY, "seed": 1}).fit(DOCS, LABELS)
    assert c.model_files_ != a.model_files_
    scores = a.predict_token_proba(DOCS)
    assert [len(s) for s in scores] == [len(d) for d in DOCS]
    assert pickle.loads(pickle.dumps(a)).predict_token_proba(DOCS) == scores  # the fit cache's round trip
    folder = a.export(tmp_path / "exported")
    config = json.loads((folder / "config.json").read_text())
    assert config["spinbench"] == {"max_length": 16, "stride": 8, "aggregate": "first", "spun_label": "spun"}
    assert config["id2label"] == {"0": "clean", "1": "spun"}
    via_hf = make_detector(f"hf:{folder}").predict_token_proba(DOCS)
    assert max(abs(x - y) for s, t in zip(scores, via_hf) for x, y in zip(s, t)) <= 1e-6


def test_hf_labels_by_id_or_name(tiny_hf_model, tmp_path):
    named = save_tiny_model(tmp_path / "named", fixture_paragraphs(), labels={0: "spun", 1: "clean"})
    by_name = HFTokenClassifier(model=str(named), spun_label="SPUN").predict_token_proba(DOCS[:1])[0]
    by_id = HFTokenClassifier(model=str(named), spun_label=0).predict_token_proba(DOCS[:1])[0]
    default = HFTokenClassifier(model=str(named)).predict_token_proba(DOCS[:1])[0]  # label 1
    assert by_name == by_id
    assert np.allclose(np.add(by_id, default), 1.0, atol=1e-6)
    with pytest.raises(HFModelError, match="no label 'fake'; its labels are 0 'spun', 1 'clean'"):
        HFTokenClassifier(model=str(named), spun_label="fake").predict_token_proba(DOCS[:1])
    maxed = HFTokenClassifier(model=str(named), aggregate="max").predict_token_proba(DOCS[:1])[0]
    assert all(m >= d for m, d in zip(maxed, default))


def test_hf_refuses_what_is_not_a_token_classifier(tmp_path, capsys, tiny_dataset):
    bare = save_tiny_model(tmp_path / "bare", fixture_paragraphs(), head=False)
    with pytest.raises(HFModelError, match="not a fine-tuned token-classification model"):
        HFTokenClassifier(model=str(bare)).predict_token_proba(DOCS[:1])
    capsys.readouterr()
    for model, message in [(f"hf:{tmp_path / 'nothing'}", "there is no folder"), ("hf:", "needs a model after 'hf:'"),
                           (f"hf:{bare / 'config.json'}", "not a save_pretrained folder")]:
        assert evaluate_main(["--model", model, "--dataset", str(tiny_dataset)]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_fit_key_covers_the_hf_folder_content(tiny_hf_model, tmp_path):
    import shutil

    folder = shutil.copytree(tiny_hf_model, tmp_path / "copy")
    det = make_detector(f"hf:{folder}")
    params = {"model": str(folder)}
    before = fit_cache.fit_key(det, "hf", params, ["fp"])
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "id2label": {"0": "clean", "1": "spun"}}))
    assert fit_cache.fit_key(det, "hf", params, ["fp"]) != before


def test_evaluate_fit_cache_export_and_hf_agree(tiny_hf_model, tiny_dataset, tmp_path, capsys):
    args = {"model_name": str(tiny_hf_model), "max_length": 32, "stride": 16}
    first = evaluate("transformer", model_args=args, dataset=str(tiny_dataset), output_dir=tmp_path / "runs", n_boot=50)
    again = evaluate("transformer", model_args=args, dataset=str(tiny_dataset), output_dir=tmp_path / "runs", n_boot=50)
    assert first.throughput.fit_seconds is not None and again.throughput.fit_seconds is None  # the fit was cached
    assert again.scores == first.scores
    model_args = ",".join(f"{k}={v}" for k, v in args.items())
    assert spinbench(["export", str(tmp_path / "export"), "--model", "transformer", "--model-args", model_args, "--dataset", str(tiny_dataset)]) == 0
    assert "evaluate --model hf:" in capsys.readouterr().out
    via_hf = evaluate(f"hf:{tmp_path / 'export'}", dataset=str(tiny_dataset), output_dir=tmp_path / "runs", n_boot=50)
    assert via_hf.thresholds == first.thresholds and via_hf.scores == first.scores
    assert via_hf.model.target == "harness.evaluation.hf_model:HFTokenClassifier" and via_hf.model.params["model"] == str(tmp_path / "export")
    assert spinbench(["detect", "--model", f"hf:{tmp_path / 'export'}", "--dataset", str(tiny_dataset), "--format", "json", str(tmp_path / "in.txt")]) == 2
    (tmp_path / "in.txt").write_text("Weighty rain shut three streets close to the harbour.")
    assert spinbench(["detect", "--model", f"hf:{tmp_path / 'export'}", "--dataset", str(tiny_dataset), "--format", "json", str(tmp_path / "in.txt")]) == 0
    out = json.loads(capsys.readouterr().out)
    text = "Weighty rain shut three streets close to the harbour."
    assert [text[a:b] for a, b in zip(out["starts"], out["ends"])][:2] == ["Weighty", "rain"]


def test_export_needs_an_exportable_model(tiny_dataset, tmp_path, capsys):
    assert spinbench(["export", str(tmp_path / "x"), "--model", "lexicon", "--dataset", str(tiny_dataset)]) == 2
    assert "cannot be exported" in capsys.readouterr().err


@pytest.mark.slow
def test_the_packaged_minilm_baseline_conforms():
    from harness.evaluation.conformance import check_detector

    check_detector(lambda: make_detector("transformer"))


def test_a_batch_without_labelled_pieces_trains_nothing(tiny_hf_model):
    det = TransformerDetector(model_name=str(tiny_hf_model), **TINY).fit([["\u200b", "\u200b"]], [[1, 0]])
    assert det.train_loss_ is None  # the zero-width spaces have no pieces, so no loss (not NaN)
    assert all(0.0 <= s <= 1.0 for s in det.predict_token_proba(DOCS[:1])[0])


def test_a_bfloat16_fit_is_seeded_and_computes_in_bfloat16(tiny_hf_model, monkeypatch):
    a = TransformerDetector(model_name=str(tiny_hf_model), **TINY, train_dtype="bfloat16").fit(DOCS, LABELS)
    b = TransformerDetector(model_name=str(tiny_hf_model), **TINY, train_dtype="bfloat16").fit(DOCS, LABELS)
    assert a.model_files_ == b.model_files_
    assert a.model_files_ != TransformerDetector(model_name=str(tiny_hf_model), **TINY, train_dtype="float32").fit(DOCS, LABELS).model_files_
    assert TransformerDetector().train_dtype == "bfloat16"  # the default
    seen = []
    original = torch.nn.functional.linear

    def linear(*args, **kwargs):
        out = original(*args, **kwargs)
        seen.append(out.dtype)
        return out

    monkeypatch.setattr(torch.nn.functional, "linear", linear)
    TransformerDetector(model_name=str(tiny_hf_model), **TINY, train_dtype="bfloat16").fit(DOCS, LABELS)
    assert torch.bfloat16 in seen  # the fit's products ran in bfloat16
    seen.clear()
    a.predict_token_proba(DOCS)
    assert set(seen) == {torch.float32}  # prediction stays float32
    weights = [p.dtype for p in a._model.parameters()]
    assert set(weights) == {torch.float32}


def test_train_dtype_takes_only_its_choices():
    with pytest.raises(BadHyperparameter, match="train_dtype must be one of 'float32', 'bfloat16', not 'float16'"):
        make_detector("transformer", {"train_dtype": "float16"})


def test_frozen_layers_keep_their_pretrained_weights_and_the_rest_learn(tiny_hf_model):
    from transformers import AutoModelForTokenClassification

    base = AutoModelForTokenClassification.from_pretrained(tiny_hf_model).state_dict()
    layers = sum(1 for name in base if name.startswith("bert.encoder.layer.") and name.endswith(".attention.self.query.weight"))
    assert layers >= 2
    det = TransformerDetector(model_name=str(tiny_hf_model), **TINY, frozen_layers=2).fit(DOCS, LABELS)  # embeddings, layer 0
    after = det._model.state_dict()
    frozen = [n for n in base if n.startswith(("bert.embeddings.", "bert.encoder.layer.0."))]
    trained = [n for n in base if n.startswith(f"bert.encoder.layer.{layers - 1}.") and n.endswith("weight")]
    assert frozen and trained
    assert all(torch.equal(after[n], base[n]) for n in frozen)
    assert all(not torch.equal(after[n], base[n]) for n in trained)
    same = TransformerDetector(model_name=str(tiny_hf_model), **TINY, frozen_layers=2).fit(DOCS, LABELS)
    assert same.model_files_ == det.model_files_  # seeded as any fit
    assert det.model_files_ != TransformerDetector(model_name=str(tiny_hf_model), **TINY).fit(DOCS, LABELS).model_files_


def test_frozen_layers_beyond_the_model_say_so(tiny_hf_model):
    with pytest.raises(ValueError, match="frozen_layers is 99, but the model has .* layers, its embeddings included"):
        TransformerDetector(model_name=str(tiny_hf_model), **TINY, frozen_layers=99).fit(DOCS, LABELS)
    with pytest.raises(BadHyperparameter, match="frozen_layers"):
        make_detector("transformer", {"frozen_layers": -1})
