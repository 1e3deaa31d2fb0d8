"""Greedy clustering of question vectors for the gap signal (kb.flags.gaps): one pass against
running centroids, so the cost is items x clusters, never all pairs."""

from __future__ import annotations

import numpy as np


def centroid_clusters(
    vecs: np.ndarray, threshold: float, attach: tuple[float, list[str | None]] | None = None
) -> list[list[int]]:
    """Greedy single pass against running centroids (items x clusters, not all pairs).

    With `attach` (a cosine, and each item's language), an item left alone then joins the
    closest group of two or more written in other languages than its own, at that lower
    cosine: a cross-lingual model scores one question asked in two languages lower than two
    wordings in one, so the same topic in another language lands just under `threshold`.
    """
    centroids: list[np.ndarray] = []
    members: list[list[int]] = []

    def add(best: int, i: int) -> None:
        members[best].append(i)
        c = vecs[members[best]].mean(axis=0)
        centroids[best] = c / (np.linalg.norm(c) or 1.0)

    for i, v in enumerate(vecs):
        if centroids:
            sims = np.asarray(centroids) @ v
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                add(best, i)
                continue
        centroids.append(v.copy())
        members.append([i])
    if attach is None:
        return members
    at, langs = attach
    groups = [n for n, m in enumerate(members) if len(m) >= 2]
    alone = [m[0] for m in members if len(m) == 1]
    left: list[int] = []
    for i in alone:
        sims = [
            float(centroids[n] @ vecs[i])
            if langs[i] and langs[i] not in {langs[m] for m in members[n]}
            else -1.0
            for n in groups
        ]
        best = int(np.argmax(sims)) if sims else -1
        if best >= 0 and sims[best] >= at:
            add(groups[best], i)
        else:
            left.append(i)
    return [members[n] for n in groups] + [[i] for i in left]
