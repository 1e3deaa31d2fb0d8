"""Ingestion: sources -> documents -> chunks -> embeddings -> kb.

Pure stages composed by `ingest.pipeline.run`; this package never serves HTTP.
"""
