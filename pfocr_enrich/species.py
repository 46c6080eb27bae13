"""Species names as every stage spells them in file names and library names, and the species
whose NCBI gene_info files pfocr-enrich knows where to find."""

from __future__ import annotations

import re
from dataclasses import dataclass


def species_token(species: str) -> str:
    """'Homo sapiens' -> 'Homo_sapiens', safe in a file name whatever the record says."""
    return re.sub(r"[^A-Za-z0-9]+", "_", species).strip("_") or "unknown_species"


@dataclass(frozen=True)
class KnownSpecies:
    name: str  # as PFOCR records and config.yaml write it
    tax_id: str  # NCBI Taxonomy ID, as gene_info's #tax_id column gives it
    ncbi_group: str  # folder of its file under NCBI's gene/DATA/GENE_INFO/


# NCBI's per-species gene_info files: <group>/<Genus_species>.gene_info.gz. Yeast's file is
# the reference strain S288C's taxon, not the species' 4932.
KNOWN_SPECIES = (
    KnownSpecies("Homo sapiens", "9606", "Mammalia"),
    KnownSpecies("Mus musculus", "10090", "Mammalia"),
    KnownSpecies("Rattus norvegicus", "10116", "Mammalia"),
    KnownSpecies("Bos taurus", "9913", "Mammalia"),
    KnownSpecies("Sus scrofa", "9823", "Mammalia"),
    KnownSpecies("Danio rerio", "7955", "Non-mammalian_vertebrates"),
    KnownSpecies("Gallus gallus", "9031", "Non-mammalian_vertebrates"),
    KnownSpecies("Xenopus tropicalis", "8364", "Non-mammalian_vertebrates"),
    KnownSpecies("Drosophila melanogaster", "7227", "Invertebrates"),
    KnownSpecies("Caenorhabditis elegans", "6239", "Invertebrates"),
    KnownSpecies("Saccharomyces cerevisiae", "559292", "Fungi"),
    KnownSpecies("Arabidopsis thaliana", "3702", "Plants"),
)
_BY_TOKEN = {species_token(known.name): known for known in KNOWN_SPECIES}
_BY_TAX_ID = {known.tax_id: known for known in KNOWN_SPECIES}


def known_species(species: str) -> KnownSpecies | None:
    """The table's entry for `species` ("Homo sapiens" or "Homo_sapiens"), None if it has none."""
    return _BY_TOKEN.get(species_token(species))


def species_of_taxon(tax_id: str) -> str | None:
    """The species name of an NCBI Taxonomy ID, None if the table lacks it."""
    known = _BY_TAX_ID.get(tax_id)
    return known.name if known else None
