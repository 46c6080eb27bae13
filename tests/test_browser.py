"""The figure browser (results/report/figures/{library}.html): its data and page, and the page at
work in headless Chromium.

The Chromium tests run only when asked (PFOCR_ENRICH_BROWSER_TEST=1, as `.ci/run` does): as root
they install Debian's `chromium` (apt) and Playwright (pip) if missing; otherwise they are skipped
with the reason printed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import make_lists, make_records
from builders import run_snakemake as snakemake

from pfocr_enrich.report.browser import (
    SCRIPT,
    base36,
    browser_data,
    browser_page,
    compact_link,
    library_figures,
    list_padj,
    script_json,
)
from pfocr_enrich.tables import FIGURES_COLUMNS

ASK_VARIABLE = "PFOCR_ENRICH_BROWSER_TEST"
EVIL_TITLE = "<script>window.pwned=1</script>"
# innerHTML would not run a <script>, but would run this
EVIL_IMAGE = '<img src="x" onerror="window.pwned=2">'
PMC = "https://www.ncbi.nlm.nih.gov/pmc/articles/"


def figures_table(rows: list[dict]) -> pd.DataFrame:
    """figures.tsv rows as the script reads them: text, every column."""
    defaults = {column: "" for column in FIGURES_COLUMNS}
    table = pd.DataFrame([{**defaults, "species": "Homo sapiens", **row} for row in rows])
    table["set_id"] = [row.get("set_id", row["figid"]) for row in rows]
    return table[list(FIGURES_COLUMNS)]


# Four human figures and one mouse figure; two titles are HTML that would run if shown as HTML.
FIGURES = figures_table(
    [
        {"figid": "PMC1__il6", "title": "IL-6 signalling via JAK/STAT3", "year": "2016", "pmcid": "PMC1",
         "figlink": f"{PMC}PMC1/figure/F1/"},
        {"figid": "PMC2__evil", "title": EVIL_TITLE, "year": "2019", "pmcid": "PMC2"},
        {"figid": "PMC3__tnf", "title": "TNF signalling to NF-kB in the liver", "year": "2011", "pmcid": "PMC3",
         "figlink": f"{PMC}PMC3/figure/F2/"},
        {"figid": "PMC3__wnt", "title": "Wnt signalling in liver zonation", "year": "", "pmcid": "PMC3"},
        {"figid": "PMC4__mouse", "title": EVIL_IMAGE, "year": "2020", "species": "Mus musculus"},
    ]
)  # fmt: skip
SYMBOLS = {
    "PMC1__il6": ("IL6", "JAK1", "STAT3"),
    "PMC2__evil": ("IL6", "SOCS3", "STAT3"),
    "PMC3__tnf": ("TNF", "RELA", "NFKB1", "STAT3"),
    "PMC3__wnt": ("WNT3A", "CTNNB1", "APC"),
    "PMC4__mouse": ("Insr", "Irs1", "Akt2"),
}


def human_figures() -> pd.DataFrame:
    return library_figures(FIGURES, "Homo_sapiens", SYMBOLS)


def blocks(rows: list[tuple[str, str, float]]) -> list[pd.DataFrame]:
    return [pd.DataFrame(rows, columns=["list", "set_id", "padj"])]


# --- the data, without a browser ---


def test_library_figures_are_the_species_rows_with_their_symbols():
    figures = human_figures()
    assert figures["figid"].tolist() == ["PMC1__il6", "PMC2__evil", "PMC3__tnf", "PMC3__wnt"]
    assert figures["genes"].tolist()[0] == ("IL6", "JAK1", "STAT3")
    # a set the symbol GMT lacks: the figure stays, without genes
    alone = library_figures(FIGURES, "Homo sapiens", {})
    assert len(alone) == 4 and all(genes == () for genes in alone["genes"])


def test_list_padj_gives_each_figure_of_a_set_its_padj():
    # a collapsed set (gmt.collapse_duplicates) names two figures
    set_ids = ["A", "A;B", "C", "A;B"]
    padj = list_padj(
        blocks([("one", "C", 0.5), ("one", "A;B", 0.01), ("other", "A", 0.2), ("two", "A", 1.0)]),
        set_ids,
        ["one", "two", "missing"],
    )
    assert padj["one"][0].tolist() == [1, 2, 3] and padj["one"][1].tolist() == [0.01, 0.5, 0.01]
    assert padj["two"][0].tolist() == [0] and padj["two"][1].tolist() == [1.0]
    assert padj["missing"][0].tolist() == [] and "other" not in padj


def test_list_padj_stops_reading_once_every_list_is_seen():
    read = []

    def row_groups() -> Iterator[pd.DataFrame]:
        for number in range(3):
            read.append(number)
            yield pd.DataFrame({"list": [f"L{number}"], "set_id": ["A"], "padj": [0.1]})

    padj = list_padj(row_groups(), ["A"], ["L0", "L1"])
    assert read == [0, 1] and set(padj) == {"L0", "L1"}


@pytest.mark.parametrize("number", [0, 9, 35, 36, 1295, 1296, 19_999])
def test_base36_is_what_javascript_parses_back(number: int):
    assert int(base36(number), 36) == number


def test_pmc_links_are_kept_as_the_rest_of_the_article_url():
    assert compact_link(f"{PMC}PMC1/figure/F1/", "PMC1") == "figure/F1/"
    assert compact_link("", "PMC1") == ""  # the page links the article
    assert compact_link("https://example.org/fig1", "PMC1") == "https://example.org/fig1"
    assert compact_link(f"{PMC}PMC2/figure/F1/", "PMC1") == f"{PMC}PMC2/figure/F1/"
    assert compact_link("javascript:alert(1)", "") == ""


def test_browser_data_numbers_genes_commonest_first_and_rounds_padj():
    figures = human_figures()
    padj = list_padj(
        blocks([("jak", "PMC1__il6", 0.000123456), ("jak", "PMC3__tnf", 0.98765)]), figures["set_id"], ["jak"]
    )
    data = browser_data("lib", figures, padj, n_lists=3, alpha=0.05)
    assert data["symbols"][0] == "STAT3" and data["symbols"][1] == "IL6"  # in 3 figures, then 2
    decoded = [[data["symbols"][int(code, 36)] for code in genes.split()] for genes in data["genes"]]
    assert decoded == [list(genes) for genes in figures["genes"]]
    assert data["year"] == [2016, 2019, 2011, None]
    assert data["lists"] == [{"name": "jak", "figures": [0, 2], "padj": [0.000123, 0.988]}]
    assert data["link"] == ["figure/F1/", "", "figure/F2/", ""] and data["n_lists"] == 3


def test_record_text_cannot_leave_the_data_element():
    title = "</script><script>window.pwned=1</script><!-- & -->"
    text = script_json({"title": [title]})
    assert not re.search(r"[<>&]", text)
    assert json.loads(text) == {"title": [title]}
    assert "<script" not in SCRIPT.lower() and "</script" not in SCRIPT.lower() and "<!--" not in SCRIPT


def test_page_holds_record_text_only_inside_its_json():
    data = browser_data("<b>lib</b>", human_figures(), {}, n_lists=0, alpha=0.05)
    page = browser_page(data)
    assert EVIL_TITLE not in page and "<b>lib</b>" not in page
    assert page.count("<script") == 2  # the data and the script, nothing from a record
    assert "No gene list has been tested" in page and '<select id="list">' not in page


def test_page_says_when_the_picker_holds_only_the_first_lists():
    figures = human_figures()
    padj = list_padj(blocks([("a", "PMC1__il6", 0.01)]), figures["set_id"], ["a"])
    page = browser_page(browser_data("lib", figures, padj, n_lists=250, alpha=0.05))
    assert "tested with 250 lists; the picker holds the first 1 (report.max_list_plots)" in page
    assert '<select id="list">' in page


def test_page_size_stays_under_30_mb_at_pfocr_scale():
    """91,000 figures as PFOCR's: 35-character figids, 60-character titles, PMC links, 25 genes of
    20,000 drawn evenly (the worst case for their numbers' length), padj in 100 lists of 3,500 rows."""
    rng = np.random.default_rng(1)
    n_figures, symbols = 91_000, np.array([f"GENE{number}" for number in range(20_000)])
    figids = [f"PMC{1_000_000 + i}__fimmu-14-{i:07d}-g001" for i in range(n_figures)]
    figures = pd.DataFrame(
        {
            "figid": figids,
            "title": "T" * 60,
            "year": "2015",
            "pmcid": [figid.split("__")[0] for figid in figids],
            "figlink": [f"{PMC}{figid.split('__')[0]}/figure/F1/" for figid in figids],
            "set_id": figids,
            "genes": list(map(tuple, symbols[rng.integers(0, len(symbols), (n_figures, 25))])),
        }
    )
    padj = {
        f"list{number}": (np.sort(rng.choice(n_figures, 3500, replace=False)), rng.uniform(0, 1, 3500))
        for number in range(100)
    }
    page = browser_page(browser_data("lib", figures, padj, n_lists=100, alpha=0.05))
    assert len(page.encode()) < 30e6


# --- the workflow writes a page for each built library ---


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """make_records' human and mouse figures; make_lists' lists are human, so the mouse library has none."""
    root = tmp_path_factory.mktemp("browser")
    records, lists = make_records(root / "records"), make_lists(root / "lists")
    done = snakemake(root / "run", config={"records": str(records), "lists": str(lists), "shards": 1})
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "run"


def page_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="figure-data">(.*?)</script>', text).group(1))


def test_workflow_writes_a_page_for_every_built_library(run_dir: Path):
    figures = pd.read_csv(run_dir / "results/gmt/figures.tsv", sep="\t", dtype=str)
    for species, lists in (("Homo_sapiens", ["inflammation", "wnt"]), ("Mus_musculus", [])):
        data = page_data(run_dir / f"results/report/figures/pfocr_example_{species}_entrez.html")
        assert sorted(data["figid"]) == sorted(figures.loc[figures["species"] == species.replace("_", " "), "figid"])
        assert [entry["name"] for entry in data["lists"]] == lists
    human = page_data(run_dir / "results/report/figures/pfocr_example_Homo_sapiens_entrez.html")
    il6 = human["figid"].index("EX_IL6")
    assert "IL6" in [human["symbols"][int(code, 36)] for code in human["genes"][il6].split()]
    inflammation = human["lists"][0]
    assert inflammation["padj"][inflammation["figures"].index(il6)] < 0.05


def test_report_links_the_figure_browser_and_the_covering_sets(run_dir: Path):
    done = snakemake(run_dir, "--report", "report.html")
    assert done.returncode == 0, done.stderr[-3000:]
    report = (run_dir / "report.html").read_text(encoding="utf-8")
    for name in ("pfocr_example_Homo_sapiens_entrez.html", "pfocr_example_Homo_sapiens_entrez.cover.tsv"):
        assert name in report
    assert "figure browser (search)" in report and "covering sets (table)" in report


# --- in headless Chromium ---


def why_not_here() -> str | None:
    """The reason the Chromium tests cannot run here, or None."""
    if os.environ.get(ASK_VARIABLE) != "1":
        return f"browser tests run only when asked: set {ASK_VARIABLE}=1 (.ci/run does)"
    if shutil.which("chromium") and importable("playwright"):
        return None
    if os.geteuid() != 0:
        return "browser tests need Debian's chromium and Playwright; installing them needs root"
    if not Path("/etc/debian_version").is_file():
        return "browser tests install Debian's chromium with apt; /etc/debian_version is missing"
    return None


def importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def install_chromium_and_playwright() -> None:
    if not shutil.which("chromium"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "chromium"]
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            # A fresh image has no package lists yet.
            subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True)
            subprocess.run(install, env=env, check=True, capture_output=True)
    if not importable("playwright"):
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "playwright"], check=True, capture_output=True)


@pytest.fixture(scope="module")
def chromium():
    if reason := why_not_here():
        pytest.skip(reason)
    install_chromium_and_playwright()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Debian's chromium, not a browser Playwright downloads: CI machines may have no network.
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
        yield browser
        browser.close()


def open_page(chromium, path: Path):
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_function("window.figureBrowser && window.figureBrowser.lastUpdateMs !== null")
    return page, errors


def shown_figids(page) -> list[str]:
    return page.eval_on_selector_all("#figures tbody tr", "rows => rows.map(row => row.cells[0].textContent)")


@pytest.fixture
def small_page(tmp_path: Path) -> Path:
    figures = human_figures()
    padj = list_padj(
        blocks(
            [
                ("jak_stat", "PMC2__evil", 0.001),
                ("jak_stat", "PMC1__il6", 0.004),
                ("jak_stat", "PMC3__tnf", 0.3),
                ("wnt", "PMC3__wnt", 0.0001),
            ]
        ),
        figures["set_id"],
        ["jak_stat", "wnt"],
    )
    path = tmp_path / "figures.html"
    path.write_text(browser_page(browser_data("lib", figures, padj, n_lists=2, alpha=0.05)), encoding="utf-8")
    return path


@pytest.mark.browser
def test_a_script_title_shows_as_text_and_runs_nothing(chromium, small_page: Path, tmp_path: Path):
    mouse_page = tmp_path / "mouse.html"
    mouse_page.write_text(
        browser_page(browser_data("mouse", library_figures(FIGURES, "Mus musculus", SYMBOLS), {}, 0, 0.05))
    )
    for path, title, figid in ((small_page, EVIL_TITLE, "PMC2__evil"), (mouse_page, EVIL_IMAGE, "PMC4__mouse")):
        page, errors = open_page(chromium, path)
        page.fill("#search", "pwned")  # a title word: the title is searchable text
        assert shown_figids(page) == [figid]
        assert page.text_content("#figures tbody td:nth-child(2)") == title
        page.wait_for_timeout(100)  # time for a broken image's onerror
        assert page.evaluate("typeof window.pwned") == "undefined" and not errors


@pytest.mark.browser
def test_search_by_gene_symbol_and_title_word(chromium, small_page: Path):
    page, errors = open_page(chromium, small_page)
    page.fill("#search", "stat3")  # a gene, any case: every figure holding it, by padj in jak_stat
    assert shown_figids(page) == ["PMC2__evil", "PMC1__il6", "PMC3__tnf"]
    assert page.text_content("#count") == "3 of 4 figures match."
    page.fill("#search", "STAT3 liver")  # gene and title word
    assert shown_figids(page) == ["PMC3__tnf"]
    page.fill("#search", "IL6 TNF")  # every gene given must be in the figure
    assert shown_figids(page) == []
    page.fill("#search", "pmc3")  # a PMC ID: the article's figures
    assert sorted(shown_figids(page)) == ["PMC3__tnf", "PMC3__wnt"]
    page.fill("#search", "PMC1__IL6")
    assert shown_figids(page) == ["PMC1__il6"]
    page.fill("#search", "il6")
    marked = page.eval_on_selector_all("#figures mark", "marks => marks.map(mark => mark.textContent)")
    assert marked == ["IL6", "IL6"]
    page.fill("#search", "")
    assert len(shown_figids(page)) == 4 and not errors


@pytest.mark.browser
def test_list_picker_and_significant_only(chromium, small_page: Path):
    page, errors = open_page(chromium, small_page)
    page.check("#significant")
    assert shown_figids(page) == ["PMC2__evil", "PMC1__il6"]  # padj <= 0.05 in jak_stat
    page.select_option("#list", label="wnt")
    assert shown_figids(page) == ["PMC3__wnt"]
    page.uncheck("#significant")
    assert shown_figids(page)[0] == "PMC3__wnt" and len(shown_figids(page)) == 4
    padj = page.eval_on_selector_all("#figures tbody tr", "rows => rows.map(row => row.cells[5].textContent)")
    assert padj == ["1e-4", "", "", ""] and not errors


@pytest.mark.browser
def test_columns_sort_and_sort_back(chromium, small_page: Path):
    page, errors = open_page(chromium, small_page)
    page.click("th button[data-sort=year]")
    assert shown_figids(page) == ["PMC3__tnf", "PMC1__il6", "PMC2__evil", "PMC3__wnt"]  # no year: last
    page.click("th button[data-sort=year]")
    assert shown_figids(page) == ["PMC2__evil", "PMC1__il6", "PMC3__tnf", "PMC3__wnt"]
    page.click("th button[data-sort=title]")
    assert shown_figids(page)[0] == "PMC2__evil"  # "<script..." sorts before letters
    page.click("th button[data-sort=n_genes]")
    assert shown_figids(page)[-1] == "PMC3__tnf"  # 4 genes, the most
    links = page.eval_on_selector_all("#figures a", "links => links.map(link => link.href)")
    assert f"{PMC}PMC3/figure/F2/" in links and f"{PMC}PMC2/" in links
    assert "https://pfocr.wikipathways.org/figures/PMC1__il6.html" in links and not errors


@pytest.mark.browser
def test_the_workflow_page_of_a_library_without_lists_has_no_picker(chromium, run_dir: Path):
    page, errors = open_page(chromium, run_dir / "results/report/figures/pfocr_example_Mus_musculus_entrez.html")
    assert page.query_selector("#list") is None
    assert page.eval_on_selector_all("#figures th", "cells => cells.length") == 6  # no padj column
    page.fill("#search", "insr")
    assert shown_figids(page) == ["EX_MOUSE"] and not errors
