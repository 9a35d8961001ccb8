"""Ingestion: raw files -> the ``articles``, ``rejected`` and ``boilerplate`` tables (see docs/DESIGN.md).

``ingest()`` (in ``pipeline.py``) runs these steps; each concept has its module:

1. find the input files and read their bytes as text (``discover.py``);
2. read records with the file's format reader (``readers.py``: one reader per format and the
   ``FORMATS`` table; a new format is a reader function and a table row);
3. map fields to ours (``fields.py``: ``FIELD_NAMES``, ``corpus.fields``, dates, domains, ids);
4. clean each text (``clean.py``: normalisation, page furniture, credits and datelines,
   repeated paragraphs; word lists in ``newscope/data/words/``);
5. find near duplicates (``duplicates.py``) and learn boilerplate lines per outlet domain
   (the outlet name when there is no domain), counting a group of near duplicates once so
   that a story republished many times is not mistaken for boilerplate;
6. remove the learned lines, assign ids, dates and outlets, group duplicates, build the tables.

Every record read ends up either in ``articles`` or in ``rejected`` with a reason from
``REJECT_REASONS``; ``ingested + rejected == read`` is checked at the end of every run:

- ``unreadable``: the file cannot be opened or decompressed (permissions, broken link, not a
  regular file, corrupt gzip)
- ``empty``: an empty or whitespace-only file, a CSV with only a header, an empty JSON list,
  a Parquet file without rows
- ``not-text``: binary content
- ``bad-json`` / ``bad-csv`` / ``bad-parquet``: a line or file that does not parse; the other
  lines of the file still load
- ``bad-record``: parsed, but not an object (e.g. a JSON list on a JSONL line)
- ``missing-text``: no text field, or only white space in it
- ``too-long``: text (as read) longer than ``corpus.max_chars``; such articles are rejected,
  not split, because a split article would count its entities and sources twice over
- ``boilerplate-only``: nothing left after cleaning
- ``duplicate-id``: the record's id (made filesystem-safe) was already taken by an earlier record
- ``duplicate``: with ``duplicates.keep: one``, every member of a duplicate group but the
  first (in input order) is moved here, its detail naming the kept article

Duplicates: exact = the same cleaned text (``content_hash``); near = word 5-gram shingle
Jaccard similarity >= ``duplicates.near_threshold`` (similarity is computed on the text after
built-in cleaning, before learned boilerplate is removed). Groups are the connected
components; a group whose members all share one text is ``exact``, otherwise ``near``;
``duplicate_group`` is the id of its first article. ``keep: all`` keeps all with weight 1,
``weight`` keeps all with weight 1/group size, ``one`` keeps the first of each group.

Metadata: ``outlet`` as given (else from the credit, "Rappler.com" -> "Rappler", else the
domain); ``outlet_domain`` from a domain field or the URL (else from the credit); dates
outside ``corpus.min_date``..``corpus.max_date`` (default: today) are nulled and counted;
``article_id`` is the given id made filesystem-safe (characters other than letters, digits,
``._-`` become ``_`` and a short hash of the original is appended), for ``.txt`` and
one-object ``.json`` files without an id the file's path under its input folder, else the
first 16 hex digits of the content hash (``-2``, ``-3``... for repeated texts).
"""

from newscope.ingest.discover import IngestError, decode_bytes, find_files
from newscope.ingest.fields import FIELD_NAMES, outlet_domain, parse_date, safe_id
from newscope.ingest.pipeline import (
    ARTICLE_COLUMNS,
    BOILERPLATE_COLUMNS,
    REJECT_REASONS,
    REJECTED_COLUMNS,
    IngestResult,
    ingest,
)
from newscope.ingest.readers import FORMATS, RawRecord, read_file

__all__ = [
    "ARTICLE_COLUMNS", "BOILERPLATE_COLUMNS", "FIELD_NAMES", "FORMATS", "REJECTED_COLUMNS", "REJECT_REASONS",
    "IngestError", "IngestResult", "RawRecord", "decode_bytes", "find_files", "ingest", "outlet_domain",
    "parse_date", "read_file", "safe_id",
]
