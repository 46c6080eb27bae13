"""Self-contained HTML pages for the Snakemake report: significant figures per library, provenance.

Snakemake 9's report shows HTML, images and PDFs, but offers TSVs only as downloads, so the
tables people browse are written here. Every value from records or user files goes through
html.escape (a figure title `<script>` must show as text), links are kept only when they are
http(s), and figids are URL-quoted in PFOCR links.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from urllib.parse import quote

import pandas as pd

from pfocr_enrich.enrichment.redundancy import block_clusters

PFOCR_FIGURE_URL = "https://pfocr.wikipathways.org/figures/{figid}.html"
STYLE = """
body { font-family: system-ui, sans-serif; font-size: 13px; margin: 1em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.member td { color: #666; }
input { margin: 0.5em 0; padding: 3px; width: 30em; }
"""
# Filters rows by text; only reads the table, so escaped text stays text.
FILTER_SCRIPT = """
document.getElementById('filter').addEventListener('input', function (event) {
  const needle = event.target.value.toLowerCase();
  for (const row of document.querySelectorAll('tbody tr')) {
    row.style.display = row.textContent.toLowerCase().includes(needle) ? '' : 'none';
  }
});
"""


def pfocr_url(figid: str) -> str:
    return PFOCR_FIGURE_URL.format(figid=quote(figid.removesuffix(".jpg"), safe=""))


def _link(url: str, text: str) -> str:
    if not url.startswith(("https://", "http://")):
        return ""
    return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">{html.escape(text)}</a>'


def _page(title: str, intro: str, body: str, with_filter: bool = False) -> str:
    search = (
        '<input id="filter" type="search" placeholder="Filter rows (list, figure, gene ...)">' if with_filter else ""
    )
    script = f"<script>{FILTER_SCRIPT}</script>" if with_filter else ""
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h2>{html.escape(title)}</h2><p>{html.escape(intro)}</p>"
        f"{search}{body}{script}</body></html>\n"
    )


def _number(value: float) -> str:
    return f"{value:.3g}"


def significant_page(
    library: str,
    rows: pd.DataFrame,
    n_rows: int,
    n_lists: int,
    alpha: float,
    threshold: float,
    max_rows: int,
    cover: pd.DataFrame | None = None,
) -> str:
    """One library's significant figures, every list, sorted by list then padj.

    `rows`: significant_rows' of the lists (at least the top_rows of them); `n_rows`, `n_lists`:
    how many significant rows there are, in how many lists. Representatives show their cluster
    size, members name their representative. At most `max_rows` rows (the smallest padj).
    `cover`: the lists' covering sets (tables.COVER_COLUMNS), shown first (at most `max_rows`).
    """
    shown = top_rows(rows, max_rows)
    shown = shown.sort_values(["list", "padj", "pvalue", "set_id"], kind="mergesort")
    header = ["List", "Figure", "Cluster", "padj", "Fold enr.", "Overlap", "Genes", "Year", "PMC", "PFOCR"]
    body_rows = []
    for row in shown.itertuples(index=False):
        set_id, cluster = str(row.set_id), str(row.cluster)
        figid = set_id.split(";")[0]
        if cluster == set_id:
            cluster_text = f"representative of {int(row.cluster_size)}"
        else:
            cluster_text = f"similar to {cluster}"
        cells = [
            html.escape(str(row.list)),
            f"{html.escape(str(row.set_name))}<br><small>{html.escape(set_id)}</small>",
            html.escape(cluster_text),
            _number(float(row.padj)),
            _number(float(row.fold_enrichment)),
            f"{int(row.overlap)}/{int(row.query_size)}",
            html.escape(str(row.overlap_symbols).replace("/", " ")),
            html.escape(str(row.year)),
            _link(str(row.link), str(row.pmcid) or "figure"),
            _link(pfocr_url(figid), "PFOCR"),
        ]
        numeric = {3, 4, 5}
        body_rows.append(
            f'<tr class="{"rep" if cluster == set_id else "member"}">'
            + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(cells))
            + "</tr>"
        )
    cut = f" Showing the {max_rows:,} with the smallest padj." if n_rows > max_rows else ""
    intro = (
        f"{n_rows:,} significant list x figure rows (padj <= {alpha:g}) in {n_lists:,} lists.{cut} "
        f"Figures whose overlap genes have Jaccard >= {threshold:g} with another's form one cluster (single "
        "linkage), named after its lowest-p member. PMC: the figure in the article; PFOCR: the figure's page."
    )
    table = (
        "<table><thead><tr>"
        + "".join(f"<th>{h}</th>" for h in header)
        + "</tr></thead><tbody>"
        + "\n".join(body_rows)
        + "</tbody></table>"
    )
    return _page(f"Significant figures: {library}", intro, cover_table(cover, max_rows) + table, with_filter=True)


def cover_table(cover: pd.DataFrame | None, max_rows: int) -> str:
    """The covering sets of each list: the few significant sets that together hold its overlap genes."""
    if cover is None or cover.empty:
        return ""
    shown = cover.head(max_rows)
    body = "\n".join(
        "<tr>"
        + f"<td>{html.escape(str(row.list))}</td>"
        + f"<td>{html.escape(str(row.set_name))}<br><small>{html.escape(str(row.set_id))}</small></td>"
        + f'<td class="num">{_number(float(row.padj))}</td>'
        + f'<td class="num">{int(row.n_new_genes)}</td>'
        + f'<td class="num">{float(row.coverage):.0%}</td>'
        + "</tr>"
        for row in shown.itertuples(index=False)
    )
    cut = f" (the first {max_rows:,} rows)" if len(cover) > max_rows else ""
    return (
        f"<h3>Covering sets{cut}</h3><p>Per list, the few significant sets that together hold most of its "
        "overlap genes (WebGestalt's weighted set cover: each step takes the set with the most newly covered "
        "genes times -log10 p). Coverage: share of the overlap genes of all significant sets covered so far.</p>"
        "<table><thead><tr><th>List</th><th>Set</th><th>padj</th><th>New genes</th><th>Coverage</th></tr></thead>"
        f"<tbody>{body}</tbody></table><h3>Every significant row</h3>"
    )


def provenance_page(rows: Iterable[Sequence[str]]) -> str:
    """(section, item, value) rows (provenance.provenance_rows) as one table."""
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    table = f"<table><thead><tr><th>Section</th><th>Item</th><th>Value</th></tr></thead><tbody>{body}</tbody></table>"
    return _page(
        "Provenance",
        "Package versions, the configuration as run, and the SHA-256 of every input (results/provenance.json).",
        table,
    )


# What the page reads of a result table (the `cluster` column saves re-clustering overlap genes).
PAGE_COLUMNS = (
    "set_id",
    "set_name",
    "overlap",
    "query_size",
    "pvalue",
    "padj",
    "fold_enrichment",
    "overlap_symbols",
    "pmcid",
    "year",
    "link",
    "cluster",
)


def significant_rows(block: pd.DataFrame, alpha: float, threshold: float) -> pd.DataFrame:
    """A block of lists' significant rows (combined.result_blocks, with `list`) with `cluster`
    and `cluster_size` (figures in the row's cluster, in its list)."""
    rows = block[block["padj"].astype(float) <= alpha]
    clusters = block_clusters(rows, alpha, threshold)
    sizes = pd.Series(1, index=rows.index).groupby([rows["list"], clusters]).transform("size")
    return rows.assign(cluster=clusters, cluster_size=sizes)


def top_rows(rows: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """The `max_rows` rows with the smallest padj (then p, then set_id): what the page shows."""
    return rows.sort_values(["padj", "pvalue", "set_id"], kind="mergesort").head(max_rows)
