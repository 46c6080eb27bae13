"""Outputs left from an earlier run."""

from pathlib import Path

from pfocr_enrich.stale import remove_stale_gmts, stale_library_outputs


def test_gmts_of_species_a_build_no_longer_yields_are_removed(tmp_path: Path):
    pattern = str(tmp_path / "pfocr_x_{species}_{id_type}.gmt")
    for species in ("Homo_sapiens", "Mus_musculus"):
        for id_type in ("entrez", "symbol"):
            Path(pattern.format(species=species, id_type=id_type)).write_text("S\td\t1\n")
    (tmp_path / "pfocr_other_Mus_musculus_entrez.gmt").write_text("S\td\t1\n")  # another release: kept
    (tmp_path / "pfocr_x_chemicals_chebi.gmt").write_text("S\td\tchebi:1\n")  # no species' library: kept
    removed = remove_stale_gmts(pattern, ["Homo sapiens"], ["entrez", "symbol"])
    assert [p.name for p in removed] == ["pfocr_x_Mus_musculus_entrez.gmt", "pfocr_x_Mus_musculus_symbol.gmt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "pfocr_other_Mus_musculus_entrez.gmt",
        "pfocr_x_Homo_sapiens_entrez.gmt",
        "pfocr_x_Homo_sapiens_symbol.gmt",
        "pfocr_x_chemicals_chebi.gmt",
    ]


def test_library_folders_and_pages_of_libraries_not_in_the_run_are_named(tmp_path: Path):
    (tmp_path / "enrichment" / "old_lib").mkdir(parents=True)
    (tmp_path / "enrichment" / "lib").mkdir()
    (tmp_path / "enrichment" / "summary.tsv").write_text("")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "old_lib.html").write_text("")
    stale = stale_library_outputs([tmp_path / "enrichment", tmp_path / "pages", tmp_path / "absent"], ["lib"])
    assert stale == [tmp_path / "enrichment" / "old_lib", tmp_path / "pages" / "old_lib.html"]


def test_per_library_files_of_current_libraries_are_not_stale(tmp_path: Path):
    folder = tmp_path / "enrichment"
    folder.mkdir()
    names = [
        "h.all.v7.0.symbols.parquet",
        "h.all.v7.0.symbols.cover.tsv",
        "old.cover.tsv",
        "old.parquet",
        "summary.tsv",
    ]
    for name in names:
        (folder / name).write_text("")
    stale = stale_library_outputs([folder], ["h.all.v7.0.symbols"])
    assert [p.name for p in stale] == ["old.cover.tsv", "old.parquet"]
