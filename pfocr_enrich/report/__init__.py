"""Stage 3, enrichment tables -> report: plots, HTML pages, other tools' table shapes
(clusterProfiler) and the run's provenance."""
