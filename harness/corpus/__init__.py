"""The corpus side: clean sources in, spun and aligned dataset out (sources, spinners, aligner,
build, data card, pair import, statistics)."""
