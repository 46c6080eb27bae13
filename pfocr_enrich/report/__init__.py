"""Stage 3, enrichment tables -> report: plots, HTML pages (the significant figures, the figure
browser), other tools' table shapes (clusterProfiler) and the run's provenance."""
