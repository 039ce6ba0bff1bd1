"""The report's figures as inline SVG (matplotlib, no pyplot state): precision-recall curves,
breakdowns with intervals, calibration. Same inputs give the same bytes (fixed hash salt, no
date, text kept as text).

The numbers come from :mod:`harness.evaluation.metrics` (curves, calibration) and from the
results files (breakdowns); this module only draws them.
"""

from __future__ import annotations

import io
import re

import numpy as np

from harness.evaluation import metrics

_RC = {
    "svg.hashsalt": "spinbench",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e4e4e4",
    "grid.linewidth": 0.6,
}
# Okabe-Ito, then tab10's remainder: distinguishable for colour-blind readers.
# Okabe-Ito's colours with its second blue swapped for a wine red: no two lines share a hue.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#882255", "#D55E00", "#F0E442", "#000000", "#8c564b", "#7f7f7f")
FLOOR_COLOR = "#777777"


def model_colors(models: list[str]) -> dict[str, str]:
    return {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(models)}


def _svg(fig) -> str:
    """The figure as an ``<svg>`` element to put inline in a page."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buf.getvalue()
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)  # RDF naming matplotlib; no use in a page
    return text[text.index("<svg") :]


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def thin(x: np.ndarray, y: np.ndarray, step: float = 0.002) -> np.ndarray:
    """Indices of the points to draw: the first, the last, and each point at least ``step``
    away (in x or y) from the last one kept, so a curve of 100,000 cuts draws in a few hundred.

    >>> thin(np.array([0.0, 0.0001, 0.5, 1.0]), np.array([1.0, 1.0, 0.8, 0.2])).tolist()
    [0, 2, 3]
    """
    if len(x) == 0:
        return np.zeros(0, dtype=int)
    keep, last = [0], 0
    for i in range(1, len(x) - 1):
        if abs(x[i] - x[last]) >= step or abs(y[i] - y[last]) >= step:
            keep.append(i)
            last = i
    if len(x) > 1:
        keep.append(len(x) - 1)
    return np.asarray(keep)


def curve_points(y: np.ndarray, scores: np.ndarray, threshold: float) -> dict:
    """What the precision-recall figure draws for one model: the curve's thinned points, the
    operating point at the model's threshold (None when nothing reaches it), average precision."""
    thresholds, precision, recall = metrics.precision_recall_curve(y, scores)
    keep = thin(recall, precision)
    at = int(np.sum(thresholds >= threshold)) - 1  # thresholds fall: the last cut that includes the threshold
    chosen = (float(recall[at]), float(precision[at])) if at >= 0 else None
    return {"recall": recall[keep], "precision": precision[keep], "chosen": chosen, "ap": metrics.auprc(y, scores)}


def pr_figure(curves: dict[str, dict], spun_share: float, colors: dict[str, str]) -> str:
    """Precision-recall curves of several models on one split (``curves``: model ->
    :func:`curve_points`), each model's chosen threshold marked, the random and all-spun floors."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(6.2, 4.4)
        ax = fig.add_subplot()
        ax.axhline(spun_share, color=FLOOR_COLOR, linestyle="--", linewidth=1, label=f"random scores (precision = spun share {spun_share:.3f})")
        ax.plot([1.0], [spun_share], marker="X", markersize=9, color=FLOOR_COLOR, linestyle="none", label="all-spun (flag every token)")
        for model, c in curves.items():
            ap = "n/a" if np.isnan(c["ap"]) else f"{c['ap']:.3f}"
            ax.plot(c["recall"], c["precision"], color=colors[model], linewidth=1.6, label=f"{model} (AP {ap})")
            if c["chosen"] is not None:
                ax.plot(*c["chosen"], marker="o", markersize=7, markerfacecolor=colors[model], markeredgecolor="black", linestyle="none")
        ax.plot([], [], marker="o", markerfacecolor="white", markeredgecolor="black", linestyle="none", label="chosen threshold")
        ax.set(xlim=(0, 1.02), ylim=(0, 1.02), xlabel="recall (spun tokens found)", ylabel="precision (flagged tokens truly spun)")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8, frameon=False)  # below the axes, off the curves
        return _svg(fig)


def breakdown_figure(panels: list[tuple[str, list[tuple[str, str]], dict[str, dict]]], colors: dict[str, str]) -> str:
    """Token F1 with 95% intervals per group, one panel per breakdown. ``panels``: (title,
    [(group, its label)] in display order, {model: {group: {"value", "ci95"}}})."""
    import matplotlib

    models = list(dict.fromkeys(m for _, _, by_model in panels for m in by_model))
    rows = max((len(groups) for _, groups, _ in panels), default=1)
    with matplotlib.rc_context(_RC):
        fig = _figure(3.3 * max(len(panels), 1), 0.9 + rows * (0.2 + 0.09 * len(models)))
        axes = fig.subplots(1, max(len(panels), 1), squeeze=False)[0]
        offsets = np.linspace(-0.28, 0.28, len(models)) if len(models) > 1 else np.zeros(1)
        for ax, (title, groups, by_model) in zip(axes, panels):
            for offset, model in zip(offsets, models):
                ys, xs, lo, hi = [], [], [], []
                for g, (group, _) in enumerate(groups):
                    m = by_model.get(model, {}).get(group)
                    if m is None or m["value"] is None:
                        continue
                    low, high = m["ci95"] if m["ci95"][0] is not None else (m["value"], m["value"])
                    ys.append(g + offset)
                    xs.append(m["value"])
                    lo.append(m["value"] - low)
                    hi.append(high - m["value"])
                ax.errorbar(xs, ys, xerr=[lo, hi], fmt="o", markersize=4, capsize=2, color=colors[model], label=model if ax is axes[0] else None)
            ax.set_yticks(range(len(groups)), [label for _, label in groups])
            ax.set_ylim(len(groups) - 0.5, -0.5)
            ax.set_xlim(0, 1)
            ax.set_title(title, fontsize=9)
            ax.set_xlabel("token F1 (95% interval)")
        fig.legend(loc="outside upper center", ncol=len(models), fontsize=8, frameon=False)
        return _svg(fig)


def calibration_figure(bins: dict[str, tuple], colors: dict[str, str]) -> str:
    """Observed spun rate against mean predicted score per score bin (``bins``: model ->
    :func:`harness.evaluation.metrics.calibration_bins`), with the diagonal of a calibrated model."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(4.6, 4.2)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], color=FLOOR_COLOR, linestyle="--", linewidth=1, label="calibrated")
        for model, (mean_score, observed, count) in bins.items():
            size = 3 + 9 * np.sqrt(count / max(count.max(), 1))
            ax.plot(mean_score, observed, color=colors[model], linewidth=1.2, label=model)
            ax.scatter(mean_score, observed, s=size**2, color=colors[model], alpha=0.8, edgecolors="white", linewidths=0.5, zorder=3)
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="predicted score (mean in bin)", ylabel="observed spun rate")
        ax.legend(loc="upper left", fontsize=8, frameon=True)
        return _svg(fig)
