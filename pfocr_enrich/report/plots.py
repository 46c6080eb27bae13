"""Plots of enrichment results: per list (dot, bar), per library (heat map, set sizes, p-values).

Every figure row is a cluster of redundant figures (enrich/redundancy.py) shown by its representative,
so twenty rows are twenty different answers. Colours are colour-blind safe: viridis for
-log10 padj, Okabe-Ito blue for bars and vermillion for the significance line. Record text is
drawn as plain text (no mathtext: a `$` in a title is a dollar sign). Files are reproducible:
no dates in SVG/PNG metadata and fixed SVG element ids.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter
from scipy.cluster.hierarchy import leaves_list, linkage

from pfocr_enrich.enrich.redundancy import table_clusters

log = logging.getLogger(__name__)

BLUE, VERMILLION, GREY = "#0072B2", "#D55E00", "#999999"  # Okabe & Ito (2008)
COLOUR_MAP = "viridis"
STYLE = {
    "text.parse_math": False,
    "svg.hashsalt": "pfocr-enrich",
    "svg.fonttype": "path",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
TITLE_CHARS = 48
HEATMAP_MAX_LISTS = 50
PVALUE_BINS = np.linspace(0, 1, 21)
PROGRESS_SECONDS = 5.0
X_AXIS_LABELS = {"fold_enrichment": "Fold enrichment (k/n) / (m/N)", "gene_ratio": "Gene ratio (k/n)"}


@dataclass(frozen=True)
class PlotSettings:
    top_n: int = 20
    x_axis: str = "fold_enrichment"  # or "gene_ratio"
    heatmap_rows: int = 50
    cluster_jaccard: float = 0.5
    alpha: float = 0.05


def minus_log10(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """-log10 of p-values, with p = 0 (below the double range) shown as 1e-300."""
    return -np.log10(np.clip(np.asarray(values, dtype=float), 1e-300, 1.0))


def figure_label(set_id: str, set_name: str, members: int = 1) -> str:
    """`Shortened title [figid] (+N similar)`; a collapsed `a;b;c` set_id shows its first figid."""
    figids = str(set_id).split(";")
    figid = figids[0] + (f" +{len(figids) - 1} identical" if len(figids) > 1 else "")
    title = " ".join(str(set_name).split())
    if title.removesuffix(".jpg") == figids[0].removesuffix(".jpg") or not title:
        label = figid  # libraries such as PFOCR's 2021 GMT name sets by figid only
    else:
        short = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "\u2026"
        label = f"{short} [{figid}]"
    return label + (f" (+{members - 1} similar)" if members > 1 else "")


def cluster_rows(table: pd.DataFrame, settings: PlotSettings) -> pd.DataFrame:
    """One row per cluster of significant figures (its representative, with `members`), plus
    non-significant rows as they are, sorted by padj then p-value then set_id."""
    clusters = table_clusters(table, settings.alpha, settings.cluster_jaccard)
    members = clusters[clusters != ""].value_counts()
    keep = (clusters == "") | (clusters == table["set_id"].astype(str))
    rows = table[keep].copy()
    rows["members"] = clusters[keep].map(members).fillna(1).astype(int).to_numpy()
    return rows.sort_values(["padj", "pvalue", "set_id"], kind="mergesort").reset_index(drop=True)


def _title(fig: Figure, title: str) -> None:
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)


def _empty(fig: Figure, message: str) -> Figure:
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", color="#444444", wrap=True)
    return fig


def _top_rows_figure(rows: pd.DataFrame, title: str, settings: PlotSettings) -> tuple[pd.DataFrame, Figure]:
    """The top clusters and a figure sized for them (with a message when there are none)."""
    top = rows.head(settings.top_n)
    fig = Figure(figsize=(10, 1.6 + 0.3 * max(len(top), 3)), layout="constrained")
    if top.empty:
        _empty(fig, f"{title}\nNo figure shares a gene with this list.")
    return top, fig


def dot_plot(rows: pd.DataFrame, title: str, settings: PlotSettings) -> Figure:
    """Top clusters by padj: x = fold enrichment or gene ratio, size = overlap, colour = -log10 padj."""
    top, fig = _top_rows_figure(rows, title, settings)
    if top.empty:
        return fig
    ax = fig.add_subplot()
    y = np.arange(len(top))[::-1]
    x = top[settings.x_axis].to_numpy(dtype=float)
    overlap = top["overlap"].to_numpy(dtype=float)
    sizes = 30 + 270 * (overlap / overlap.max())
    dots = ax.scatter(x, y, s=sizes, c=minus_log10(top["padj"]), cmap=COLOUR_MAP, edgecolors="black", linewidths=0.4)
    ax.set_yticks(y, [figure_label(*r) for r in top[["set_id", "set_name", "members"]].itertuples(index=False)])
    ax.set_ylim(-0.8, len(top) - 0.2)
    ax.set_xlabel(X_AXIS_LABELS[settings.x_axis])
    ax.margins(x=0.15)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    fig.colorbar(dots, ax=ax, shrink=0.6, pad=0.01).set_label("-log10 padj")
    for value in sorted({int(overlap.min()), int(np.median(overlap)), int(overlap.max())}):
        ax.scatter(
            [], [], s=30 + 270 * value / overlap.max(), color=GREY, edgecolors="black", linewidths=0.4, label=str(value)
        )
    fig.legend(title="Overlap (genes)", loc="outside right lower", frameon=False, fontsize=8, title_fontsize=8)
    _title(fig, title)
    return fig


def bar_plot(rows: pd.DataFrame, title: str, settings: PlotSettings) -> Figure:
    """-log10 padj of the top clusters, with the significance threshold marked."""
    top, fig = _top_rows_figure(rows, title, settings)
    if top.empty:
        return fig
    ax = fig.add_subplot()
    y = np.arange(len(top))[::-1]
    significant = top["padj"].to_numpy(dtype=float) <= settings.alpha
    ax.barh(y, minus_log10(top["padj"]), color=np.where(significant, BLUE, GREY), height=0.7)
    ax.axvline(
        -np.log10(settings.alpha), color=VERMILLION, linestyle="--", linewidth=1, label=f"padj = {settings.alpha:g}"
    )
    ax.set_yticks(y, [figure_label(*r) for r in top[["set_id", "set_name", "members"]].itertuples(index=False)])
    ax.set_ylim(-0.8, len(top) - 0.2)
    ax.set_xlabel("-log10 padj")
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    _title(fig, title)
    return fig


def heatmap(matrix: pd.DataFrame, labels: Sequence[str], title: str) -> Figure:
    """-log10 padj, figure clusters x lists; rows ordered by hierarchical clustering."""
    fig = Figure(
        figsize=(min(4 + 0.35 * matrix.shape[1] + 5, 24), 1.8 + 0.28 * max(matrix.shape[0], 3)), layout="constrained"
    )
    if matrix.empty:
        return _empty(fig, f"{title}\nNo figure is significant in any list.")
    values = matrix.to_numpy(dtype=float)
    order = (
        leaves_list(linkage(values, method="average", optimal_ordering=True))
        if len(values) > 2
        else np.arange(len(values))
    )
    ax = fig.add_subplot()
    image = ax.imshow(values[order], aspect="auto", cmap=COLOUR_MAP, interpolation="nearest", vmin=0)
    ax.set_yticks(np.arange(len(order)), [labels[i] for i in order])
    ax.set_xticks(np.arange(matrix.shape[1]), matrix.columns, rotation=60, ha="right")
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, shrink=0.6, pad=0.01).set_label("-log10 padj (0: not in the list's table)")
    _title(fig, title)
    return fig


def set_size_histogram(set_sizes: Sequence[int], settings_range: tuple[int, int], title: str) -> Figure:
    """Gene set sizes as written in the GMT, log-scaled, with the tested size range marked."""
    fig = Figure(figsize=(7, 4), layout="constrained")
    sizes = np.asarray(set_sizes, dtype=float)
    if sizes.size == 0:
        return _empty(fig, f"{title}\nThe library has no gene sets.")
    ax = fig.add_subplot()
    bins = np.unique(np.round(np.geomspace(1, max(sizes.max(), 2) + 1, 40)))
    ax.hist(sizes, bins=bins, color=BLUE, edgecolor="white", linewidth=0.4)
    ax.set_xscale("log")
    # Plain numbers: log axes label ticks with mathtext, which STYLE turns off for record text.
    ticks = [
        t for t in (1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if t <= max(bins[-1], settings_range[1])
    ]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    for bound in settings_range:
        ax.axvline(bound, color=VERMILLION, linestyle="--", linewidth=1)
    ax.set_xlabel(f"Genes per set (dashed: tested range {settings_range[0]}..{settings_range[1]})")
    ax.set_ylabel("Gene sets")
    _title(fig, f"{title}\n{sizes.size:,} gene sets, median size {np.median(sizes):g}")
    return fig


def pvalue_histogram(counts: np.ndarray, n_lists: int, title: str) -> Figure:
    """Pooled p-values of every list's overlapping sets (counts over PVALUE_BINS)."""
    fig = Figure(figsize=(7, 4), layout="constrained")
    if counts.sum() == 0:
        return _empty(fig, f"{title}\nNo list shares a gene with any set.")
    ax = fig.add_subplot()
    ax.stairs(counts, PVALUE_BINS, fill=True, color=BLUE, edgecolor="white")
    ax.set_xlabel("p-value (sets sharing at least one gene with the list)")
    ax.set_ylabel("List x set tests")
    ax.set_xlim(0, 1)
    _title(fig, f"{title}\n{int(counts.sum()):,} p-values from {n_lists:,} lists")
    return fig


def save_figure(fig: Figure, png: Path, svg: Path) -> None:
    """PNG (150 dpi) and SVG without dates. Figures are pyplot-free: nothing global to close."""
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=150, metadata={"Software": None})
    fig.savefig(svg, metadata={"Date": None, "Creator": None})


@dataclass(frozen=True)
class LibraryPlots:
    """Where one library's plots go; per-list plots map list name -> path."""

    dotplot_png: Mapping[str, Path]
    dotplot_svg: Mapping[str, Path]
    barplot_png: Mapping[str, Path]
    barplot_svg: Mapping[str, Path]
    heatmap_png: Path
    heatmap_svg: Path
    set_sizes_png: Path
    set_sizes_svg: Path
    pvalues_png: Path
    pvalues_svg: Path


def heatmap_matrix(significant: pd.DataFrame, max_rows: int) -> tuple[pd.DataFrame, list[str]]:
    """Rows: cluster representatives significant in any list (the `max_rows` with the smallest
    padj anywhere); columns: the lists with the most significant clusters (at most 50).
    `significant`: significant_clusters' rows of every list, with a `list` column."""
    if significant.empty:
        return pd.DataFrame(), []
    per_list = significant.groupby("list", sort=False).size()
    # most clusters first, ties in list order; then shown in name order
    ranked = sorted(per_list.index, key=lambda name: -per_list[name])
    lists = sorted(ranked[:HEATMAP_MAX_LISTS])
    stacked = significant[significant["list"].isin(lists)]
    best = stacked.sort_values(["padj", "set_id"]).drop_duplicates("set_id").head(max_rows)
    matrix = (
        stacked[stacked["set_id"].isin(best["set_id"])]
        .assign(score=lambda t: minus_log10(t["padj"]))
        .pivot_table(index="set_id", columns="list", values="score", aggfunc="max", fill_value=0.0)
        .reindex(index=best["set_id"], columns=lists, fill_value=0.0)
    )
    members = stacked.groupby("set_id")["members"].max()
    names = best.set_index("set_id")["set_name"]
    return matrix, [figure_label(s, names[s], int(members[s])) for s in matrix.index]


def significant_clusters(block: pd.DataFrame, settings: PlotSettings) -> pd.DataFrame:
    """The significant cluster representatives (list, set_id, set_name, padj, members) of a block
    of lists' rows (combined.result_blocks): what the heat map needs, for thousands of lists at once."""
    rows = block[block["padj"].to_numpy(dtype=float) <= settings.alpha]
    if "cluster" in rows:
        clusters = rows["cluster"].astype(str)
    else:  # a table written without one: cluster list by list
        parts = [table_clusters(part, settings.alpha, settings.cluster_jaccard) for _, part in rows.groupby("list")]
        clusters = pd.concat(parts).reindex(rows.index) if parts else pd.Series("", index=rows.index)
    # "": not clustered (report.cluster_jaccard null): each row its own
    set_ids = rows["set_id"].astype(str)
    own = clusters.where(clusters != "", set_ids)
    members = pd.Series(1, index=rows.index).groupby([rows["list"], own]).transform("size")
    is_representative = (own == set_ids).to_numpy()
    return rows.loc[is_representative, ["list", "set_id", "set_name", "padj"]].assign(
        members=members[is_representative].to_numpy(dtype=int)
    )


# What the plots read of a result table (the `cluster` column saves re-clustering overlap genes).
PLOT_COLUMNS = (
    "set_id",
    "set_name",
    "set_size",
    "overlap",
    "pvalue",
    "padj",
    "fold_enrichment",
    "gene_ratio",
    "cluster",
)


def render_library(
    library: str,
    gmt_set_sizes: Sequence[int],
    blocks: Iterable[pd.DataFrame],
    lists: Sequence[str],
    out: LibraryPlots,
    settings: PlotSettings,
    size_range: tuple[int, int],
) -> None:
    """Every plot of one library: per-list dot and bar plots (the lists in out.dotplot_png),
    then the library-wide ones. `blocks`: the library's result rows (combined.result_blocks,
    PLOT_COLUMNS at least), a block of lists at a time so that thousands of lists cost little."""
    started = last_report = time.monotonic()
    significant = []
    pvalue_counts = np.zeros(len(PVALUE_BINS) - 1)
    plotted = set(out.dotplot_png)
    tables: dict[str, pd.DataFrame] = {}
    seen: set[str] = set()
    with rc_context(STYLE):
        for block in blocks:
            pvalue_counts += np.histogram(block["pvalue"].to_numpy(dtype=float), bins=PVALUE_BINS)[0]
            significant.append(significant_clusters(block, settings))
            if plotted:
                for name, table in block[block["list"].isin(plotted)].groupby("list", sort=False):
                    tables[str(name)] = table.drop(columns="list").reset_index(drop=True)
            seen.update(block["list"].unique())
            if time.monotonic() - last_report >= PROGRESS_SECONDS:
                last_report = time.monotonic()
                log.info("%s: read the rows of %d/%d lists", library, len(seen), len(lists))
        empty = pd.DataFrame({column: pd.Series(dtype=float) for column in PLOT_COLUMNS})
        for name in (name for name in lists if name in plotted):  # up to report.max_list_plots lists
            rows = cluster_rows(tables.get(name, empty), settings)
            n_sig = int((rows["padj"] <= settings.alpha).sum())
            clusters = "cluster" if n_sig == 1 else "clusters"
            caption = f"{name} vs {library}\n{n_sig} significant figure {clusters} (padj <= {settings.alpha:g})"
            save_figure(dot_plot(rows, caption, settings), out.dotplot_png[name], out.dotplot_svg[name])
            save_figure(bar_plot(rows, caption, settings), out.barplot_png[name], out.barplot_svg[name])
        stacked = pd.concat(significant, ignore_index=True) if significant else pd.DataFrame()
        matrix, labels = heatmap_matrix(stacked, settings.heatmap_rows)
        save_figure(
            heatmap(matrix, labels, f"{library}\n-log10 padj of figure clusters significant in any list"),
            out.heatmap_png,
            out.heatmap_svg,
        )
        save_figure(set_size_histogram(gmt_set_sizes, size_range, library), out.set_sizes_png, out.set_sizes_svg)
        save_figure(pvalue_histogram(pvalue_counts, len(lists), library), out.pvalues_png, out.pvalues_svg)
    log.info("%s: plots of %d lists in %.1f s", library, len(lists), time.monotonic() - started)
