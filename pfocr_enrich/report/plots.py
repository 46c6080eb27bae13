"""Plots of enrichment results: per list (dot, bar), per library (heat map, set sizes, p-values).

Every row is a cluster of redundant sets (enrichment/redundancy.py) shown by its representative,
so twenty rows are twenty different answers. Per-list plots show significant clusters only
(padj <= alpha); a list with none shows its top rows in grey with the cut marked, and says so.
The colour of -log10 padj stops at PADJ_COLOUR_CAP (its tick reads "50+"), so one p of 1e-235
does not paint every other row the same colour. Colours are colour-blind safe: viridis for
-log10 padj, Okabe-Ito blue for bars and vermillion for the significance line. Record text is
drawn as plain text (no mathtext: a `$` in a title is a dollar sign). Files are reproducible:
no dates in SVG/PNG metadata and fixed SVG element ids.

"Figure" is said only of PFOCR libraries (PlotSettings.pfocr_library), "set" of any other.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.colorbar import Colorbar
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator, NullFormatter
from scipy.cluster.hierarchy import leaves_list, linkage

from pfocr_enrich.enrichment.redundancy import block_clusters, table_clusters

log = logging.getLogger(__name__)

BLUE, VERMILLION, GREY = "#0072B2", "#D55E00", "#999999"  # Okabe & Ito (2008)
COLOUR_MAP = "viridis"
STYLE = {
    "text.parse_math": False,
    "svg.hashsalt": "pfocr-enrich",
    # Text as <text> elements, not glyph paths: 3x faster to write, a quarter of the size, and
    # the labels stay searchable; viewers without DejaVu Sans substitute a sans-serif font.
    "svg.fonttype": "none",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
TITLE_CHARS = 48  # a PFOCR figure title, before its [figid]
SET_LABEL_CHARS = 60  # another library's description (GO term names run long)
# Colours of -log10 padj stop here: beyond 1e-50 every p is "very significant", and one
# p of 1e-235 would otherwise squeeze every other row into one colour. The colour bar's top
# tick then reads "50+".
PADJ_COLOUR_CAP = 50.0
HEATMAP_MAX_LISTS = 50
PVALUE_BINS = np.linspace(0, 1, 21)
PROGRESS_SECONDS = 5.0
X_AXIS_LABELS = {"fold_enrichment": "Fold enrichment (k/n) / (m/N)", "gene_ratio": "Gene ratio (k/n)"}
URL = re.compile(r"^(https?|ftp)://", re.IGNORECASE)
PFOCR_FIGID = re.compile(r"^PMC\d+__\S")
# Per-list plot layout in inches. Fixed margins sized from the labels: constrained layout
# measured every text twice per plot and took half the time of a per-list plot.
PLOT_WIDTH, ROW_HEIGHT, MIN_ROWS, BOTTOM_MARGIN = 4.5, 0.3, 6, 0.55
DOT_RIGHT_MARGIN, BAR_RIGHT_MARGIN = 1.6, 0.3  # the dot plot's: colour bar, size legend
_TEXT_WIDTH = TextToPath()


@dataclass(frozen=True)
class PlotSettings:
    top_n: int = 20
    x_axis: str = "fold_enrichment"  # or "gene_ratio"
    heatmap_rows: int = 50
    cluster_jaccard: float = 0.5
    alpha: float = 0.05
    # A PFOCR library's sets are pathway figures: labels carry the figid, text says "figure".
    pfocr_library: bool = True

    @property
    def noun(self) -> str:
        return "figure" if self.pfocr_library else "set"


def is_pfocr_library(built_here: bool, set_ids: Iterable[str]) -> bool:
    """A library built from this run's records, or one whose every set id is a PFOCR figid
    (`PMC<digits>__...`, as PFOCR's published GMTs name sets); any other library has "sets"."""
    if built_here:
        return True
    ids = [str(set_id) for set_id in set_ids]
    return bool(ids) and all(PFOCR_FIGID.match(set_id) for set_id in ids)


def minus_log10(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """-log10 of p-values, with p = 0 (below the double range) shown as 1e-300."""
    return -np.log10(np.clip(np.asarray(values, dtype=float), 1e-300, 1.0))


def _shorten(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "\u2026"


def _shorten_middle(text: str, chars: int) -> str:
    """Long set names lose their middle: the end often carries the term's id, `... (GO:0006357)`."""
    if len(text) <= chars:
        return text
    tail = chars // 3
    return text[: chars - tail - 1].rstrip() + "\u2026" + text[-tail:].lstrip()


def figure_label(set_id: str, set_name: str, members: int = 1, pfocr: bool = True) -> str:
    """A row's label. PFOCR: `Shortened title [figid] (+N similar)`, a collapsed `a;b;c` set_id
    showing its first figid. Other libraries: the description (GMT column 2) unless it is empty,
    the set's name again, or a URL (MSigDB's column 2), then the set name."""
    set_ids = str(set_id).split(";")
    first = set_ids[0]
    identical = f" +{len(set_ids) - 1} identical" if len(set_ids) > 1 else ""
    title = " ".join(str(set_name).split())
    described = bool(title) and not URL.match(title) and title.removesuffix(".jpg") != first.removesuffix(".jpg")
    if not pfocr:
        label = _shorten_middle(title if described else first, SET_LABEL_CHARS) + identical
    elif described:
        label = f"{_shorten(title, TITLE_CHARS)} [{first}{identical}]"
    else:
        label = first + identical  # libraries such as PFOCR's 2021 GMT name sets by figid only
    return label + (f" (+{members - 1} similar)" if members > 1 else "")


def cluster_rows(table: pd.DataFrame, settings: PlotSettings) -> pd.DataFrame:
    """One row per cluster of significant sets (its representative, with `members`), plus
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


@dataclass(frozen=True)
class ShownRows:
    """What a per-list plot draws: the significant clusters (at most top_n), or, when none is
    significant, the top_n rows by padj drawn grey; `caption` says which."""

    rows: pd.DataFrame
    labels: list[str]
    significant: bool
    caption: str


def shown_rows(rows: pd.DataFrame, settings: PlotSettings) -> ShownRows:
    noun, cut = settings.noun, f"padj <= {settings.alpha:g}"
    is_significant = rows["padj"].to_numpy(dtype=float) <= settings.alpha
    n_significant = int(is_significant.sum())
    if n_significant:
        top = rows[is_significant].head(settings.top_n)
        clusters = "cluster" if n_significant == 1 else "clusters"
        caption = f"{n_significant} significant {noun} {clusters} ({cut})"
        if n_significant > len(top):
            caption += f", the top {len(top)} shown"
    elif len(rows):
        top = rows.head(settings.top_n)
        caption = f"No {noun} reaches {cut}: the {len(top)} with the lowest padj, in grey"
    else:
        top = rows
        caption = f"No {noun} shares a gene with this list."
    labels = [
        figure_label(*r, pfocr=settings.pfocr_library)
        for r in top[["set_id", "set_name", "members"]].itertuples(index=False)
    ]
    return ShownRows(top, labels, bool(n_significant), caption)


def _rows_figure(shown: ShownRows, title: str, right_margin: float) -> tuple[Figure, Axes | None]:
    """A figure whose left margin fits the row labels, its axes one ROW_HEIGHT a row."""
    text = f"{title}\n{shown.caption}"
    top_margin = 0.15 + 0.19 * (text.count("\n") + 1)
    font = FontProperties(size="medium")  # tick labels: rcParams ytick.labelsize
    label_width = max((_TEXT_WIDTH.get_text_width_height_descent(s, font, False)[0] for s in shown.labels), default=0)
    left = max(label_width / 72 + 0.2, 0.5)
    width = left + PLOT_WIDTH + right_margin
    height = top_margin + ROW_HEIGHT * max(len(shown.rows), MIN_ROWS) + BOTTOM_MARGIN
    fig = Figure(figsize=(width, height))
    fig.suptitle(text, x=0.1 / width, y=1 - 0.08 / height, ha="left", va="top", fontsize=10)
    if shown.rows.empty:
        fig.text(0.5, 0.4, "(nothing to plot)", ha="center", va="center", color="#444444")
        return fig, None
    axes_box = [left / width, BOTTOM_MARGIN / height, PLOT_WIDTH / width, 1 - (top_margin + BOTTOM_MARGIN) / height]
    ax = fig.add_axes(axes_box)
    y = np.arange(len(shown.rows))[::-1]
    ax.set_yticks(y, shown.labels)
    ax.set_ylim(-0.8, len(shown.rows) - 0.2)
    return fig, ax


def padj_colours(values: np.ndarray, vmin: float) -> tuple[np.ndarray, float, bool]:
    """(-log10 padj clipped at PADJ_COLOUR_CAP, the scale's top, whether any was clipped)."""
    clipped = values > PADJ_COLOUR_CAP
    shown = np.minimum(values, PADJ_COLOUR_CAP)
    top = PADJ_COLOUR_CAP if clipped.any() else max(float(shown.max(initial=vmin)), vmin + 1.0)
    return shown, top, bool(clipped.any())


def _padj_colour_bar(colour_bar: Colorbar, vmin: float, top: float, clipped: bool, label: str) -> None:
    """Ticks of the -log10 padj colour bar; its top one reads "50+" when values were clipped."""
    if clipped:
        ticks = [t for t in MaxNLocator(5).tick_values(vmin, top) if vmin <= t < 0.9 * top]
        colour_bar.set_ticks([*ticks, top], labels=[f"{t:g}" for t in ticks] + [f"{top:g}+"])
    colour_bar.set_label(label)


def dot_plot(rows: pd.DataFrame, title: str, settings: PlotSettings) -> Figure:
    """Significant clusters by padj: x = fold enrichment or gene ratio, size = overlap, colour =
    -log10 padj (capped). With none significant, the top rows as grey dots, and the caption says so."""
    shown = shown_rows(rows, settings)
    fig, ax = _rows_figure(shown, title, DOT_RIGHT_MARGIN)
    if ax is None:
        return fig
    top = shown.rows
    y = np.arange(len(top))[::-1]
    x = top[settings.x_axis].to_numpy(dtype=float)
    overlap = top["overlap"].to_numpy(dtype=float)
    sizes = 30 + 270 * (overlap / overlap.max())
    style = {"s": sizes, "edgecolors": "black", "linewidths": 0.4}
    if shown.significant:
        vmin = float(-np.log10(settings.alpha))
        colours, vmax, clipped = padj_colours(minus_log10(top["padj"]), vmin)
        dots = ax.scatter(x, y, c=colours, cmap=COLOUR_MAP, vmin=vmin, vmax=vmax, **style)
    else:
        dots = ax.scatter(x, y, color=GREY, **style)
    ax.set_xlabel(X_AXIS_LABELS[settings.x_axis])
    ax.margins(x=0.15)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    box = ax.get_position()
    inch = 1 / fig.get_figwidth()
    if shown.significant:
        colour_axes = fig.add_axes([box.x1 + 0.2 * inch, box.y0 + 0.55 * box.height, 0.15 * inch, 0.45 * box.height])
        colour_bar = fig.colorbar(dots, cax=colour_axes)
        _padj_colour_bar(colour_bar, vmin, vmax, clipped, "-log10 padj")
    for value in sorted({int(overlap.min()), int(np.median(overlap)), int(overlap.max())}):
        ax.scatter(
            [], [], s=30 + 270 * value / overlap.max(), color=GREY, edgecolors="black", linewidths=0.4, label=str(value)
        )
    fig.legend(
        title="Overlap (genes)",
        loc="lower left",
        bbox_to_anchor=(box.x1 + 0.1 * inch, box.y0),
        frameon=False,
        fontsize=8,
        title_fontsize=8,
    )
    return fig


def bar_plot(rows: pd.DataFrame, title: str, settings: PlotSettings) -> Figure:
    """-log10 padj of the significant clusters (or of the top rows, grey, when none is), with the
    padj cut marked as a dashed vermillion line."""
    shown = shown_rows(rows, settings)
    fig, ax = _rows_figure(shown, title, BAR_RIGHT_MARGIN)
    if ax is None:
        return fig
    y = np.arange(len(shown.rows))[::-1]
    ax.barh(y, minus_log10(shown.rows["padj"]), color=BLUE if shown.significant else GREY, height=0.7)
    ax.axvline(
        -np.log10(settings.alpha), color=VERMILLION, linestyle="--", linewidth=1, label=f"padj = {settings.alpha:g}"
    )
    ax.set_xlabel("-log10 padj")
    ax.legend(loc="lower right", bbox_to_anchor=(1, 1), frameon=False, fontsize=8)  # above the axes: no bar hides it
    return fig


def heatmap(matrix: pd.DataFrame, labels: Sequence[str], title: str, noun: str = "figure") -> Figure:
    """-log10 padj (colour capped at PADJ_COLOUR_CAP), clusters x lists; rows ordered by
    hierarchical clustering of the uncapped values."""
    fig = Figure(
        figsize=(min(4 + 0.35 * matrix.shape[1] + 5, 24), 1.8 + 0.28 * max(matrix.shape[0], 3)), layout="constrained"
    )
    if matrix.empty:
        return _empty(fig, f"{title}\nNo {noun} is significant in any list.")
    values = matrix.to_numpy(dtype=float)
    order = (
        leaves_list(linkage(values, method="average", optimal_ordering=True))
        if len(values) > 2
        else np.arange(len(values))
    )
    colours, vmax, clipped = padj_colours(values[order], 0.0)
    ax = fig.add_subplot()
    image = ax.imshow(colours, aspect="auto", cmap=COLOUR_MAP, interpolation="nearest", vmin=0, vmax=vmax)
    ax.set_yticks(np.arange(len(order)), [labels[i] for i in order])
    ax.set_xticks(np.arange(matrix.shape[1]), matrix.columns, rotation=60, ha="right")
    ax.spines[:].set_visible(False)
    colour_bar = fig.colorbar(image, ax=ax, shrink=0.6, pad=0.01)
    _padj_colour_bar(colour_bar, 0.0, vmax, clipped, "-log10 padj (0: not in the list's table)")
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


def save_list_plots(
    rows: pd.DataFrame, title: str, settings: PlotSettings, dot: tuple[Path, Path], bar: tuple[Path, Path]
) -> None:
    """A list's dot and bar plots (PNG, SVG) from its cluster_rows. Call inside rc_context(STYLE)."""
    save_figure(dot_plot(rows, title, settings), *dot)
    save_figure(bar_plot(rows, title, settings), *bar)


def save_figure(fig: Figure, png: Path, svg: Path) -> None:
    """PNG (150 dpi) and SVG without dates. Figures are pyplot-free: nothing global to close."""
    png.parent.mkdir(parents=True, exist_ok=True)
    # zlib level 3: a quarter faster than the default 6, files 3% larger
    fig.savefig(png, dpi=150, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
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


def heatmap_matrix(significant: pd.DataFrame, max_rows: int, pfocr: bool = True) -> tuple[pd.DataFrame, list[str]]:
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
    return matrix, [figure_label(s, names[s], int(members[s]), pfocr) for s in matrix.index]


def significant_clusters(block: pd.DataFrame, settings: PlotSettings) -> pd.DataFrame:
    """The significant cluster representatives (list, set_id, set_name, padj, members) of a block
    of lists' rows (combined.result_blocks): what the heat map needs, for thousands of lists at once."""
    rows = block[block["padj"].to_numpy(dtype=float) <= settings.alpha]
    clusters = block_clusters(rows, settings.alpha, settings.cluster_jaccard)
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
            save_list_plots(
                cluster_rows(tables.get(name, empty), settings),
                f"{name} vs {library}",
                settings,
                dot=(out.dotplot_png[name], out.dotplot_svg[name]),
                bar=(out.barplot_png[name], out.barplot_svg[name]),
            )
        stacked = pd.concat(significant, ignore_index=True) if significant else pd.DataFrame()
        matrix, labels = heatmap_matrix(stacked, settings.heatmap_rows, settings.pfocr_library)
        noun = settings.noun
        save_figure(
            heatmap(matrix, labels, f"{library}\n-log10 padj of {noun} clusters significant in any list", noun),
            out.heatmap_png,
            out.heatmap_svg,
        )
        save_figure(set_size_histogram(gmt_set_sizes, size_range, library), out.set_sizes_png, out.set_sizes_svg)
        save_figure(pvalue_histogram(pvalue_counts, len(lists), library), out.pvalues_png, out.pvalues_svg)
    log.info("%s: plots of %d lists in %.1f s", library, len(lists), time.monotonic() - started)
