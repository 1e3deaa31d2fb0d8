"""Evaluation harness: labelled tickets -> retrieval and answer metrics -> reports."""
