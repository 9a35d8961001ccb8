"""Named-entity mentions, per article, and the names and alias tables they are resolved by.

* :mod:`~newscope.entities.names`: name normalisation, entity ids, the shape of a name
  (words, initials, can it be a person's name); the place for new person-name rules.
* :mod:`~newscope.entities.spans`: cleaning spaCy's entity spans into name spans.
* :mod:`~newscope.entities.linking`: linking the names of one article (short forms to the
  longer name they stand for).
* :mod:`~newscope.entities.mentions`: :func:`article_mentions`, the per-article step
  (cached) that runs the two above.
* :mod:`~newscope.entities.aliases`: the alias table format (``merge``, ``split``,
  ``ignore``, ``labels``), built-in and user tables.

The corpus-level step, one ``entity_id`` per canonical entity, is
:func:`newscope.resolve.entities.resolve_entities`. The word lists these modules read are in
``newscope/data/words/``. See docs/DESIGN.md.
"""

from newscope.entities.aliases import AliasTable, builtin_aliases, load_aliases
from newscope.entities.mentions import article_mentions
from newscope.entities.names import entity_id, normalize_name

__all__ = [
    "AliasTable",
    "article_mentions",
    "builtin_aliases",
    "entity_id",
    "load_aliases",
    "normalize_name",
]
