"""Reruns held to the numeric kernels an entry was made with: OpenBLAS picks its kernels by CPU,
and their products' last digits differ (harness.runs.numeric_kernels). ``--reproduce`` reruns
with the kernels an entry records, and where it records none and this machine's give other
predictions, with each other kernel this CPU runs, saying which reproduced it."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.runs import numeric_kernels, reproduce


@pytest.fixture
def rerun(monkeypatch, tmp_path):
    """A workspace whose reruns only record the kernel they were given (this machine's own
    kernels: Haswell; the CPU runs every kernel), and whose comparison passes where the rerun's
    kernel is ``makes``'s."""
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)  # some machines force one for every process
    monkeypatch.setattr(numeric_kernels, "used", lambda: ["Haswell"])
    monkeypatch.setattr(numeric_kernels, "runnable", lambda kernel: kernel in numeric_kernels.KERNELS)
    monkeypatch.setattr(reproduce.Workspace, "tree", lambda self, commit: tmp_path)
    monkeypatch.setattr(reproduce.Workspace, "data_for", lambda self, group, tree: tmp_path)
    calls = []

    def run(command, cwd, env):
        calls.append((env.get("OPENBLAS_CORETYPE"), env["SPINBENCH_CACHE"]))
        return 0

    monkeypatch.setattr(reproduce, "_run", run)
    monkeypatch.setattr(reproduce, "rerun_results", lambda out: {c: ({}, Path(out) / f"{c}.json") for c in ("news", "unseen-domain")})

    def go(recorded, makes, torch=None):
        entry = SimpleNamespace(harness={"git_dirty": False}, hardware=({"numeric_kernels": recorded} if recorded else {}) | ({"torch": torch} if torch else {}))
        group = reproduce.Group("fake", "fake", "a" * 40, "fake:Model", {}, {c: (tmp_path / f"{c}.json", entry) for c in ("news", "unseen-domain")})
        used = lambda: calls[-1][0] or "Haswell"  # noqa: E731
        compare = lambda *args: ([] if used() == makes else ["its predictions differ"], ["scores match"])  # noqa: E731
        space = reproduce.Workspace(str(tmp_path))
        try:
            return space.run(group, "evaluate", compare).line(), [kernel for kernel, _ in calls], len({cache for _, cache in calls})
        finally:
            space.close()
            calls.clear()

    return go


def test_an_entry_recording_no_kernels_is_rerun_with_each_other_kernel_until_one_reproduces_it(rerun):
    line, kernels, caches = rerun(None, "SkylakeX")
    assert kernels == [None, "SkylakeX"] and caches == 2  # a fit of its own per kernel
    assert "fake at aaaaaaaaaaaa" in line and "reproduced: scores match; rerun with OpenBLAS's SkylakeX kernels (its entries record none; this machine's own: Haswell)" in line
    line, kernels, _ = rerun(None, "Haswell")
    assert kernels == [None] and line.endswith("reproduced: scores match")


def test_an_entry_recording_its_kernels_is_rerun_with_them_alone(rerun):
    line, kernels, _ = rerun(["SkylakeX"], "SkylakeX")
    assert kernels == ["SkylakeX"] and "rerun with OpenBLAS's SkylakeX kernels (the kernels its entries record" in line
    line, kernels, _ = rerun(["Haswell"], "Haswell")
    assert kernels == [None] and line.endswith("reproduced: scores match")
    line, kernels, _ = rerun(["SkylakeX"], "Haswell")  # made with SkylakeX, yet only Haswell's reproduces: not reproduced
    assert kernels == ["SkylakeX"] and "NOT reproduced: news: its predictions differ; unseen-domain: its predictions differ" in line


def test_an_entry_no_kernel_reproduces_names_them_all(rerun):
    line, kernels, _ = rerun(None, "Itanium")
    assert kernels == [None, "SkylakeX", "Sandybridge"]
    assert line.endswith("NOT reproduced: news: its predictions differ; unseen-domain: its predictions differ; nor with OpenBLAS's SkylakeX, Sandybridge kernels")


def test_a_model_that_ran_on_torch_is_rerun_once(rerun):
    line, kernels, _ = rerun(None, "SkylakeX", torch="2.13.0+cpu")
    assert kernels == [None] and "NOT reproduced" in line and "nor with" not in line


def test_a_kernel_this_cpu_cannot_run_is_never_forced(monkeypatch):
    monkeypatch.setattr(numeric_kernels, "cpu_flags", lambda: frozenset({"avx", "avx2", "fma"}))
    assert numeric_kernels.runnable("Haswell") and not numeric_kernels.runnable("SkylakeX") and not numeric_kernels.runnable("Itanium")
    assert reproduce.kernels_to_try(["SkylakeX"], ["Haswell"]) == [None]
    assert reproduce.kernels_to_try([], ["Haswell"]) == [None, "Sandybridge"]


def test_results_record_the_kernels_they_were_made_with():
    import numpy  # noqa: F401  (loads OpenBLAS)

    from harness.runs.provenance import hardware

    assert hardware().get("numeric_kernels", []) == numeric_kernels.used()
