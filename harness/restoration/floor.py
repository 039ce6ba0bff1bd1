"""The floor restorer: ``keep`` proposes the spun wording itself, so it removes nothing of the
edit distance and hits only where spinning changed case alone. Any restorer should beat it.
"""

from __future__ import annotations

from harness.restoration.contract import check_restore_input


class KeepRestorer:
    """Proposes each span's own (spun) wording: the score of doing nothing."""

    requires_fit = False

    def restore(self, tokens: list[str], spans: list[tuple[int, int]]) -> list[list[str]]:
        tokens, spans = check_restore_input(tokens, spans)
        return [[" ".join(tokens[s:e])] for s, e in spans]
