"""Covering sets: the few significant sets that together hold most of a list's overlap genes.

WebGestalt's weighted set cover (Liao et al. 2019; its `weightedSetCover`): repeatedly pick the set
with the lowest cost per gene it newly covers, a set's cost being 1 / -log10 p, until every overlap
gene of the candidate sets is covered or `top_n` sets are picked. -log10 p is capped at 300 so that
p = 0 (below the double range) has a cost. Ties go to the earlier row (rows come by p, then
set_id), so the result does not depend on anything but the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_MINUS_LOG10_P = 300.0


@dataclass(frozen=True)
class CoverStep:
    row: int  # the candidate's position in the rows given
    new_genes: np.ndarray  # gene ids it covers first
    coverage: float  # share of all candidates' genes covered after this step


def weighted_set_cover(gene_starts: np.ndarray, genes: np.ndarray, pvalues: np.ndarray, top_n: int) -> list[CoverStep]:
    """The covering sets among candidate rows given as CSR (row r's genes are
    genes[gene_starts[r]:gene_starts[r + 1]], integer ids) with their p-values."""
    n_rows = len(pvalues)
    if n_rows == 0 or top_n <= 0:
        return []
    weight = np.minimum(-np.log10(np.clip(np.asarray(pvalues, dtype=float), 1e-320, 1.0)), MAX_MINUS_LOG10_P)
    lengths = np.diff(gene_starts)
    ids, gene_index = np.unique(genes, return_inverse=True)
    covered = np.zeros(len(ids), dtype=bool)
    row_of = np.repeat(np.arange(n_rows), lengths)
    steps: list[CoverStep] = []
    while len(steps) < top_n and not covered.all():
        new = np.bincount(row_of, weights=~covered[gene_index], minlength=n_rows)
        gain = new * weight
        best = int(np.argmax(gain))
        if gain[best] <= 0:  # what is left is covered only by sets with p = 1
            break
        mine = gene_index[gene_starts[best] : gene_starts[best + 1]]
        fresh = mine[~covered[mine]]
        covered[fresh] = True
        steps.append(CoverStep(best, ids[np.sort(fresh)], float(covered.mean())))
    return steps
