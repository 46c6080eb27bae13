"""The figure browser: every figure of a library built here in one searchable, self-contained page.

`results/report/figures/{library}.html` holds every figure of the library (figid, title, year,
PMC ID, genes as symbols, PMC and PFOCR links) and each figure's padj in up to
`report.max_list_plots` lists. Search, sorting and the list picker are plain JavaScript in the
page (figure_browser.js beside this module): report pages are opened offline, so nothing is
fetched from anywhere.

Sized for PFOCR's 91,000 figures: under 30 MB and a filter within 300 ms
(benchmarks/bench_browser.py). So the data is one JSON object of columns, not an object per
figure; a figure's genes are indices into the library's symbols, in base 36 with the commonest
genes numbered first (shortest); a list's padj is given only for the figures in its table,
rounded to 3 significant digits; a PMC figure link is kept as what follows its article's URL.

Record text reaches the page only inside that JSON, with `<`, `>` and `&` escaped (a title
holding `</script>` stays inside its string), and the script shows it with textContent, never
as HTML.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from importlib.resources import files

import numpy as np
import pandas as pd

from pfocr_enrich.report.pages import PFOCR_FIGURE_URL, STYLE
from pfocr_enrich.species import species_token

PMC_ARTICLE_URL = "https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/"
PADJ_DIGITS = 3  # enough to read and to sort by; more would only make the page bigger
# What the page reads of a result table.
PADJ_COLUMNS = ("set_id", "padj")
BASE36_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
SCRIPT = files("pfocr_enrich.report").joinpath("figure_browser.js").read_text(encoding="utf-8")
BROWSER_STYLE = """
#controls { display: flex; flex-wrap: wrap; gap: 0.4em 1.5em; align-items: center; margin: 0.5em 0; }
#controls input[type=search] { width: 32em; margin: 0; }
#controls label { white-space: nowrap; }
#controls input[type=checkbox] { width: auto; margin: 0 0.3em 0 0; }
th { white-space: nowrap; }
th.num { text-align: right; }
/* fixed layout: the browser need not measure every cell, and columns keep their widths between
   searches; below the minimum width the page scrolls sideways rather than squeeze the genes */
#figures { table-layout: fixed; min-width: 64em; }
#figures td { overflow-wrap: anywhere; }
#count { margin: 0.4em 0; color: #444; }
th button { font: inherit; font-weight: bold; border: none; background: none; padding: 0; cursor: pointer; }
td.genes { max-width: 40em; color: #444; }
td.significant { font-weight: bold; }
mark { background: #ffe58a; color: inherit; }
details { margin: 0.3em 0; color: #444; max-width: 60em; }
#more { margin: 0.8em 0; }
"""


def library_figures(figures: pd.DataFrame, species: str, gene_sets: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """The library's figures: the rows of figures.tsv (`figures`, read as text) of `species`,
    each with `genes`, the symbols of its set (`gene_sets`: set id -> symbols, from the
    library's `_symbol.gmt`), in figures.tsv's order.

    A figure's set id is its set's name in the GMT (figures sharing a collapsed set share it); a
    set the symbol GMT lacks gives no genes rather than dropping the figure.
    """
    token = species_token(species)
    rows = figures[figures["species"].map(species_token) == token].reset_index(drop=True)
    genes = [tuple(gene_sets.get(set_id, ())) for set_id in rows["set_id"]]
    return rows.assign(genes=pd.Series(genes, index=rows.index, dtype=object))


def list_padj(
    blocks: Iterable[pd.DataFrame], set_ids: Sequence[str], lists: Sequence[str]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each of `lists`' padj per figure: list name -> (figure indices, ascending; their padj).

    `blocks`: result rows with `list`, `set_id`, `padj` (combined.result_blocks, which keeps each
    list's rows together); `set_ids`: each figure's set id, in the page's figure order. Figures
    without a row in a list's table are left out. Reading stops once every list has been seen:
    the first lists of 10,000 sit in the first row groups of the Parquet table.
    """
    figures_of_set: dict[str, list[int]] = {}
    for index, set_id in enumerate(set_ids):
        figures_of_set.setdefault(set_id, []).append(index)
    wanted, found = set(lists), {}
    for block in blocks:
        for name, rows in block[block["list"].isin(wanted)].groupby("list", sort=False):
            indices, values = [], []
            for set_id, padj in zip(rows["set_id"], rows["padj"], strict=True):
                for index in figures_of_set.get(str(set_id), ()):
                    indices.append(index)
                    values.append(float(padj))
            order = np.argsort(indices, kind="stable")
            found[str(name)] = (np.asarray(indices, dtype=np.int64)[order], np.asarray(values, dtype=float)[order])
        if wanted <= found.keys():
            break
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=float))
    return {name: found.get(name, empty) for name in lists}


def base36(number: int) -> str:
    """0 -> '0', 35 -> 'z', 36 -> '10': JavaScript reads it back with parseInt(text, 36)."""
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = BASE36_DIGITS[digit] + text
        if not number:
            return text


def compact_link(figlink: str, pmcid: str) -> str:
    """A figure's PMC link as the page stores it: what follows its article's URL (`figure/F1/`;
    empty for the article itself, or when there is no link), else the whole http(s) link.

    figure_browser.js's figureLink reverses it; anything that is not http(s) is dropped.
    """
    article = PMC_ARTICLE_URL.format(pmcid=pmcid) if pmcid else None
    if article and figlink.startswith(article):
        return figlink[len(article) :]
    return figlink if figlink.startswith(("https://", "http://")) else ""


def round_padj(values: np.ndarray) -> list[float]:
    return [float(f"{value:.{PADJ_DIGITS}g}") for value in values]


def browser_data(
    library: str,
    figures: pd.DataFrame,
    padj: Mapping[str, tuple[np.ndarray, np.ndarray]],
    n_lists: int,
    alpha: float,
) -> dict:
    """What the page holds, as columns: `figures` from library_figures, `padj` from list_padj
    (the lists shown, in picker order), `n_lists` the lists the library was tested with."""
    counts = Counter(symbol for genes in figures["genes"] for symbol in genes)
    # Commonest first: their numbers are the shortest in every figure that has them.
    symbols = sorted(counts, key=lambda symbol: (-counts[symbol], symbol))
    code = {symbol: base36(number) for number, symbol in enumerate(symbols)}
    return {
        "library": library,
        "alpha": alpha,
        "n_lists": n_lists,
        "pfocr_url": PFOCR_FIGURE_URL,
        "pmc_article_url": PMC_ARTICLE_URL,
        "figid": figures["figid"].tolist(),
        "title": figures["title"].tolist(),
        "year": [int(year) if str(year).isdigit() else None for year in figures["year"]],
        "pmcid": figures["pmcid"].tolist(),
        "link": [compact_link(link, pmcid) for link, pmcid in zip(figures["figlink"], figures["pmcid"], strict=True)],
        "symbols": symbols,
        "genes": [" ".join(code[symbol] for symbol in genes) for genes in figures["genes"]],
        "lists": [
            {"name": name, "figures": indices.tolist(), "padj": round_padj(values)}
            for name, (indices, values) in padj.items()
        ],
    }


def script_json(value: object) -> str:
    """`value` as JSON safe inside <script type="application/json">: `<`, `>`, `&` as \\u escapes
    (JSON.parse reads them back), so no record text can close the element or open a comment."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def browser_page(data: Mapping) -> str:
    """The page: controls, an empty table the script fills, the data and the script."""
    library, n_figures, shown = str(data["library"]), len(data["figid"]), len(data["lists"])
    if shown < data["n_lists"]:
        lists_note = (
            f"The library was tested with {data['n_lists']:,} lists; the picker holds the first {shown:,} "
            "(report.max_list_plots). Every list's table is in results/enrichment/."
        )
    elif shown:
        lists_note = f"padj: the figure's adjusted p in the picked list ({shown:,} lists tested)."
    else:
        lists_note = "No gene list has been tested against this library: figures only."
    picker = (
        '<label>List <select id="list"></select></label>'
        '<label><input type="checkbox" id="significant"> significant only '
        f"(padj &lt;= {float(data['alpha']):g})</label>"
        if shown
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Figures: {html.escape(library)}</title>
<style>{STYLE}{BROWSER_STYLE}</style></head><body>
<h2>Figures: {html.escape(library)}</h2>
<p>{n_figures:,} figures. {html.escape(lists_note)}</p>
<details><summary>How the search works</summary>
<p>Type words separated by spaces; a figure must match every word (case does not matter). A word
that is a gene symbol of this library must be among the figure's genes; a figure ID or a PMC ID
(PMC6305783) picks that figure or that article's figures; any other word must occur in the title
(<kbd>kinase</kbd> matches "Kinases"). Click a column header to sort by it, again to reverse.
PMC: the figure in its article; PFOCR: the figure's PFOCR page.</p></details>
<div id="controls"><input id="search" type="search" placeholder="Search: genes, title words, figure or PMC IDs"
 autocomplete="off" autofocus>{picker}</div>
<div id="count"></div>
<noscript><p>The figure browser needs JavaScript.</p></noscript>
<table id="figures"><thead><tr></tr></thead><tbody></tbody></table>
<button id="more" type="button" hidden>Show more</button>
<script type="application/json" id="figure-data">{script_json(dict(data))}</script>
<script>{SCRIPT}</script>
</body></html>
"""
