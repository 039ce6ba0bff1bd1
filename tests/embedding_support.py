"""Fitting the embedding baseline in seconds: its candidate table and distilled vectors
restricted to what some documents need (the whole thesaurus and vocabulary take minutes)."""

from baselines import embedding
from harness.core.lexical import is_content_word


def restrict_to(monkeypatch, docs: list[list[str]]) -> None:
    """Until the test ends, ``EmbeddingDetector.fit`` lists candidates only for the content
    words of ``docs`` and distils only the wordpieces of ``docs`` and of those candidates."""
    words = sorted({t.lower() for doc in docs for t in doc if is_content_word(t)})
    real_distill = embedding.distill
    listed: dict = {}

    def table(n, min_gain):
        listed.update({w: found for w in words if (found := embedding._qualifying(w, n, min_gain))})
        return dict(listed)

    def distill(model, batch_size, pieces=None):  # fit lists the candidates first
        texts = [" ".join(doc) for doc in docs] + [form for found in listed.values() for form, _ in found]
        needed = [p for ids in model.tokenizer(texts, add_special_tokens=False)["input_ids"] for p in ids]
        return real_distill(model, batch_size, needed)

    monkeypatch.setattr(embedding, "candidate_table", table)
    monkeypatch.setattr(embedding, "distill", distill)
