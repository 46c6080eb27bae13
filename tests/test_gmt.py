"""The GMT writer and reader: round trips, dirty real files, ambiguous ones."""

from pathlib import Path

import pytest

from pfocr_enrich.errors import InputError
from pfocr_enrich.gmt import read_gmt, write_gmt


def test_write_folds_titles_and_uses_unix_newlines(tmp_path: Path):
    path = tmp_path / "x.gmt"
    write_gmt(path, [("F1", "a\ttitle\nwith   spaces", ["1", "2"]), ("F2", "", ["3"])])
    assert path.read_bytes() == b"F1\ta title with spaces\t1\t2\nF2\tF2\t3\n"


def test_round_trip(tmp_path: Path):
    path = tmp_path / "x.gmt"
    write_gmt(path, [("F1", "T1", ["7157", "207"])])
    library = read_gmt(path)
    assert [(s.name, s.description, s.genes) for s in library.sets] == [("F1", "T1", ("7157", "207"))]


def test_reader_forgives_blank_fields_trailing_tabs_crlf_and_repeated_genes(tmp_path: Path):
    path = tmp_path / "dirty.gmt"
    path.write_bytes(b"\xef\xbb\xbfS1\t\tA\t\tB\tA\t\t\r\n\r\nS2\tdesc\tC\r\n")
    library = read_gmt(path)
    assert [(s.name, s.genes) for s in library.sets] == [("S1", ("A", "B")), ("S2", ("C",))]
    assert any("repeated" in note for note in library.notes)


def test_empty_set_is_left_out_and_noted(tmp_path: Path):
    path = tmp_path / "x.gmt"
    path.write_text("S1\tdesc\nS2\tdesc\tA\n")
    library = read_gmt(path)
    assert [s.name for s in library.sets] == ["S2"] and library.empty_sets[0].line == 1


def test_duplicate_set_names_name_both_lines(tmp_path: Path):
    path = tmp_path / "x.gmt"
    path.write_text("S1\td\tA\nS2\td\tB\nS1\td\tC\n")
    with pytest.raises(InputError, match="line 1 and line 3"):
        read_gmt(path)


def test_file_without_sets_is_an_error(tmp_path: Path):
    path = tmp_path / "x.gmt"
    path.write_text("\n")
    with pytest.raises(InputError, match="no gene sets"):
        read_gmt(path)


def test_real_third_party_libraries_read(shared_dir: Path):
    hallmark = read_gmt(shared_dir / "gmt_other/h.all.v7.0.symbols.gmt")
    go = read_gmt(shared_dir / "gmt_other/enrichr.GO_Biological_Process_2021.gmt")
    assert len(hallmark.sets) == 50 and len(go.sets) == 6036
    assert go.sets[0].description == ""  # Enrichr leaves column 2 empty


def test_official_pfocr_human_library_reads(shared_dir: Path):
    library = read_gmt(shared_dir / "pfocr/gmt/pfocr_hs_3sets_20210426.gmt")
    assert len(library.sets) == 27164
    assert min(len(s.genes) for s in library.sets) == 3
