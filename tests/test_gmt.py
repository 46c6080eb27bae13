"""The GMT writer and reader: round trips, dirty real files, ambiguous ones."""

from pathlib import Path

import pytest

from pfocr_enrich.errors import InputError
from pfocr_enrich.gmt import RenamedSet, read_gmt, write_gmt


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


def test_duplicate_set_names_are_kept_under_unique_names_and_listed(tmp_path: Path):
    path = tmp_path / "x.gmt"
    # S1~2 is written on line 4: the renaming of line 3 skips it, and line 4 keeps its name.
    path.write_text("S1\td\tA\nS2\td\tB\nS1\td\tC\nS1~2\td\tD\nS1\td\tE\n")
    library = read_gmt(path)
    assert [(s.name, s.genes, s.line) for s in library.sets] == [
        ("S1", ("A",), 1),
        ("S2", ("B",), 2),
        ("S1~3", ("C",), 3),
        ("S1~2", ("D",), 4),
        ("S1~4", ("E",), 5),
    ]
    assert library.renamed == [RenamedSet(3, "S1", "S1~3"), RenamedSet(5, "S1", "S1~4")]
    assert any(note.startswith("2 set(s) renamed") and "'S1' x3" in note for note in library.notes)


def test_duplicate_set_names_name_both_lines_when_duplicates_are_errors(tmp_path: Path):
    path = tmp_path / "x.gmt"
    path.write_text("S1\td\tA\nS2\td\tB\nS1\td\tC\n")
    with pytest.raises(InputError, match="'S1' appears on line 1 and line 3. Set names must be unique"):
        read_gmt(path, duplicate_sets="error")


def test_unknown_duplicate_sets_mode_is_refused(tmp_path: Path):
    path = tmp_path / "x.gmt"
    path.write_text("S1\td\tA\n")
    with pytest.raises(ValueError, match="duplicate_sets"):
        read_gmt(path, duplicate_sets="keep")


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


def test_official_pfocr_mouse_library_loads_with_its_na_unmapped_sets_renamed(shared_dir: Path):
    library = read_gmt(shared_dir / "pfocr/gmt/pfocr_mm_20260215.gmt")
    assert len(library.sets) == 19627
    na_unmapped = [s.name for s in library.sets if s.name.split("~")[0] == "NA_unmapped"]
    assert na_unmapped == ["NA_unmapped"] + [f"NA_unmapped~{n}" for n in range(2, 94)]
    # The first keeps its name; the other 92 are renamed, each listed with its line.
    assert [(r.old_name, r.new_name) for r in library.renamed] == [
        ("NA_unmapped", f"NA_unmapped~{n}") for n in range(2, 94)
    ]
    assert library.renamed[0].line == 1318
    with pytest.raises(InputError, match="'NA_unmapped' appears on line 246 and line 1318"):
        read_gmt(shared_dir / "pfocr/gmt/pfocr_mm_20260215.gmt", duplicate_sets="error")
