"""Benchmark: per-list plots (dot + bar, PNG + SVG), seconds a list and library.

    python benchmarks/bench_plots.py                 # 20 lists
    python benchmarks/bench_plots.py --lists 50 --seed 3
    PYTHONPATH=<export of an older commit> python benchmarks/bench_plots.py   # "before"

Library: PFOCR's 2021 human GMT (27,164 sets). Lists: `bench_enrichment.draw_lists` (seeded
200-gene lists, half drawn from 3 random sets), enriched with default settings
(`engine.enrich_lists`). Timed per list, as the `plots` rule does it: `cluster_rows` of the
list's table, then `save_list_plots` (dot and bar plot, each saved as PNG and SVG), inside
`rc_context(STYLE)`. Enrichment and imports are not timed.

Target (issue): at most 0.5 s a list and library.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from matplotlib import rc_context

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_enrichment import draw_lists  # noqa: E402
from make_records import DEFAULT_GMT, check_shared  # noqa: E402

from pfocr_enrich.enrichment.engine import Settings, enrich_lists, load_library, make_universe  # noqa: E402
from pfocr_enrich.report.plots import STYLE, PlotSettings, cluster_rows  # noqa: E402

try:
    from pfocr_enrich.report.plots import save_list_plots
except ImportError:  # a checkout before commit 4c9ef2b, for the "before" figure: the same two plots

    def save_list_plots(rows, title, settings, dot, bar):
        from pfocr_enrich.report.plots import bar_plot, dot_plot, save_figure

        save_figure(dot_plot(rows, title, settings), *dot)
        save_figure(bar_plot(rows, title, settings), *bar)


TARGET_SECONDS = 0.5
# A git worktree outside the clone finds ../shared through PFOCR_ENRICH_SHARED, as the tests do.
SHARED_GMT = (
    Path(os.environ["PFOCR_ENRICH_SHARED"]) / "pfocr/gmt" / DEFAULT_GMT.name
    if "PFOCR_ENRICH_SHARED" in os.environ
    else DEFAULT_GMT
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gmt", type=Path, default=SHARED_GMT)
    args = parser.parse_args()
    check_shared(args.gmt)

    library = load_library(args.gmt)
    settings = Settings()
    lists = {name: (genes, len(genes)) for name, genes in draw_lists(args.gmt, args.lists, args.seed).items()}
    results = enrich_lists(library, lists, settings, make_universe(library, settings, None))
    tables = {result.name: result.table for result in results}

    plot_settings = PlotSettings(alpha=settings.alpha)
    wall, cpu = [], []
    with tempfile.TemporaryDirectory() as folder, rc_context(STYLE):
        out = Path(folder)
        for name, table in tables.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            save_list_plots(
                cluster_rows(table, plot_settings),
                f"{name} vs {args.gmt.stem}",
                plot_settings,
                dot=(out / f"{name}.dotplot.png", out / f"{name}.dotplot.svg"),
                bar=(out / f"{name}.barplot.png", out / f"{name}.barplot.svg"),
            )
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)

    mean = float(np.mean(wall))
    print(f"python benchmarks/bench_plots.py --lists {args.lists} --seed {args.seed}\n")
    print("| metric | value | target |")
    print("|---|---|---|")
    print(f"| lists | {len(wall)} | |")
    verdict = "met" if mean <= TARGET_SECONDS else "missed"
    print(f"| **wall s a list and library, mean** | **{mean:.3f}** | <= {TARGET_SECONDS}: {verdict} |")
    print(f"| wall s, median / max | {np.median(wall):.3f} / {max(wall):.3f} | |")
    print(f"| CPU s a list, mean | {np.mean(cpu):.3f} | |")


if __name__ == "__main__":
    main()
