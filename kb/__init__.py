"""The knowledge store: documents, chunks, vectors, keyword index and retrieval.

`kb` imports none of the other top-level packages (ingest, copilot, eval).
"""
