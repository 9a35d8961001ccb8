"""Corpus-level steps over the per-article rows: mentions -> entities, speakers -> entities."""
