"""Corpus-level steps over the per-article rows: mentions -> entities (``entities``), speakers
-> entities (``speakers``). See docs/DESIGN.md."""
