"""The ID mapper: symbols, aliases and Entrez IDs -> the library's ID type, and what it can't map."""

from pathlib import Path

import pytest
from builders import HUMAN_GENE_INFO, SHARED, gene_info
from hypothesis import given
from hypothesis import strategies as st

from pfocr_enrich.enrichment.engine import load_library
from pfocr_enrich.enrichment.idmap import IdMapper, excel_date_hint, load_id_map
from pfocr_enrich.errors import InputError

HUMAN = "Homo sapiens"
# (symbol, entrez, kind, species): the shape of the workflow's id_map.tsv
TABLE = [
    ("TP53", "7157", "official", HUMAN),
    ("P53", "7157", "alias", HUMAN),
    ("EGFR", "1956", "official", HUMAN),
    ("ERBB1", "1956", "previous", HUMAN),
    ("ERBB", "1956", "alias", HUMAN),
    ("ERBB", "2064", "alias", HUMAN),
    ("ERBB2", "2064", "official", HUMAN),
    ("HER2", "2064", "alias", HUMAN),
    ("Egfr", "13649", "official", "Mus musculus"),
]


def human() -> IdMapper:
    return IdMapper.from_table(TABLE, species=HUMAN)


def test_official_symbol_beats_an_alias_of_another_gene():
    mapper = IdMapper.from_table([*TABLE, ("TP53", "9999", "alias", HUMAN)], species=HUMAN)
    assert mapper.map_genes(["TP53"]).entrez == ("7157",)


def test_alias_and_previous_symbols_map_when_unique():
    assert human().map_genes(["P53", "ERBB1", "HER2"]).entrez == ("7157", "1956", "2064")


def test_matching_ignores_case():
    assert human().map_genes(["tp53", "Egfr", "her2"]).entrez == ("7157", "1956", "2064")


def test_ambiguous_alias_is_listed_with_its_candidates():
    result = human().map_genes(["ERBB"])
    assert result.entrez == ()
    (gene,) = result.unmapped
    assert (gene.name, gene.reason, gene.candidates) == ("ERBB", "ambiguous", ("1956", "2064"))
    assert "1956 (EGFR)" in gene.detail and "2064 (ERBB2)" in gene.detail


def test_symbol_official_for_two_genes_is_ambiguous():
    mapper = IdMapper.from_table([*TABLE, ("TP53", "9999", "official", HUMAN)], species=HUMAN)
    assert mapper.map_genes(["TP53"]).unmapped[0].candidates == ("7157", "9999")


def test_unknown_symbol_is_listed():
    (gene,) = human().map_genes(["TP53", "NOTAGENE"]).unmapped
    assert (gene.name, gene.reason) == ("NOTAGENE", "unknown")


def test_species_selects_rows_and_other_species_make_shared_symbols_ambiguous():
    assert IdMapper.from_table(TABLE, species="Mus_musculus").map_genes(["EGFR"]).entrez == ("13649",)
    assert IdMapper.from_table(TABLE).map_genes(["EGFR"]).unmapped[0].candidates == ("1956", "13649")


@pytest.mark.parametrize(
    ("name", "likely"),
    [
        ("1-Mar", ("MARCHF1", "MARCH1")),
        ("7-Sep", ("SEPTIN7", "SEPT7")),
        ("1-Dec", ("DELEC1", "DEC1")),
        ("Mar-01", ("MARCHF1", "MARCH1")),
        ("01-MAR", ("MARCHF1", "MARCH1")),
        ("2019-09-02", ("SEPTIN2", "SEPT2")),
        ("3/1/2019", ("MARCHF1", "MARCH1")),
    ],
)
def test_excel_dates_are_flagged_with_the_likely_gene(name: str, likely: tuple[str, ...]):
    (gene,) = human().map_genes([name]).unmapped
    assert (gene.reason, gene.candidates) == ("excel_date", likely)
    assert f"{likely[0]} (formerly {likely[1]})" in gene.detail


def test_date_outside_the_symbol_families_is_flagged_without_a_guess():
    gene = excel_date_hint("5-Jan")
    assert gene is not None and gene.reason == "excel_date" and gene.candidates == ()


@pytest.mark.parametrize("symbol", ["MARCH1", "SEPT7", "DEC1", "MARCHF1", "C1orf-3", "HLA-DRB1"])
def test_real_symbols_are_not_mistaken_for_dates(symbol: str):
    assert excel_date_hint(symbol) is None


def test_entrez_tokens_pass_through_even_outside_the_tables_without_leading_zeros():
    assert human().map_genes(["7157", "123456789", "0123", "007157"]).entrez == ("7157", "123456789", "123")


def test_mixed_list_of_symbols_and_entrez_ids():
    result = human().map_genes(["TP53", "1956", "HER2"])
    assert result.entrez == ("7157", "1956", "2064") and result.n_mapped == 3


def test_duplicates_count_names_mapping_to_the_same_gene_and_repeated_unknowns():
    result = human().map_genes(["TP53", "7157", "p53", "EGFR", "FOO", "foo", " "])
    assert result.entrez == ("7157", "1956")
    assert (result.n_input, result.n_mapped, len(result.unmapped), result.duplicates) == (6, 2, 1, 3)


@given(st.lists(st.sampled_from(["TP53", "tp53", "7157", "P53", "ERBB", "FOO", "1-Mar", "42", "HER2", ""])))
def test_every_token_is_mapped_unmapped_or_a_duplicate(tokens: list[str]):
    result = human().map_genes(tokens)
    assert result.n_input == result.n_mapped + len(result.unmapped) + result.duplicates


def test_to_symbols_without_a_library_gives_official_symbols_and_lists_unknown_names():
    result = human().map_genes(["7157", "Her2", "NOTAGENE", "p53", "999"], target="symbol")
    assert result.ids == ("TP53", "ERBB2")
    assert [(g.name, g.reason) for g in result.unmapped] == [("NOTAGENE", "unknown"), ("999", "unknown")]
    assert result.duplicates == 1  # p53 is TP53
    with pytest.raises(ValueError, match="not Entrez"):
        _ = result.entrez


def test_symbols_for_gives_official_symbols_and_blank_when_unknown():
    assert human().symbols_for(["2064", "42", "7157"]) == ["ERBB2", "", "TP53"]


def test_symbols_for_prefers_the_current_symbol_when_records_give_old_and_new():
    mapper = IdMapper.from_table(
        [
            ("MARCH1", "55016", "official", HUMAN),
            ("MARCHF1", "55016", "official", HUMAN),
            ("MARCH1", "55016", "previous", HUMAN),
        ]
    )
    assert mapper.symbols_for(["55016"]) == ["MARCHF1"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_user_table_extends_the_records_table(tmp_path: Path):
    records = write(tmp_path / "id_map.tsv", "symbol\tentrez\tkind\tspecies\nTP53\t7157\tofficial\tHomo sapiens\n")
    user = write(tmp_path / "mine.tsv", "Entrez\tSymbol\tnote\n1956\tMYEGFR\tlab name\n")
    mapper = load_id_map([records, user], species="Homo_sapiens")
    assert mapper.map_genes(["TP53", "myegfr"]).entrez == ("7157", "1956")
    assert mapper.symbols_for(["1956"]) == ["MYEGFR"]


def test_user_table_rows_rank_as_official_over_records_aliases(tmp_path: Path):
    records = write(tmp_path / "id_map.tsv", "symbol\tentrez\tkind\tspecies\nP53\t7157\talias\tHomo sapiens\n")
    user = write(tmp_path / "mine.tsv", "symbol\tentrez\nP53\t1\n")
    assert load_id_map([records, user], species=HUMAN).map_genes(["P53"]).entrez == ("1",)


def test_id_table_without_symbol_and_entrez_columns_is_an_error(tmp_path: Path):
    user = write(tmp_path / "mine.csv", "symbol,entrez\nTP53,7157\n")
    with pytest.raises(InputError, match=r"mine\.csv.*'symbol' and 'entrez'.*comma-separated"):
        load_id_map([user], species=None)


def test_id_table_with_a_non_numeric_entrez_is_an_error_naming_the_line(tmp_path: Path):
    user = write(tmp_path / "mine.tsv", "symbol\tentrez\nTP53\t7157\nEGFR\tENSG000001\n")
    with pytest.raises(InputError, match=r"mine\.tsv line 3.*'ENSG000001' is not a number"):
        load_id_map([user], species=None)


def test_previous_symbol_beats_an_alias_of_another_gene():
    # Contract (issue 13): official, then previous, then alias; before, previous and alias tied (ambiguous).
    mapper = IdMapper.from_table([*TABLE, ("ERBB1", "2064", "alias", HUMAN)], species=HUMAN)
    assert mapper.map_genes(["ERBB1"]).entrez == ("1956",)


def test_a_name_several_genes_share_in_its_best_tier_is_ambiguous_with_candidates():
    mapper = IdMapper.from_table([*TABLE, ("ERBB1", "2064", "previous", HUMAN)], species=HUMAN)
    (gene,) = mapper.map_genes(["ERBB1"]).unmapped
    assert (gene.reason, gene.candidates) == ("ambiguous", ("1956", "2064"))
    assert "previous symbol of 2 genes" in gene.detail


def ncbi_table(tmp_path: Path, rows=HUMAN_GENE_INFO) -> Path:
    return write(tmp_path / "Homo_sapiens.gene_info", gene_info(rows))


def test_ncbi_table_maps_symbols_the_records_never_mention(tmp_path: Path):
    records = write(tmp_path / "id_map.tsv", "symbol\tentrez\tkind\tspecies\nTP53\t7157\tofficial\tHomo sapiens\n")
    result = load_id_map([records, ncbi_table(tmp_path)], HUMAN).map_genes(["CXCL2", "ATF3", "IER3", "TNFA", "TP53"])
    assert result.entrez == ("2920", "467", "8870", "7124", "7157") and not result.unmapped


def test_the_authority_decides_names_it_knows_and_the_records_add_the_rest(tmp_path: Path):
    # A record from years ago called 55016 by its old official symbol; a bioentities word is the records' own.
    records = write(
        tmp_path / "id_map.tsv",
        "symbol\tentrez\tkind\tspecies\nMARCH1\t55016\tofficial\tHomo sapiens\nTNFA\t999\tofficial\tHomo sapiens\n"
        "NFKB-COMPLEX\t4790\talias\tHomo sapiens\n",
    )
    mapper = load_id_map([records, ncbi_table(tmp_path)], HUMAN)
    assert mapper.map_genes(["TNFA", "MARCH1", "NFkB-complex"]).entrez == ("7124", "55016", "4790")
    assert mapper.symbols_for(["55016", "999"]) == ["MARCHF1", "TNFA"]
    assert mapper.standard_sources == (str(tmp_path / "Homo_sapiens.gene_info"),)


def test_a_users_name_still_ranks_as_official_next_to_the_authority(tmp_path: Path):
    user = write(tmp_path / "mine.tsv", "symbol\tentrez\nTNFA\t999\nMYGENE\t42\n")
    result = load_id_map([ncbi_table(tmp_path), user], HUMAN).map_genes(["TNFA", "MYGENE"])
    assert result.entrez == ("999", "42")


def test_gene_info_of_another_species_is_left_out(tmp_path: Path):
    mouse = write(tmp_path / "Mus_musculus.gene_info", gene_info([("10090", "21926", "Tnf", "Tnfa", "Tnf")]))
    mapper = load_id_map([ncbi_table(tmp_path), mouse], "Mus_musculus")
    assert mapper.map_genes(["TNFA"]).entrez == ("21926",)


def test_symbol_library_matches_previous_symbols_and_aliases_to_its_official_names(tmp_path: Path):
    mapper = load_id_map([ncbi_table(tmp_path)], HUMAN)
    library = mapper.symbol_library(["TNF", "TP53", "CXCL2", "ERBB2"])
    result = mapper.map_genes(["TNFA", "p53", "MIP2", "HER2", "7157", "TNF"], "symbol", library)
    assert result.ids == ("TNF", "TP53", "CXCL2", "ERBB2") and result.duplicates == 2 and not result.unmapped


def test_symbol_library_lists_names_neither_it_nor_the_tables_know(tmp_path: Path):
    mapper = load_id_map([ncbi_table(tmp_path)], HUMAN)
    result = mapper.map_genes(["TNF", "NOTAGENE", "1-Mar"], "symbol", mapper.symbol_library(["TNF"]))
    assert result.ids == ("TNF",)
    assert [(g.name, g.reason) for g in result.unmapped] == [("NOTAGENE", "unknown"), ("1-Mar", "excel_date")]


def test_symbol_library_keeps_its_own_names_even_outdated_or_unknown_to_the_tables(tmp_path: Path):
    # MSigDB v7.0 (2019) still writes MARCH1; a name only the library has still matches itself.
    mapper = load_id_map([ncbi_table(tmp_path)], HUMAN)
    library = mapper.symbol_library(["MARCH1", "LOC_ONLY_HERE"])
    result = mapper.map_genes(["MARCHF1", "march1", "55016", "LOC_only_here"], "symbol", library)
    assert result.ids == ("MARCH1", "LOC_ONLY_HERE") and result.duplicates == 2


def test_a_known_gene_the_library_lacks_maps_to_its_official_symbol_outside_the_universe(tmp_path: Path):
    mapper = load_id_map([ncbi_table(tmp_path)], HUMAN)
    assert mapper.map_genes(["IEX1"], "symbol", mapper.symbol_library(["TNF"])).ids == ("IER3",)


def test_symbol_library_naming_one_gene_twice_is_matched_through_its_official_name(tmp_path: Path):
    mapper = load_id_map([ncbi_table(tmp_path)], HUMAN)
    library = mapper.symbol_library(["TNFA", "TNF"])
    assert library.by_entrez["7124"] == "TNF"
    assert mapper.map_genes(["TNFSF2", "7124", "TNFA"], "symbol", library).ids == ("TNF", "TNFA")


def test_unknown_names_say_to_set_id_map_ncbi_only_when_no_authority_table_was_given(tmp_path: Path):
    (without,) = human().map_genes(["CXCL2"]).unmapped
    (with_ncbi,) = load_id_map([ncbi_table(tmp_path)], HUMAN).map_genes(["NOTAGENE"]).unmapped
    assert "id_map: ncbi" in without.detail and "id_map: ncbi" not in with_ncbi.detail


@pytest.mark.parametrize(
    ("gmt", "list_genes", "expected"),
    [
        ("h.all.v7.0.symbols.gmt", ["TNFA", "CXCL2", "IEX1", "P53"], ("TNF", "CXCL2", "IER3", "TP53")),
        ("enrichr.GO_Biological_Process_2021.gmt", ["TNFA", "MIP2A", "TP53", "7124"], ("TNF", "CXCL2", "TP53")),
    ],
)
def test_real_symbol_libraries_match_previous_symbols_and_aliases(tmp_path: Path, gmt, list_genes, expected):
    path = SHARED / "gmt_other" / gmt
    if not path.is_file():
        pytest.skip(f"../shared not present: {path} is missing (only CI and developers have ../shared)")
    library = load_library(path)
    mapper = load_id_map([ncbi_table(tmp_path)], HUMAN)
    result = mapper.map_genes([*list_genes, "NOTAGENE"], "symbol", mapper.symbol_library(library.genes))
    assert result.ids == expected
    assert set(expected) <= set(library.genes)
    assert [(g.name, g.reason) for g in result.unmapped] == [("NOTAGENE", "unknown")]
