"""Benchmark: what a reader gets from redundancy clusters and covering sets on real lists.

    python benchmarks/bench_cover.py                 # 50 lists, seed 3

Library: PFOCR's 2021 human GMT (27,164 sets). Lists: 200 Entrez IDs each, the genes of randomly
drawn real sets of the library (set after set, until 200), so every list has strong signal, as in
the issue ("200-gene lists from real sets"). Default settings (BH over all tested sets, clusters
at Jaccard 0.5, 20 covering sets). Printed per run: how many significant sets a list has, the
largest cluster's share of them and the number of clusters (average linkage), the share of the
significant sets' overlap genes the covering sets reach, and the engine's time a list with and
without the clusters (these lists, with thousands of significant sets each, are the clustering's
worst case).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_records import DEFAULT_GMT, SHARED, check_shared  # noqa: E402

from pfocr_enrich.enrichment.batch import covering_rows  # noqa: E402
from pfocr_enrich.enrichment.engine import Settings, enrich_batch, load_library, make_universe  # noqa: E402

LIST_SIZE = 200


def lists_from_real_sets(library, n_lists: int, seed: int) -> dict[str, tuple[list[str], int]]:
    rng = np.random.default_rng(seed)
    members = library.membership.tocsr()  # sets x genes, row by row
    lists = {}
    for number in range(n_lists):
        genes: dict[str, None] = {}
        while len(genes) < LIST_SIZE:
            row = int(rng.integers(len(library.set_ids)))
            genes.update(dict.fromkeys(library.genes[members[row].indices]))
        picked = list(genes)[:LIST_SIZE]
        lists[f"list{number:03d}"] = (picked, len(picked))
    return lists


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lists", type=int, default=50)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--gmt", type=Path, default=DEFAULT_GMT)
    args = parser.parse_args(argv)
    check_shared(args.gmt, SHARED / "records")
    library = load_library(args.gmt)
    settings = Settings()
    lists = lists_from_real_sets(library, args.lists, args.seed)
    universe = make_universe(library, settings, None)
    seconds = {}
    for threshold in (None, settings.cluster_jaccard):
        started = time.perf_counter()
        result = enrich_batch(library, lists, replace(settings, cluster_jaccard=threshold), universe)
        seconds[threshold] = time.perf_counter() - started
    shares, coverage, n_significant, n_cover, n_clusters = [], [], [], [], []
    for index, counts in enumerate(result.lists):
        if not counts.n_significant:
            continue
        start, stop = result.row_starts[index], result.row_starts[index + 1]
        clusters = result.cluster_rows[start:stop]
        clusters = clusters[clusters >= 0]
        shares.append(np.bincount(clusters).max() / counts.n_significant)
        n_clusters.append(len(np.unique(clusters)))
        rows = covering_rows(result, index, settings)
        coverage.append(rows[-1][-1])
        n_significant.append(counts.n_significant)
        n_cover.append(len(rows))
    print(f"library {args.gmt.name}; {args.lists} lists of {LIST_SIZE} genes from real sets (seed {args.seed})")
    print()
    print("| metric (lists with a significant set) | median | max | min |")
    print("|---|---|---|---|")
    for label, values, form in (
        ("significant sets a list", n_significant, "{:,.0f}"),
        ("redundancy clusters a list (average linkage)", n_clusters, "{:,.0f}"),
        ("largest cluster's share of a list's significant sets", shares, "{:.0%}"),
        ("covering sets picked (at most 20)", n_cover, "{:.0f}"),
        ("overlap genes covered by the covering sets", coverage, "{:.0%}"),
    ):
        values = np.asarray(values, dtype=float)
        median, largest, smallest = (form.format(v) for v in (np.median(values), values.max(), values.min()))
        print(f"| {label} | {median} | {largest} | {smallest} |")
    print()
    per_list = {threshold: f"{1000 * value / args.lists:.1f} ms" for threshold, value in seconds.items()}
    print(
        f"engine a list (enrich_batch, {args.lists} lists in one batch): {per_list[None]} without clusters, "
        f"{per_list[settings.cluster_jaccard]} with"
    )
    print("command: " + " ".join(["python", *sys.argv]))


if __name__ == "__main__":
    main()
