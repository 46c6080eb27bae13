"""Species names as every stage spells them in file names and library names."""

import re


def species_token(species: str) -> str:
    """'Homo sapiens' -> 'Homo_sapiens', safe in a file name whatever the record says."""
    return re.sub(r"[^A-Za-z0-9]+", "_", species).strip("_") or "unknown_species"
