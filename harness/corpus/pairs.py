"""Import spun/original pairs from the wild into the dataset schema (``spinbench align --pairs``).

Three layouts are read:

- a JSONL file, one ``{"id", "original", "spun"}`` object a line;
- a folder of ``NAME.orig.txt`` / ``NAME.spun.txt`` files;
- the machine-paraphrase corpus of Foltynek et al. 2020 / Wahle et al. 2022: folders of
  numbered ``*-ORIG*.txt`` and ``*-SPUN*.txt`` files (``4115833-ORIG-15.txt`` in ``ogUTF-8/``,
  ``4115833-SPUN-15.txt`` in ``mgUTF-8/``), paired by name.

Texts are normalised as every entrance's are (:func:`harness.core.unicode_text.clean_text`) and
stored so. Pairs go through the same aligner as the synthetic data; a pair that is not plausibly the same
article is rejected with its id and why. A file that cannot be read as a whole (missing, binary,
not UTF-8, nothing importable) is refused with a :class:`~harness.core.errors.SpinbenchError`
and nothing is written. The result is a ``wild`` config with one ``test`` split, loadable with
``harness.load``, and its fingerprint is merged into the folder's ``fingerprints.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harness.core.configs import EVALUATION_SPLIT, IMPORTED_CONFIG
from harness.core.dataset import default_data_dir
from harness.core.errors import SpinbenchError
from harness.core.files import FINGERPRINTS, write_json
from harness.core.fingerprints import read_fingerprints, write_split
from harness.core.paths import writable_location
from harness.core.schema import make_record
from harness.core.text_checks import check_text
from harness.core.unicode_text import clean_text
from harness.corpus.align import ImplausiblePair, align_texts, check_plausible

_ORIG = re.compile(r"(?<![A-Za-z])(ORIG|orig|Orig)(?![A-Za-z])")
_SPUN = {"ORIG": "SPUN", "orig": "spun", "Orig": "Spun"}


class PairsError(SpinbenchError):
    """A pairs file or folder that cannot be imported at all."""


@dataclass
class ImportReport:
    path: Path
    imported: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Rejected:
    id: str
    reason: str


Pair = tuple[str, str, str]  # (id, original, spun)


def _decode(data: bytes, what: str) -> str:
    check_text(data, what, empty_ok=True)  # an empty file is rejected pair by pair, or as "no pair imported"
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise PairsError(f"{what} is not valid UTF-8 (line {line}, byte {err.start}); if it is Latin-1, convert it first: "
                         "iconv -f latin1 -t utf-8") from None


def _jsonl_pairs(path: Path) -> Iterator[Pair | Rejected]:
    for n, line in enumerate(_decode(path.read_bytes(), str(path)).removeprefix("\ufeff").splitlines(), start=1):  # a BOM is not JSON
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            yield Rejected(f"line {n}", f"line {n} is not JSON ({err.msg})")
            continue
        if not isinstance(row, dict):
            yield Rejected(f"line {n}", f"line {n} is not a JSON object")
            continue
        missing = [k for k in ("id", "original", "spun") if k not in row]
        if missing:
            yield Rejected(f"line {n}", f"missing field(s) {missing}")
        elif isinstance(row["id"], bool) or not isinstance(row["id"], (str, int)) or not str(row["id"]).strip():
            yield Rejected(f"line {n}", f"'id' must be a non-empty string or a number, not {json.dumps(row['id'])}")
        elif not isinstance(row["original"], str) or not isinstance(row["spun"], str):
            yield Rejected(str(row["id"]), "'original' and 'spun' must be strings")
        else:
            yield str(row["id"]), row["original"], row["spun"]


def _pair_id(root: Path, original: Path) -> str:
    stem = _ORIG.sub("", original.name[: -len(".txt")]).strip("-_. ")
    stem = re.sub(r"[-_.]{2,}", lambda m: m.group()[0], stem)
    return (original.parent.relative_to(root) / stem).as_posix().removeprefix("./")


def _folder_pairs(root: Path) -> Iterator[Pair | Rejected]:
    """``*ORIG*.txt`` files paired with the ``*SPUN*.txt`` file of the same name (``orig`` and
    ``spun`` in any of three casings); when several folders hold that name, the one nearest
    the original's folder."""
    files = sorted(p for p in root.rglob("*.txt") if p.is_file())
    spun_by_name: dict[str, list[Path]] = {}
    for p in files:
        spun_by_name.setdefault(p.name, []).append(p)
    originals = [p for p in files if _ORIG.search(p.name)]
    if not originals:
        raise PairsError(f"{root} holds no pairs: expected NAME.orig.txt / NAME.spun.txt or NNN-ORIG.txt / NNN-SPUN.txt files")
    used: set[Path] = set()
    for original in originals:
        pair_id = _pair_id(root, original)
        wanted = _ORIG.sub(lambda m: _SPUN[m.group()], original.name)
        candidates = spun_by_name.get(wanted, [])
        if not candidates:
            yield Rejected(pair_id, f"no spun file {wanted} for {original.relative_to(root)}")
            continue

        def shared(p: Path) -> int:  # used at once, in this iteration
            a, b = original.relative_to(root).parts[:-1], p.relative_to(root).parts[:-1]  # noqa: B023
            return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))

        best = max(map(shared, candidates))
        nearest = [p for p in candidates if shared(p) == best]
        if len(nearest) > 1:
            yield Rejected(pair_id, f"{len(nearest)} spun files named {wanted} are equally near {original.relative_to(root)}")
            continue
        used.add(nearest[0])
        try:
            yield pair_id, _decode(original.read_bytes(), str(original)), _decode(nearest[0].read_bytes(), str(nearest[0]))
        except PairsError as err:
            yield Rejected(pair_id, str(err))
    for p in files:
        if p not in used and not _ORIG.search(p.name) and re.search(r"(?<![A-Za-z])(SPUN|spun|Spun)(?![A-Za-z])", p.name):
            yield Rejected(p.relative_to(root).as_posix(), "no original file for this spun file")


def read_pairs(path: Path) -> Iterator[Pair | Rejected]:
    """The pairs of a JSONL file or of a folder (see the module docstring)."""
    path = Path(path)
    if not path.exists():
        raise PairsError(f"--pairs {path}: no such file or folder")
    return _folder_pairs(path) if path.is_dir() else _jsonl_pairs(path)


def import_pairs(pairs_path: Path, out_dir: Path, min_overlap: float = 0.4) -> ImportReport:
    """Align every pair and write the ``wild`` config under ``out_dir`` (nothing is written
    when no pair can be imported)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise PairsError(f"--out {out_dir} is a file: give a folder for the imported dataset")
    writable_location(out_dir, "the imported dataset (--out)")  # before any pair is aligned
    if out_dir.resolve() == default_data_dir().resolve():  # another build folder may take them (its fingerprints merge)
        raise PairsError(f"--out {out_dir} is the benchmark's default dataset, whose fingerprints are committed: give imported pairs a folder of their own")
    if not 0 < min_overlap <= 1:
        raise PairsError(f"--min-overlap {min_overlap} is not a share of tokens: give a number above 0 and at most 1")
    report = ImportReport(out_dir / IMPORTED_CONFIG / f"{EVALUATION_SPLIT}.parquet")
    records: list[dict] = []
    seen: set[str] = set()
    source = Path(pairs_path).stem
    for item in read_pairs(Path(pairs_path)):
        if isinstance(item, Rejected):
            report.rejected.append((item.id, item.reason))
            continue
        doc_id, original, spun = item
        original, spun = clean_text(original).text, clean_text(spun).text  # stored as normalised, offsets into that
        try:
            if doc_id in seen:
                raise ImplausiblePair("duplicate id")
            alignment = align_texts(original, spun)
            check_plausible(alignment, min_overlap)
        except ImplausiblePair as err:
            report.rejected.append((doc_id, str(err)))
            continue
        seen.add(doc_id)
        # Pairs from the wild have no asked-for rate: the record carries the observed share.
        observed_rate = sum(alignment.labels) / max(1, len(alignment.labels))
        records.append(
            make_record(
                doc_id=doc_id, source=source, source_id=doc_id, domain=IMPORTED_CONFIG, title="",
                text=spun, tokens=alignment.tokens, labels=alignment.labels,
                original_text=original, original_tokens=alignment.original_tokens, edits=alignment.edits,
                engines=["unknown"] if alignment.edits else [], recipe="unknown" if alignment.edits else "none",
                spin_rate=observed_rate, regime="unknown",
            )
        )
    if not records:
        reasons = "; ".join(f"{i}: {r}" for i, r in report.rejected[:3]) or "it is empty"
        raise PairsError(f"no pair in {pairs_path} could be imported ({reasons}{'; ...' if len(report.rejected) > 3 else ''})")
    fingerprint = write_split(report.path, records)
    # Merge, never clobber: the folder may hold a build whose fingerprints must survive.
    fingerprints = read_fingerprints(out_dir) or {"seed": None, "configs": {}}
    fingerprints["configs"] = {**fingerprints.get("configs", {}), IMPORTED_CONFIG: {EVALUATION_SPLIT: fingerprint}}
    write_json(out_dir / FINGERPRINTS, fingerprints)
    report.imported = len(records)
    return report
