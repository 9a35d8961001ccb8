"""The attribution exchange format (PolNeAR-style JSONL): ``newscope attributions``.

One line per article: ``{"id", "attributions": [{"source", "cue", "content", "speaker",
"speaker_type", "kind", "act"}]}``, each span ``[start, end, text]`` or null, offsets into the
text as given (no cleaning). ``newscope evaluate`` scores files of this format.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language
from tqdm.auto import tqdm

from newscope.attribution.extract import extract_attributions
from newscope.config import ConfigError
from newscope.model import load_model
from newscope.tables import read_jsonl

log = logging.getLogger(__name__)


def to_record(a: dict) -> dict:
    """One extractor row as an attribution of the exchange JSONL."""

    def trip(role: str) -> list | None:
        s = a[f"{role}_start"]
        return None if s is None else [s, a[f"{role}_end"], a[f"{role}_text"]]

    return {
        "source": trip("source"),
        "cue": trip("cue"),
        "content": trip("content"),
        "speaker": a["speaker"],
        "speaker_type": a["speaker_type"],
        "kind": a["kind"],
        "act": a["act"],
    }


def annotate_jsonl(in_path: Path, out_path: Path, nlp: Language | None = None, *,
                   labels: Sequence[str] | None = None, scheme: str = "voices", progress: bool = True) -> int:
    """Extract attributions for each ``{"id", "text"}`` line of ``in_path`` into ``out_path``
    (speakers resolved to the entity mentions of ``labels``; ``scheme`` ``voices`` or
    ``polnear``, see :func:`extract_attributions`).

    No cleaning is applied, so offsets index the given text. A record the extractor fails
    on gets an empty list and a logged warning. Returns the number of records written.
    """
    in_path, out_path = Path(in_path), Path(out_path)
    nlp = nlp or load_model()
    recs = list(read_jsonl(in_path))
    for i, rec in enumerate(recs, 1):
        if not isinstance(rec.get("text"), str):
            raise ConfigError(f'{in_path}: record {i} (id {rec.get("id")!r}) has no string "text" field')
    out_path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with out_path.open("w", encoding="utf-8") as fh:
        docs = nlp.pipe((r["text"] for r in recs), batch_size=32)
        bar = tqdm(zip(recs, docs), total=len(recs), disable=not (progress and sys.stderr.isatty()), desc="attributions")
        for rec, doc in bar:
            try:
                attrs = [to_record(a) for a in extract_attributions(doc, labels=labels, scheme=scheme)]
            except Exception:  # one bad record must not stop a corpus run
                log.warning("attribution extraction failed on record %r", rec.get("id"), exc_info=True)
                attrs = []
            fh.write(json.dumps({"id": rec.get("id"), "attributions": attrs}, ensure_ascii=False) + "\n")
            n += 1
    return n
