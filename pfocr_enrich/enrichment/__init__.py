"""Stage 2, gene lists + GMT libraries -> enrichment tables: reads lists, maps IDs, runs the exact
hypergeometric test with multiple-testing correction, groups redundant sets, writes result tables."""
