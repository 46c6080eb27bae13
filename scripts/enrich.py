"""Rule enrich_chunk: one chunk of gene lists against one library."""

from pathlib import Path

from pfocr_enrich.config import read_settings
from pfocr_enrich.enrichment.batch import ChunkJob, run_chunk
from pfocr_enrich.enrichment.engine import Settings
from pfocr_enrich.logs import step_logging

with step_logging(snakemake.log[0]):
    inputs, params = snakemake.input, snakemake.params
    settings = read_settings(inputs.settings)
    job = ChunkJob(
        library=Path(inputs.library),
        lists=Path(inputs.lists),
        list_names=tuple(params.list_names),
        id_maps=tuple(Path(p) for p in [*inputs.id_map, *inputs.user_id_maps]),
        species=params.species,
        background=Path(inputs.background[0]) if inputs.background else None,
        figures=Path(inputs.figures[0]) if inputs.figures else None,
        settings=Settings.from_config(settings["enrichment"], settings["report"]),
        id_tables=Path(inputs.id_tables[0]) if inputs.id_tables else None,
        per_list=settings["per_list_tables"],
        combined=settings["combined_tables"],
        entity=params.entity,
        entity_names=Path(inputs.entity_names[0]) if inputs.entity_names else None,
    )
    run_chunk(job, Path(snakemake.output[0]))
