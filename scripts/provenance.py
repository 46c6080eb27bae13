"""Rule provenance: package versions, the config as run and input checksums, as JSON and a page."""

import json
from pathlib import Path

from pfocr_enrich.config import read_settings
from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.pages import provenance_page
from pfocr_enrich.report.provenance import build_provenance, provenance_rows

with step_logging(snakemake.log[0]):
    # The config as run is the settings file every rule's own settings file was written with.
    config = read_settings(snakemake.input.settings[0])
    inputs = {role: [Path(p) for p in snakemake.input[role]] for role in snakemake.input.keys() if role != "settings"}
    provenance = build_provenance(config, inputs)
    Path(snakemake.output.json).write_text(json.dumps(provenance, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    Path(snakemake.output.page).write_text(provenance_page(provenance_rows(provenance)), encoding="utf-8")
