"""The ground floor: tokens, configs, the dataset schema, loading splits, files on disk, content
fingerprints and English lexical resources. Nothing here imports the corpus or evaluation side."""
