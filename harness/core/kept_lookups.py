"""Look-ups kept on disk between runs: the results of a pure function of words, computed once.

A build asks the spinners' resources the same questions every time (the Moby synonyms of a
lemma, ranked); each worker process used to answer them afresh. :class:`KeptLookups` keeps the
answers under ``$SPINBENCH_CACHE/kept_lookups/<name>-<key>/``: the key is a digest of what the
answers depend on (the code and the resources' versions), so an answer read back is the one the
function gives. Answers found in this process are added when :meth:`KeptLookups.save` is called,
or when the process ends (a build's forked workers too): one part file per process, written whole
or not at all, merged by a later reader once there are more than a few. A part that cannot be
read whole, or that is not a table of words to tuples of words, is damaged (a part is renamed
into place only once written whole): it is removed, and its answers computed again. An
unwritable cache only costs the time.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> kept = KeptLookups(folder)
>>> kept.get("big\\tADJ") is None
True
>>> kept.add("big\\tADJ", ("large", "great"))
>>> kept.save()
>>> KeptLookups(folder).get("big\\tADJ")
('large', 'great')
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

# Part files a folder may hold before a reader merges them into one.
_MAX_PARTS = 8
# A temporary part older than this was left by a writer that was killed.
_STALE_SECONDS = 3600


class KeptLookups:
    """A table of answers (a string key -> a tuple of strings) kept in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._answers: dict[str, tuple[str, ...]] = self._read()
        self._new: dict[str, tuple[str, ...]] = {}
        self._saver_pid: int | None = None

    def get(self, key: str) -> tuple[str, ...] | None:
        return self._answers.get(key)

    def add(self, key: str, answer: tuple[str, ...]) -> None:
        if self._saver_pid != os.getpid():  # once per process, forked workers included
            from multiprocessing import util

            self._new = {}  # what a forked copy inherited is its parent's to save
            util.Finalize(None, self.save, exitpriority=0)
            self._saver_pid = os.getpid()
        self._answers[key] = self._new[key] = tuple(answer)

    def __len__(self) -> int:
        return len(self._answers)

    def save(self) -> None:
        """Add the answers found since the last save to the folder."""
        if not self._new:
            return
        try:
            _write_part(self.folder, self._new)
            self._new = {}
        except OSError as error:
            log.debug("look-ups not kept in %s: %s", self.folder, error)

    def _read(self) -> dict[str, tuple[str, ...]]:
        parts = sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []
        answers: dict[str, tuple[str, ...]] = {}
        read = []
        for path in parts:
            try:
                found = _checked(json.loads(path.read_text(encoding="utf-8")))
            except FileNotFoundError:  # removed by a concurrent merge
                continue
            except Exception as error:  # noqa: BLE001 - damaged (parts are written whole, then renamed): removed, its answers computed afresh
                log.debug("removed damaged kept look-ups %s: %s", path, error)
                path.unlink(missing_ok=True)
                continue
            for key, answer in found.items():
                answers.setdefault(key, answer)
            read.append(path)
        for path in self.folder.glob(".part-*.tmp") if self.folder.is_dir() else []:
            try:
                if time.time() - path.stat().st_mtime > _STALE_SECONDS:
                    path.unlink()
            except OSError:
                pass
        if len(read) > _MAX_PARTS:
            try:
                _write_part(self.folder, answers)
                for path in read:
                    path.unlink(missing_ok=True)
            except OSError as error:
                log.debug("kept look-ups not merged in %s: %s", self.folder, error)
        return answers


def _checked(table: object) -> dict[str, tuple[str, ...]]:
    """A part's answers, or ValueError when it is not a table of strings to lists of strings."""
    if not isinstance(table, dict):
        raise ValueError("not a table")
    out = {}
    for key, answer in table.items():
        if not isinstance(answer, list) or not all(isinstance(word, str) for word in answer):
            raise ValueError(f"{key!r}'s answer is not a list of words")
        out[key] = tuple(answer)
    return out


def _write_part(folder: Path, answers: dict[str, tuple[str, ...]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, prefix=".part-", suffix=".tmp", delete=False) as f:
        json.dump({key: list(answer) for key, answer in answers.items()}, f, ensure_ascii=False)
    os.replace(f.name, folder / f"{os.getpid()}-{Path(f.name).stem.removeprefix('.part-')}.json")
