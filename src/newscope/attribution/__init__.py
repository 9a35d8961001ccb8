"""Quotes and reported speech -> (source, cue, content, speaker), by rules over the parse.

The extractor works on a parsed spaCy ``Doc`` and returns character offsets into
``doc.text`` exactly (no cleaning). Patterns covered: reported speech with a cue verb
("X said (that) ...", "X told AFP ...", passive and phrasal cues), direct quotes with the
speaker before, inside or after the quote, mixed quotes, "according to X", quotes running
over several sentences or paragraphs, and speakerless quote paragraphs that continue the
previous speaker. Speakers are resolved from pronouns and definite descriptions to earlier
named mentions.

Where things are (see also docs/DESIGN.md):

- ``extract.py``: the order the rules run in; ``builder.py``: the candidate builder every
  rule adds to (clean-up, quote expansion, direct/mixed/indirect, dedupe);
- ``rules.py``: rules run at a token (verb cues, noun cues, "according to", polls);
  ``quote_rules.py``: rules run over quote marks and lines (colon quotes, framed quotes,
  transcript labels, dash credits, continuations);
- ``cues.py``: the cue lexicon (``data/words/cues.tsv``) and cue classes; ``tree.py``:
  parse-tree helpers; ``quotes.py``: quote marks; ``spans.py``: character spans;
- ``speakers.py``: in-article speaker resolution; ``exchange.py``: the JSONL exchange
  format of ``newscope attributions``.

>>> from newscope.model import load_model
>>> doc = load_model()("“We will win,” the senator said.")
>>> [a["cue_lemma"] for a in extract_attributions(doc)]
['say']
"""

from newscope.attribution.exchange import annotate_jsonl, to_record
from newscope.attribution.extract import extract_attributions
from newscope.attribution.quotes import find_quotes
from newscope.attribution.spans import dice

__all__ = ["annotate_jsonl", "dice", "extract_attributions", "find_quotes", "to_record"]
