"""Look-ups kept on disk between runs: the results of a pure function, computed once.

A build asks the spinners' resources the same questions every time (the Moby synonyms of a
lemma, ranked; a word's GloVe neighbours); each worker process used to answer them afresh.
:class:`KeptParts` keeps the answers in a folder under ``$SPINBENCH_CACHE`` whose name is a
digest of what the answers depend on (the code and the resources), so an answer read back is the
one the function gives. Answers found in this process are added when :meth:`KeptParts.save` is
called, or when the process ends (a build's forked workers too): one part file per process,
written whole and then renamed into place, merged by a later reader once there are more than a
few. A part that cannot be read whole, or that holds an answer the function could not give, is
damaged: it is removed, and its answers computed again. An unwritable cache only costs the time.

:class:`KeptLookups` keeps answers that are tuples of words (JSON parts);
:class:`harness.core.glove.NeighbourLists` keeps neighbour lists (numpy parts).

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
from typing import IO, Any

log = logging.getLogger(__name__)

# Part files a folder may hold before a reader merges them into one.
_MAX_PARTS = 8
# A temporary part older than this was left by a writer that was killed.
_STALE_SECONDS = 3600


class KeptParts:
    """A table of answers kept in ``folder`` as part files (see the module docstring). A kind of
    answer says how a part is written (:meth:`_dump_part`) and read back, checked
    (:meth:`_load_part`), and its files' ending (:attr:`SUFFIX`)."""

    SUFFIX = ""
    WHAT = "kept look-ups"  # for the log

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._found: dict = self._read()
        self._new: dict = {}
        self._saver_pid: int | None = None

    def get(self, key) -> Any:
        return self._found.get(key)

    def add(self, key, answer) -> None:
        if self._saver_pid != os.getpid():  # once per process, forked workers included
            from multiprocessing import util

            self._new = {}  # what a forked copy inherited is its parent's to save
            util.Finalize(None, self.save, exitpriority=0)
            self._saver_pid = os.getpid()
        self._found[key] = self._new[key] = answer

    def __len__(self) -> int:
        return len(self._found)

    def save(self) -> None:
        """Add the answers found since the last save to the folder."""
        if not self._new:
            return
        try:
            self._write_part(self._new)
            self._new = {}
        except OSError as error:
            log.debug("%s not kept in %s: %s", self.WHAT, self.folder, error)

    def _read(self) -> dict:
        """Every answer the folder's parts hold; damaged parts are removed, more than a few good
        ones merged into one."""
        parts = sorted(self.folder.glob(f"*{self.SUFFIX}")) if self.folder.is_dir() else []
        found: dict = {}
        read = []
        for path in parts:
            try:
                answers = self._load_part(path)
            except FileNotFoundError:  # removed by a concurrent merge
                continue
            except Exception as error:  # noqa: BLE001 - damaged (a part is renamed into place only once written whole): removed, computed afresh
                log.debug("removed a damaged part of %s, %s: %s", self.WHAT, path, error)
                try:
                    path.unlink(missing_ok=True)
                except OSError:  # not ours to remove (another user's, a read-only folder, a folder): left
                    pass
                continue
            for key, answer in answers.items():
                found.setdefault(key, answer)
            read.append(path)
        for path in self.folder.glob(".part-*.tmp") if self.folder.is_dir() else []:
            try:
                if time.time() - path.stat().st_mtime > _STALE_SECONDS:
                    path.unlink()
            except OSError:
                pass
        if len(read) > _MAX_PARTS:
            try:
                self._write_part(found)
                for path in read:
                    path.unlink(missing_ok=True)
            except OSError as error:
                log.debug("%s not merged in %s: %s", self.WHAT, self.folder, error)
        return found

    def _write_part(self, answers: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".part-", suffix=".tmp", delete=False) as f:
            self._dump_part(f, answers)
        os.replace(f.name, self.folder / f"{os.getpid()}-{Path(f.name).stem.removeprefix('.part-')}{self.SUFFIX}")

    def _load_part(self, path: Path) -> dict:
        raise NotImplementedError

    def _dump_part(self, file: IO[bytes], answers: dict) -> None:
        raise NotImplementedError


class KeptLookups(KeptParts):
    """Answers that are tuples of words, under string keys, in JSON parts."""

    SUFFIX = ".json"

    def add(self, key: str, answer) -> None:
        super().add(key, tuple(answer))

    def _load_part(self, path: Path) -> dict[str, tuple[str, ...]]:
        """A part's answers, or ValueError when it is not a table of strings to lists of strings."""
        table = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(table, dict):
            raise ValueError("not a table")
        out = {}
        for key, answer in table.items():
            if not isinstance(answer, list) or not all(isinstance(word, str) for word in answer):
                raise ValueError(f"{key!r}'s answer is not a list of words")
            out[key] = tuple(answer)
        return out

    def _dump_part(self, file: IO[bytes], answers: dict[str, tuple[str, ...]]) -> None:
        file.write(json.dumps({key: list(answer) for key, answer in answers.items()}, ensure_ascii=False).encode("utf-8"))
