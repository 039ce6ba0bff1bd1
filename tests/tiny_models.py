"""A tiny BERT token classifier built by the tests themselves (a WordPiece vocabulary learned
from the fixture articles, 2 layers of width 32), saved with ``save_pretrained``: offline and
fast, for the ``transformer`` baseline and the ``hf:`` wrapper."""

from pathlib import Path

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def save_tiny_model(folder: Path, texts: list[str], seed: int = 0, labels: dict | None = None, head: bool = True) -> Path:
    """A BERT with a WordPiece tokenizer learned from ``texts`` saved in ``folder``; ``labels``
    (id -> name) names its labels; ``head=False`` saves the bare encoder (no classifier)."""
    import torch
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertForTokenClassification, BertModel, PreTrainedTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=400, special_tokens=SPECIALS, show_progress=False))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    tok.decoder = decoders.WordPiece()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
                                   mask_token="[MASK]", model_max_length=64)
    labels = labels or {0: "LABEL_0", 1: "LABEL_1"}
    config = BertConfig(vocab_size=tok.get_vocab_size(), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, id2label=labels, label2id={v: k for k, v in labels.items()})
    torch.manual_seed(seed)
    model = BertForTokenClassification(config) if head else BertModel(config, add_pooling_layer=False)
    model.save_pretrained(folder)
    fast.save_pretrained(folder)
    return folder
