"""Which numeric kernels a run used, and which others this CPU can run.

NumPy's and SciPy's OpenBLAS picks its kernels by CPU at start-up, and kernels for different
instruction sets add up floating-point products in different orders: the last digits of a
product differ between them, and an iterative solver (liblinear's, inside scikit-learn, calls
SciPy's BLAS) carries them into the second decimal of a fitted model's probabilities. A model
rerun on a machine whose OpenBLAS picks other kernels therefore predicts a little differently
with the very same code and packages. Results record the kernels (``hardware.numeric_kernels``),
and ``leaderboard --reproduce`` reruns with the recorded ones (``OPENBLAS_CORETYPE``) where this CPU
can run them. The names are OpenBLAS's own.

>>> sorted(needed("Haswell"))
['avx2', 'fma']
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# Kernels a reproduction may ask for, newest first, and the CPU flags each needs.
KERNELS: dict[str, frozenset[str]] = {
    "SkylakeX": frozenset({"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}),
    "Haswell": frozenset({"avx2", "fma"}),
    "Sandybridge": frozenset({"avx"}),
}


def needed(kernel: str) -> frozenset[str]:
    """The CPU flags OpenBLAS's ``kernel`` needs (an unknown kernel: none that any CPU has)."""
    return KERNELS.get(kernel, frozenset({f"unknown kernel {kernel}"}))


def used() -> list[str]:
    """The kernels of the OpenBLAS libraries this process has loaded (empty when it has none,
    or another BLAS)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - a dependency of scikit-learn
        return []
    return sorted({i["architecture"] for i in threadpool_info() if i.get("internal_api") == "openblas" and i.get("architecture")})


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """This CPU's instruction-set flags (Linux's ``/proc/cpuinfo``; empty elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def runnable(kernel: str) -> bool:
    """Whether this CPU can run OpenBLAS's ``kernel`` (forcing one it cannot would crash)."""
    return needed(kernel) <= cpu_flags()
