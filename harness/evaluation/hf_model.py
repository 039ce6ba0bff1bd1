"""``--model hf:PATH_OR_HUB_ID``: any Hugging Face token-classification model as a detector.

A researcher's model needs no code: a folder written by ``save_pretrained`` (model and fast
tokenizer), or a hub id, is read in windows exactly as the ``transformer`` baseline reads text
(:mod:`harness.core.wordpieces`), and a token's score is the probability of the spun label at its
first piece (``aggregate=max``: the highest over its pieces). It needs no fitting; ``evaluate``
still chooses its thresholds on ``news``/validation.

    evaluate --model hf:exported/transformer
    evaluate --model hf:someone/spin-detector --model-args spun_label=SPUN,revision=v1.0
    spinbench detect --model hf:exported/transformer article.txt

Which label is spun: label 1, unless ``spun_label`` names another by id or by its name in the
model's ``config.id2label`` (several joined by ``+`` are summed: ``B-SPUN+I-SPUN``). A folder
exported by ``spinbench export`` says its own window settings and spun label in ``config.json``
(its ``spinbench`` entry); hyperparameters given here take precedence.
"""

from __future__ import annotations

from harness.core.errors import SpinbenchError
from harness.core.wordpieces import AGGREGATES, quiet_transformers, resolve_device, token_scores
from harness.evaluation.contract import Interval


class HFModelError(SpinbenchError):
    """A Hugging Face model that cannot be loaded or used as a spun-token classifier."""


def spun_label_ids(id2label: dict, spun_label: int | str | None) -> list[int]:
    """The label ids whose probabilities make a token's spun score.

    >>> spun_label_ids({0: "O", 1: "B-SPUN", 2: "I-SPUN"}, "b-spun+I-SPUN")
    [1, 2]
    >>> spun_label_ids({0: "LABEL_0", 1: "LABEL_1"}, None)
    [1]
    >>> spun_label_ids({0: "clean", 1: "spun"}, "fake")
    Traceback (most recent call last):
    ...
    harness.evaluation.hf_model.HFModelError: the model has no label 'fake'; its labels are 0 'clean', 1 'spun'
    """
    labels = {int(k): str(v) for k, v in id2label.items()}
    listing = ", ".join(f"{k} {v!r}" for k, v in sorted(labels.items()))
    if len(labels) < 2:
        raise HFModelError(f"the model has {len(labels)} label(s); a spun-token classifier needs at least two (its labels are {listing})")
    if spun_label is None:
        spun_label = 1
    if isinstance(spun_label, int) and not isinstance(spun_label, bool):
        if spun_label not in labels:
            raise HFModelError(f"spun_label={spun_label} is not a label id of the model; its labels are {listing}")
        return [spun_label]
    if not isinstance(spun_label, str):
        raise HFModelError(f"spun_label must be a label id or name, not {spun_label!r}")
    ids = []
    for name in spun_label.split("+"):
        name = name.strip()
        exact = [k for k, v in labels.items() if v == name]
        folded = [k for k, v in labels.items() if v.casefold() == name.casefold()]
        found = exact or folded or ([int(name)] if name.isdigit() and int(name) in labels else [])
        if len(found) != 1:
            raise HFModelError(f"the model has {'no' if not found else 'more than one'} label {name!r}; its labels are {listing}")
        ids.append(found[0])
    return sorted(set(ids))


def default_max_length(tokenizer, config) -> int:
    """The longest input the model takes (at most 512)."""
    limit = getattr(tokenizer, "model_max_length", None)
    if not isinstance(limit, int) or limit > 100_000:  # "no limit" sentinels
        limit = getattr(config, "max_position_embeddings", 512)
    return min(512, int(limit))


class HFTokenClassifier:
    """A saved token-classification model as a detector (see the module docstring).

    Parameters
    ----------
    model : a ``save_pretrained`` folder or a hub id (``--model hf:MODEL`` sets it).
    spun_label : the spun label's id or name (None: the folder's own setting, else 1).
    aggregate : "first" (a token's first piece) or "max" (its highest piece); None: "first".
    max_length, stride : window length in pieces (special tokens included) and the distance
        between window starts; None: the folder's own settings, else the model's longest input and half of it.
    batch_size : windows per forward pass.
    device : "cpu", "cuda", or None for a GPU when there is one.
    revision : a hub revision (branch, tag or commit) to pin.
    """

    requires_fit = False
    param_ranges = {"max_length": Interval(8, 512), "stride": Interval(1), "batch_size": Interval(1)}

    def __init__(self, model: str = "", spun_label: int | str | None = None, aggregate: str | None = None, max_length: int | None = None,
                 stride: int | None = None, batch_size: int = 32, device: str | None = None, revision: str | None = None):
        self.model = model
        self.spun_label = spun_label
        self.aggregate = aggregate
        self.max_length = max_length
        self.stride = stride
        self.batch_size = batch_size
        self.device = device
        self.revision = revision

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def fit(self, docs, labels):
        return self

    def _load(self) -> dict:
        """The model, tokenizer and settings, loaded on first use."""
        if getattr(self, "_loaded", None) is not None:
            return self._loaded
        if not self.model:
            raise HFModelError("no model given: use --model hf:PATH_OR_HUB_ID")
        try:
            from transformers import AutoModelForTokenClassification, AutoTokenizer
        except ImportError as err:
            raise HFModelError(f"--model hf: needs torch and transformers ({err}); install them with: pip install -e '.[embedding]'") from err
        try:
            with quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(self.model, revision=self.revision)
                model, info = AutoModelForTokenClassification.from_pretrained(self.model, revision=self.revision, output_loading_info=True)
        except Exception as err:
            raise HFModelError(f"cannot load the Hugging Face model {self.model!r}: {err.__class__.__name__}: {str(err).splitlines()[0] if str(err) else ''}") from err
        if info.get("missing_keys"):
            missing = ", ".join(sorted(info["missing_keys"])[:4])
            raise HFModelError(f"{self.model!r} is not a fine-tuned token-classification model: it lacks the weights {missing}")
        if not getattr(tokenizer, "is_fast", False):
            raise HFModelError(f"{self.model!r} has no fast tokenizer (tokenizer.json): spinbench maps pieces to tokens by character offsets")
        saved = getattr(model.config, "spinbench", None) or {}
        max_length = self.max_length or saved.get("max_length") or default_max_length(tokenizer, model.config)
        aggregate = self.aggregate or saved.get("aggregate") or "first"
        if aggregate not in AGGREGATES:
            raise HFModelError(f"aggregate must be one of {', '.join(AGGREGATES)}, not {aggregate!r}")
        spun = self.spun_label if self.spun_label is not None else saved.get("spun_label")
        device = resolve_device(self.device)
        self._loaded = {
            "model": model.to(device).eval(),
            "tokenizer": tokenizer,
            "spun_ids": spun_label_ids(model.config.id2label, spun),
            "max_length": int(max_length),
            "stride": int(self.stride or saved.get("stride") or max(1, max_length // 2)),
            "aggregate": aggregate,
            "device": device,
        }
        return self._loaded

    def predict_token_proba(self, docs: list[list[str]]) -> list[list[float]]:
        s = self._load()
        return token_scores(s["model"], s["tokenizer"], docs, spun_ids=s["spun_ids"], max_length=s["max_length"], stride=s["stride"],
                            aggregate=s["aggregate"], batch_size=self.batch_size, device=s["device"])
