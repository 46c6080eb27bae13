"""ID tables in every format id_map accepts, told apart by their header: NCBI gene_info, HGNC, TSVs."""

import gzip
from pathlib import Path

import pytest
from builders import HUMAN_GENE_INFO, gene_info

from pfocr_enrich.enrichment.idtables import HGNC, ID_TABLE, NCBI_GENE_INFO, read_id_table
from pfocr_enrich.errors import InputError

HUMAN = "Homo sapiens"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_gene_info_gives_official_symbols_and_synonyms_as_aliases(tmp_path: Path):
    table = read_id_table(write(tmp_path / "Homo_sapiens.gene_info", gene_info(HUMAN_GENE_INFO[:1])))
    assert table.format == NCBI_GENE_INFO and table.standard
    assert table.rows == [
        ("TNF", "7124", "official", HUMAN),
        *((name, "7124", "alias", HUMAN) for name in ["DIF", "TNF-alpha", "TNFA", "TNFSF2", "TNLG1F"]),
    ]


def test_gene_info_official_symbol_is_the_nomenclature_authoritys_and_dash_is_empty(tmp_path: Path):
    rows = [("10090", "13649", "Egfr", "-", "-"), ("10090", "21926", "Tnfa-old", "-", "Tnf")]
    table = read_id_table(write(tmp_path / "Mus_musculus.gene_info", gene_info(rows)))
    assert table.rows == [
        ("Egfr", "13649", "official", "Mus musculus"),
        ("Tnf", "21926", "official", "Mus musculus"),
        ("Tnfa-old", "21926", "alias", "Mus musculus"),
    ]


def test_gene_info_gzip_is_read_whatever_the_file_is_called(tmp_path: Path):
    path = tmp_path / "genes.tsv"
    path.write_bytes(gzip.compress(gene_info(HUMAN_GENE_INFO).encode()))
    assert {row[0] for row in read_id_table(path).rows if row[2] == "official"} >= {"TNF", "TP53", "CXCL2"}


def test_gene_info_drops_leading_zeros_and_ncbis_placeholder_rows(tmp_path: Path):
    rows = [("9606", "007157", "TP53", "-", "TP53"), ("9606", "12345", "NEWENTRY", "-", "-")]
    assert read_id_table(write(tmp_path / "g.gene_info", gene_info(rows))).rows == [("TP53", "7157", "official", HUMAN)]


def test_gene_info_of_a_species_not_in_the_table_applies_to_any_species(tmp_path: Path):
    table = read_id_table(write(tmp_path / "Ovis_aries.gene_info", gene_info([("9940", "1", "ABC", "-", "-")])))
    assert table.rows == [("ABC", "1", "official", "")]


def test_damaged_gene_info_line_is_an_error_naming_the_line(tmp_path: Path):
    text = gene_info(HUMAN_GENE_INFO[:2]) + "9606\t42\tCUT\n"
    with pytest.raises(InputError, match=r"g\.gene_info line 4: 3 tab-separated fields.*download it again"):
        read_id_table(write(tmp_path / "g.gene_info", text))


def test_truncated_gzip_is_an_error_saying_to_download_again(tmp_path: Path):
    path = tmp_path / "Homo_sapiens.gene_info.gz"
    path.write_bytes(gzip.compress(gene_info(HUMAN_GENE_INFO).encode())[:-20])
    with pytest.raises(InputError, match=r"not a complete gzip file.*download it again"):
        read_id_table(path)


HGNC_HEADER = (
    "hgnc_id\tsymbol\tname\tlocus_group\tlocus_type\tstatus\tlocation\tlocation_sortable\talias_symbol\t"
    "alias_name\tprev_symbol\tprev_name\tgene_group\tgene_group_id\tdate_approved_reserved\t"
    "date_symbol_changed\tdate_name_changed\tdate_modified\tentrez_id\tensembl_gene_id\n"
)


def hgnc_row(hgnc_id: str, symbol: str, aliases: str, previous: str, entrez: str) -> str:
    return (
        f"{hgnc_id}\t{symbol}\ta gene\tprotein-coding gene\tgene with protein product\tApproved\t6p21.33\t06p21.33\t"
        f"{aliases}\t\t{previous}\t\t\t\t1986-01-01\t\t\t2024-01-01\t{entrez}\tENSG1\n"
    )


def test_hgnc_complete_set_ranks_previous_symbols_apart_from_aliases(tmp_path: Path):
    text = HGNC_HEADER + hgnc_row("HGNC:11892", "TNF", '"DIF|TNF-alpha|TNFSF2|TNLG1F"', "TNFA", "7124")
    table = read_id_table(write(tmp_path / "hgnc_complete_set.txt", text))
    assert table.format == HGNC and table.standard
    assert table.rows == [
        ("TNF", "7124", "official", HUMAN),
        ("TNFA", "7124", "previous", HUMAN),
        *((name, "7124", "alias", HUMAN) for name in ["DIF", "TNF-alpha", "TNFSF2", "TNLG1F"]),
    ]


def test_hgnc_genes_without_an_entrez_id_are_left_out(tmp_path: Path):
    text = HGNC_HEADER + hgnc_row("HGNC:1", "NEWGENE", "", "", "") + hgnc_row("HGNC:2", "TP53", "P53", "", "07157")
    rows = read_id_table(write(tmp_path / "hgnc.txt", text)).rows
    assert rows == [("TP53", "7157", "official", HUMAN), ("P53", "7157", "alias", HUMAN)]


def test_records_table_keeps_its_kinds_and_a_users_table_is_kind_user(tmp_path: Path):
    records = read_id_table(
        write(tmp_path / "id_map.tsv", "symbol\tentrez\tkind\tspecies\nP53\t7157\talias\tHomo sapiens\n")
    )
    user = read_id_table(write(tmp_path / "mine.tsv", 'entrez\t"symbol"\n"00042"\tMYGENE\n'))
    assert (records.format, records.standard, records.rows) == (ID_TABLE, False, [("P53", "7157", "alias", HUMAN)])
    assert user.rows == [("MYGENE", "42", "user", "")]


def test_an_hgnc_file_without_entrez_ids_says_which_column_is_missing(tmp_path: Path):
    with pytest.raises(InputError, match=r"hgnc\.txt: looks like HGNC's complete set but lacks .*entrez_id"):
        read_id_table(write(tmp_path / "hgnc.txt", "hgnc_id\tsymbol\talias_symbol\tprev_symbol\nHGNC:1\tA1BG\t\t\n"))


def test_a_header_of_no_known_format_names_every_format(tmp_path: Path):
    with pytest.raises(InputError, match=r"x\.tsv.*'symbol' and 'entrez'.*gene_info.*HGNC"):
        read_id_table(write(tmp_path / "x.tsv", "gene\tid\nTP53\t7157\n"))
