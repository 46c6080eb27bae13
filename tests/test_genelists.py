"""Reading users' gene lists: .txt, .tsv/.csv, .gmt, folders, and the errors people see."""

from pathlib import Path

import pytest
from builders import SHARED

from pfocr_enrich.enrichment.genelists import GeneList, read_gene_lists
from pfocr_enrich.errors import InputError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_txt_list_is_named_after_the_file_and_keeps_order_and_repeats(tmp_path: Path):
    path = write(tmp_path / "up.txt", "TP53\n7157\nBRCA1\nTP53\n")
    assert read_gene_lists(path) == [GeneList("up", ("TP53", "7157", "BRCA1", "TP53"), str(path))]


def test_txt_header_line_is_ignored(tmp_path: Path):
    path = write(tmp_path / "up.txt", "# my list\nGene_ID\nTP53\n")
    assert read_gene_lists(path)[0].genes == ("TP53",)


def test_txt_header_word_later_in_the_list_is_a_gene(tmp_path: Path):
    path = write(tmp_path / "up.txt", "TP53\nsymbol\n")
    assert read_gene_lists(path)[0].genes == ("TP53", "symbol")


def test_txt_comments_blank_lines_and_spaces_are_ignored(tmp_path: Path):
    path = write(tmp_path / "up.txt", "# title\n\n  TP53  \nBRCA1 # breast cancer\n   \n#EGFR\n")
    assert read_gene_lists(path)[0].genes == ("TP53", "BRCA1")


def test_crlf_and_utf8_bom_are_accepted(tmp_path: Path):
    path = tmp_path / "up.txt"
    path.write_bytes(b"\xef\xbb\xbfgene\r\nTP53\r\nBRCA1\r\n")
    assert read_gene_lists(path)[0].genes == ("TP53", "BRCA1")


def test_non_utf8_file_error_names_the_file_and_the_byte(tmp_path: Path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"TP53\nA\xe9B\n")
    with pytest.raises(InputError, match=r"latin1\.txt.*offset 6.*UTF-8"):
        read_gene_lists(path)


def test_txt_line_with_two_fields_is_an_error_naming_the_line(tmp_path: Path):
    path = write(tmp_path / "up.txt", "TP53\nBRCA1\t2.5\n")
    with pytest.raises(InputError, match=r"up\.txt line 2.*'gene' column"):
        read_gene_lists(path)


def test_empty_list_is_returned_not_an_error(tmp_path: Path):
    path = write(tmp_path / "none.txt", "# nothing yet\n")
    assert read_gene_lists(path) == [GeneList("none", (), str(path))]


def test_tsv_gene_column_any_case_other_columns_ignored(tmp_path: Path):
    path = write(tmp_path / "de.tsv", "logFC\tGene\n2.1\tTP53\n1.0\t\n-3\tEGFR\n")
    assert read_gene_lists(path) == [GeneList("de", ("TP53", "EGFR"), str(path))]


def test_tsv_with_list_column_gives_several_lists_in_order_of_first_appearance(tmp_path: Path):
    path = write(tmp_path / "all.tsv", "list\tgene\ndown\tEGFR\nup\tTP53\ndown\tKRAS\n")
    lists = read_gene_lists(path)
    assert [(gl.name, gl.genes) for gl in lists] == [("down", ("EGFR", "KRAS")), ("up", ("TP53",))]
    assert lists[1].source == f"{path} line 3"


def test_csv_with_quotes(tmp_path: Path):
    path = write(tmp_path / "de.csv", 'gene,note\nTP53,"p53, tumour suppressor"\n"EGFR",x\n')
    assert read_gene_lists(path)[0].genes == ("TP53", "EGFR")


def test_missing_gene_column_error_names_file_and_columns_found(tmp_path: Path):
    path = write(tmp_path / "de.tsv", "symbol\tlogFC\nTP53\t2\n")
    with pytest.raises(InputError, match=r"de\.tsv.*no 'gene' column.*'symbol', 'logFC'"):
        read_gene_lists(path)


def test_empty_list_cell_is_an_error_naming_the_line(tmp_path: Path):
    path = write(tmp_path / "all.tsv", "list\tgene\nup\tTP53\n\tEGFR\n")
    with pytest.raises(InputError, match=r"all\.tsv line 3.*'EGFR'.*empty 'list'"):
        read_gene_lists(path)


def test_gmt_gives_one_list_a_line_named_by_the_first_field(tmp_path: Path):
    path = write(tmp_path / "mine.gmt", "up\tgenes up\tTP53\tEGFR\ndown\t\tKRAS\n")
    lists = read_gene_lists(path)
    assert [(gl.name, gl.genes, gl.source) for gl in lists] == [
        ("up", ("TP53", "EGFR"), f"{path} line 1"),
        ("down", ("KRAS",), f"{path} line 2"),
    ]


def test_duplicate_list_names_error_names_both_sources(tmp_path: Path):
    write(tmp_path / "a.gmt", "up\t\tTP53\n")
    write(tmp_path / "up.txt", "EGFR\n")
    with pytest.raises(InputError, match=r"'up' \(.*up\.txt\).*'up' \(.*a\.gmt line 1\)"):
        read_gene_lists(tmp_path)


def test_list_names_differing_only_in_case_clash(tmp_path: Path):
    write(tmp_path / "all.tsv", "list\tgene\nUp\tTP53\nup\tEGFR\n")
    with pytest.raises(InputError, match="ignoring case"):
        read_gene_lists(tmp_path / "all.tsv")


@pytest.mark.parametrize("bad_name", ["my list", "a/b", ".hidden", "naïve"])
def test_bad_list_name_is_an_error_suggesting_a_rename(tmp_path: Path, bad_name: str):
    path = write(tmp_path / "all.tsv", f"list\tgene\n{bad_name}\tTP53\n")
    with pytest.raises(InputError, match=r"all\.tsv line 2.*can't be used in output file names.*e\.g\. to '"):
        read_gene_lists(path)


def test_folder_reads_list_files_sorted_and_ignores_others(tmp_path: Path):
    write(tmp_path / "b.txt", "TP53\n")
    write(tmp_path / "a.csv", "gene\nEGFR\n")
    write(tmp_path / "notes.md", "not a list\n")
    write(tmp_path / ".hidden.txt", "KRAS\n")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "c.txt", "MYC\n")
    assert [gl.name for gl in read_gene_lists(tmp_path)] == ["a", "b"]


def test_folder_without_list_files_is_an_error(tmp_path: Path):
    write(tmp_path / "readme.md", "hello\n")
    with pytest.raises(InputError, match=r"no list files.*\.txt"):
        read_gene_lists(tmp_path)


def test_missing_path_is_an_error_naming_it(tmp_path: Path):
    with pytest.raises(InputError, match=r"nowhere.*no such file or folder"):
        read_gene_lists(tmp_path / "nowhere")


def test_file_with_unknown_suffix_is_an_error(tmp_path: Path):
    path = write(tmp_path / "genes.xlsx", "")
    with pytest.raises(InputError, match=r"genes\.xlsx.*unknown file type"):
        read_gene_lists(path)


def test_real_msigdb_hallmark_gmt_reads_as_50_lists():
    path = SHARED / "gmt_other" / "h.all.v7.0.symbols.gmt"
    if not path.is_file():
        pytest.skip(f"../shared not present: {path} is missing (only CI and developers have ../shared)")
    lists = read_gene_lists(path)
    assert len(lists) == 50
    assert all(gl.name.startswith("HALLMARK_") and gl.genes for gl in lists)


def test_reading_some_lists_of_a_table_gives_what_the_whole_read_gives(tmp_path: Path):
    """An enrichment job reads its own lists from a table of thousands; sources keep true lines."""
    rows = ["list\tgene\tspecies", ""]
    for number in range(30):
        rows += [f"L{number}\tG{number}_{i}\t{'Mus musculus' if number == 7 else ''}" for i in range(3)]
    rows += ["L3\tlate_gene\t", "L4\t  \t", ""]
    path = tmp_path / "lists.tsv"
    path.write_text("\n".join(rows))
    every = read_gene_lists(path)
    wanted = {"L3", "L7", "L29", "absent"}
    some = read_gene_lists(path, wanted)
    assert some == [gene_list for gene_list in every if gene_list.name in wanted]
    assert [gene_list.source.rsplit(" ", 1)[1] for gene_list in some] == ["12", "24", "90"]
    assert some[0].genes[-1] == "late_gene" and some[1].species == "Mus musculus"
    quoted = tmp_path / "quoted.tsv"
    quoted.write_text('list\tgene\nL1\t"A"\nL2\tB\n')  # quotes: read whole, then picked
    assert [g.genes for g in read_gene_lists(quoted, {"L2"})] == [("B",)]
