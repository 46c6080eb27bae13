"""Enrichment chunks: lists mapped through the ID tables, and the console told when many names don't map."""

import logging
from pathlib import Path

import pandas as pd
from builders import HUMAN_GENE_INFO, gene_info

from pfocr_enrich.enrichment.batch import SUMMARY_FILE, UNMAPPED_FILE, ChunkJob, run_chunk, unmapped_warning
from pfocr_enrich.enrichment.engine import Settings
from pfocr_enrich.enrichment.idmap import IdMapper
from pfocr_enrich.enrichment.idsources import FetchedIdTable, write_manifest
from pfocr_enrich.gmt import write_gmt

HUMAN = "Homo_sapiens"
SETTINGS = Settings(min_set_size=1, max_set_size=500)


def chunk(tmp_path: Path, genes: list[str], id_tables: list[FetchedIdTable] | None = None) -> ChunkJob:
    """One list, `inflammation`, against a symbol GMT of two sets; the records' table knows only TP53."""
    write_gmt(tmp_path / "hallmark.gmt", [("TNF_SIGNALING", "tnf", ["TNF", "CXCL2", "IER3"]), ("P53", "p53", ["TP53"])])
    (tmp_path / "lists.tsv").write_text("list\tgene\n" + "".join(f"inflammation\t{g}\n" for g in genes))
    (tmp_path / "id_map.tsv").write_text("symbol\tentrez\tkind\tspecies\nTP53\t7157\tofficial\tHomo sapiens\n")
    manifest = None
    if id_tables is not None:
        manifest = tmp_path / "id_tables.tsv"
        write_manifest(id_tables, manifest)
    return ChunkJob(
        library=tmp_path / "hallmark.gmt",
        lists=tmp_path / "lists.tsv",
        list_names=("inflammation",),
        id_maps=(tmp_path / "id_map.tsv",),
        species=HUMAN,
        background=None,
        figures=None,
        settings=SETTINGS,
        id_tables=manifest,
    )


def ncbi(tmp_path: Path) -> FetchedIdTable:
    path = tmp_path / "Homo_sapiens.gene_info"
    path.write_text(gene_info(HUMAN_GENE_INFO))
    return FetchedIdTable("ncbi", "Homo sapiens", "http://mirror/x.gz", str(path), "0" * 64, "cached")


def tables(out: Path) -> tuple[pd.Series, pd.DataFrame]:
    summary = pd.read_csv(out / SUMMARY_FILE, sep="\t", keep_default_na=False).iloc[0]
    return summary, pd.read_csv(out / UNMAPPED_FILE, sep="\t", keep_default_na=False)


def test_symbol_gmt_counts_a_previous_symbol_as_the_librarys_gene_and_lists_unknown_names(tmp_path: Path):
    run_chunk(chunk(tmp_path, ["TNFA", "MIP2", "IEX1", "NOTAGENE"], [ncbi(tmp_path)]), tmp_path / "out")
    summary, unmapped = tables(tmp_path / "out")
    assert (summary.n_input, summary.n_mapped, summary.n_in_universe, summary.n_unmapped) == (4, 3, 3, 1)
    assert unmapped[["gene", "reason"]].values.tolist() == [["NOTAGENE", "unknown"]]
    result = pd.read_csv(tmp_path / "out/inflammation.tsv", sep="\t")
    assert result.set_index("set_id").loc["TNF_SIGNALING", "overlap_genes"] == "CXCL2/IER3/TNF"


def test_records_table_alone_loses_symbols_and_the_console_names_list_library_share_and_fix(tmp_path: Path, caplog):
    with caplog.at_level(logging.WARNING):
        run_chunk(chunk(tmp_path, ["TNFA", "MIP2", "IEX1", "TP53"]), tmp_path / "out")
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "'inflammation' vs hallmark" in warning and "3 of 4 genes (75%)" in warning
    assert "set id_map: ncbi" in warning


def test_without_network_the_chunk_says_the_records_table_is_the_fallback(tmp_path: Path, caplog):
    missing = FetchedIdTable("ncbi", "Homo sapiens", "http://mirror/x.gz", "", "", "unavailable: no network")
    with caplog.at_level(logging.INFO):
        run_chunk(chunk(tmp_path, ["TNFA", "TP53"], [missing]), tmp_path / "out")
    assert "not downloaded: http://mirror/x.gz, so symbols map through the PFOCR records' table only" in caplog.text
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "1 of 2 genes (50%)" in warning and "rerun with the network" in warning


def test_no_warning_when_at_most_a_tenth_of_a_list_does_not_map():
    mapper = IdMapper.from_table([(f"G{i}", str(i), "official", "") for i in range(1, 10)])
    mapping = mapper.map_genes([f"G{i}" for i in range(1, 10)] + ["NOTAGENE"])
    assert unmapped_warning("l", "lib", mapping, "fix") is None
    assert "2 of 11 genes (18%)" in unmapped_warning(
        "l", "lib", mapper.map_genes([*mapping.ids, "X", "G1", "Y"]), "fix"
    )
