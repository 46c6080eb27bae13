"""Stage 1, records -> gene sets: finds PFOCR figure records (folders, archives), reads both formats,
and builds per-species gene sets, figures.tsv, skipped.tsv and the symbol table for the GMT writer."""
