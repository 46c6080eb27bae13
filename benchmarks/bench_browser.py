"""Benchmark: the figure browser page at PFOCR's size, its MB and how fast a filter answers in Chromium.

    python benchmarks/bench_browser.py                       # 91,000 figures, 100 lists
    python benchmarks/bench_browser.py --figures 20000 --keep /tmp/browser.html

Synthetic, seeded figures shaped like PFOCR's: figids `PMC<7 digits>__<article>-g00<n>`, PMC
figure links, titles of ~60 characters from a word list, years 1995-2024, 25 genes a figure on
average (3-60) drawn from 20,000 symbol-like names with a Zipf-like skew (the commonest gene in
~12% of figures, as TNF or AKT1 are common in PFOCR), and padj for 100 lists, each with a result
row for 2,000-5,000 figures. The page is built by browser_data and browser_page, as the
figure_browser rule does, and opened in headless Chromium (Debian's `chromium`, driven by
Playwright). Each search is typed into the search box (Playwright's fill: one input event) and
timed inside the page: `lastUpdateMs` is the page's own performance.now() around filter, sort and
render; "to paint" is from the input event to the second animation frame after it, layout and
paint included. Median and max of 5 repetitions.

Targets (issue 15): the page under 30 MB, a filter within 300 ms.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pfocr_enrich.report.browser import browser_data, browser_page

TARGET_MB = 30
TARGET_MS = 300
WORDS = (
    "signalling pathway regulation of the in cells kinase activation receptor mediated response "
    "inflammation apoptosis metabolism cancer tumor immune T-cell macrophage insulin glucose lipid "
    "transcription factor network model proposed mechanism role during stress hypoxia autophagy "
    "DNA damage repair cycle proliferation differentiation stem neuronal cardiac liver kidney "
    "mitochondrial oxidative NF-kB MAPK PI3K/AKT mTOR Wnt Notch Hedgehog TGF-beta JAK/STAT"
).split()


def synthetic_figures(n_figures: int, n_symbols: int, seed: int) -> pd.DataFrame:
    """figures.tsv rows with a `genes` column, as library_figures returns them."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    symbols = sorted(
        {
            "".join(rng.choice(letters, rng.integers(2, 5))) + str(rng.integers(1, 30))
            for _ in range(int(n_symbols * 1.2))
        }
    )[:n_symbols]
    weights = 1 / (np.arange(n_symbols) + 30.0)
    weights /= weights.sum()
    order = rng.permutation(n_symbols)  # the common genes are not the alphabetically first
    sizes = np.clip(rng.poisson(25, n_figures), 3, 60)
    draws = rng.choice(n_symbols, size=int(sizes.sum() * 1.3), p=weights)
    genes, start = [], 0
    for size in sizes:
        chosen = list(dict.fromkeys(draws[start : start + int(size * 1.3)].tolist()))[:size]
        start += int(size * 1.3)
        genes.append(tuple(symbols[order[g]] for g in chosen))
    pmcids = [f"PMC{number}" for number in rng.integers(1_000_000, 9_999_999, n_figures)]
    figids = [f"{pmcid}__fimmu-{i % 97:02d}-{i:07d}-g00{i % 9 + 1}" for i, pmcid in enumerate(pmcids)]
    titles = []
    for _ in range(n_figures):
        title = ""
        while len(title) < rng.integers(40, 80):
            title += rng.choice(WORDS) + " "
        titles.append(title.strip().capitalize())
    return pd.DataFrame(
        {
            "figid": figids,
            "species": "Homo sapiens",
            "n_genes": [str(len(g)) for g in genes],
            "pmcid": pmcids,
            "year": [str(year) for year in rng.integers(1995, 2025, n_figures)],
            "title": titles,
            "papertitle": "",
            "figlink": [
                f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/figure/F{i % 9 + 1}/"
                for i, pmcid in enumerate(pmcids)
            ],
            "record_file": [f"{figid}.md" for figid in figids],
            "set_id": figids,
            "genes": genes,
        }
    )


def synthetic_padj(n_figures: int, n_lists: int, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed + 1)
    padj = {}
    for number in range(n_lists):
        rows = np.sort(rng.choice(n_figures, rng.integers(2000, 5000), replace=False))
        # a few hundred significant, the rest spread up to 1 (BH caps many at 1)
        values = np.minimum(1.0, 10 ** rng.uniform(-12, 0.5, len(rows)))
        padj[f"list_{number:03d}"] = (rows, values)
    return padj


# What is typed into the search box: a common gene, a rare one, a title word, gene + word, clearing.
def searches(figures: pd.DataFrame) -> list[tuple[str, str]]:
    counts = pd.Series([g for genes in figures["genes"] for g in genes]).value_counts()
    common, rare = counts.index[0], counts.index[len(counts) // 2]
    return [
        ("common gene", common),
        ("rare gene", rare),
        ("title word", "kinase"),
        ("gene + word", f"{common} kinase"),
        ("two genes", f"{common} {counts.index[1]}"),
        ("clear", ""),
    ]


TIMED_INPUT = """async (text) => {
  const box = document.getElementById('search');
  box.value = text;
  const started = performance.now();
  box.dispatchEvent(new Event('input'));
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return [window.figureBrowser.lastUpdateMs, performance.now() - started,
          document.getElementById('count').textContent];
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=int, default=91_000)
    parser.add_argument("--symbols", type=int, default=20_000)
    parser.add_argument("--lists", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the page here too")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("Debian's chromium is needed: apt-get install chromium (and pip install playwright)")
    from playwright.sync_api import sync_playwright

    figures = synthetic_figures(args.figures, args.symbols, args.seed)
    padj = synthetic_padj(len(figures), args.lists, args.seed)
    started = time.perf_counter()
    page_text = browser_page(browser_data("pfocr_bench_Homo_sapiens_entrez", figures, padj, args.lists, 0.05))
    build_s = time.perf_counter() - started
    size_mb = len(page_text.encode("utf-8")) / 1e6

    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        path = Path(folder) / "figures.html"
        path.write_text(page_text, encoding="utf-8")
        if args.keep:
            shutil.copyfile(path, args.keep)
        browser = playwright.chromium.launch(executable_path=chromium)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("window.figureBrowser && window.figureBrowser.readyMs !== null")
        ready_ms = page.evaluate("window.figureBrowser.readyMs")
        for label, text in searches(figures):
            in_page, to_paint = [], []
            for _ in range(args.repeats):
                page.evaluate(TIMED_INPUT, "")
                update_ms, paint_ms, count = page.evaluate(TIMED_INPUT, text)
                in_page.append(update_ms)
                to_paint.append(paint_ms)
            rows.append((f"{label} `{text}`" if text else label, in_page, to_paint, count))
        # typed key by key, as a person types: the slowest keystroke
        page.evaluate(TIMED_INPUT, "")
        keystrokes = []
        for end in range(1, len("kinase") + 1):
            keystrokes.append(page.evaluate(TIMED_INPUT, "kinase"[:end])[1])
        sort_ms = []
        for column in ("title", "year", "padj"):
            page.click(f"th button[data-sort={column}]")
            sort_ms.append((column, page.evaluate("window.figureBrowser.lastUpdateMs")))
        page.check("#significant")
        significant_ms = page.evaluate("window.figureBrowser.lastUpdateMs")
        page.select_option("#list", index=args.lists - 1)
        list_ms = page.evaluate("window.figureBrowser.lastUpdateMs")
        browser.close()

    print(f"python {' '.join(sys.argv)}\n")
    print(f"{len(figures):,} figures, {args.symbols:,} symbols, {args.lists} lists\n")
    print("| metric | value | target |\n|---|---|---|")
    print(f"| **page size** | **{size_mb:.1f} MB** | < {TARGET_MB} MB: {'met' if size_mb < TARGET_MB else 'NOT met'} |")
    print(f"| page built in Python (browser_data + browser_page) | {build_s:.1f} s | |")
    print(f"| page open to first rows (navigation start to script done) | {ready_ms:.0f} ms | |")
    worst = 0.0
    for label, in_page, to_paint, count in rows:
        worst = max(worst, max(to_paint))
        print(
            f"| {label}: filter + sort + render in page, median (max) | {statistics.median(in_page):.1f} "
            f"({max(in_page):.1f}) ms; to paint {statistics.median(to_paint):.1f} ({max(to_paint):.1f}) ms "
            f"| {count} |"
        )
    print(f"| typing `kinase` key by key, slowest keystroke to paint | {max(keystrokes):.1f} ms | |")
    for column, ms in sort_ms:
        print(f"| sort by {column} (first time: the order is computed) | {ms:.1f} ms | |")
    print(f"| significant only on | {significant_ms:.1f} ms | |")
    print(f"| pick another list | {list_ms:.1f} ms | |")
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(f"| **slowest filter, to paint** | **{worst:.1f} ms** | <= {TARGET_MS} ms: {verdict} |")


if __name__ == "__main__":
    main()
