"""The corpus-level steps over a rows folder (`newscope resolve`): per-article rows in,
the ``mentions``, ``entities`` and ``attributions`` tables out, with bounded memory.

Passes over the parts (see :mod:`newscope.resolve.parts`): the distinct names and counts
of articles over them (:class:`~newscope.resolve.corpus.MentionCorpus`), from which
:func:`~newscope.resolve.entities.resolve_names` decides the entities; then each part's
mentions get their entity (:func:`~newscope.resolve.entities.apply_names`), its speakers are
linked (:func:`~newscope.resolve.speakers.link_speakers`) while speaker-type and gender votes
are added up over the corpus, and a last pass gives each speaker entity one type and gender.
Only names, entities and votes are ever held whole; the tables are written part by part.
"""

from __future__ import annotations

import functools
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from newscope.config import Settings, resolve_path
from newscope.resolve.corpus import MentionCorpus
from newscope.resolve.entities import alias_table, apply_names, resolve_names
from newscope.resolve.parts import Engine, Rows, concat_parts
from newscope.resolve.speakers import gender_votes, link_speakers, speaker_genders, speaker_type_votes, unify_speaker_types
from newscope.tables import write_table

log = logging.getLogger(__name__)


@dataclass
class Resolved:
    """Row counts of the tables written and the shares ``dvc metrics`` shows."""

    mentions: int
    entities: int
    attributions: int
    direct: int
    anonymous: int

    def metrics(self, n_articles: int) -> dict:
        """Corpus-level counts and shares, for ``dvc metrics``."""
        share = lambda k: round(k / self.attributions, 4) if self.attributions else 0.0
        return {
            "articles": n_articles,
            "mentions": self.mentions,
            "entities": self.entities,
            "attributions": self.attributions,
            "attributions_per_article": round(self.attributions / n_articles, 3) if n_articles else 0.0,
            "share_direct": share(self.direct),
            "share_anonymous": share(self.anonymous),
        }


def resolve_rows(rows: Rows | str | Path, out_dir: str | Path, settings: Settings) -> Resolved:
    """Write ``mentions.parquet``, ``entities.parquet`` and ``attributions.parquet`` to
    ``out_dir`` from the rows folder ``rows``; ``settings.nlp`` chooses the engine (local
    threads or a Dask cluster), ``settings.entities.aliases`` the user's alias table."""
    rows = rows if isinstance(rows, Rows) else Rows(rows)
    parts = rows.parts()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    aliases = settings.entities.aliases and resolve_path(settings.entities.aliases)
    # beside the output, so that the workers of a cluster with a shared file system see it
    work = Path(tempfile.mkdtemp(prefix=".resolve-", dir=out_dir))
    try:
        with Engine(settings.nlp) as engine:
            corpus = MentionCorpus.from_rows(rows, engine, work / "codes")
            decisions, entities = resolve_names(corpus, alias_table(aliases))
            engine.map(functools.partial(_entities_part, rows=rows, work=work, decisions=decisions), parts,
                       desc="resolve: mentions")
            names = entities[["entity_id", "name", "label"]]
            types, genders = engine.fold(functools.partial(_link_part, rows=rows, work=work, entities=names),
                                         parts, _add_votes, desc="resolve: speakers")
            counts = engine.map(functools.partial(_speakers_part, work=work, entities=names, types=types,
                                                  genders=genders), parts, desc="resolve: speaker types")
        write_table(entities, out_dir / "entities.parquet")
        for table in ("mentions", "attributions"):
            concat_parts([work / table / f"{p}.parquet" for p in parts], out_dir / f"{table}.parquet")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = pd.DataFrame(counts).sum()
    return Resolved(mentions=int(total["mentions"]), entities=len(entities), attributions=int(total["attributions"]),
                    direct=int(total["direct"]), anonymous=int(total["anonymous"]))


def _entities_part(part: str, rows: Rows, work: Path, decisions: pd.DataFrame) -> None:
    Rows(work).write("mentions", part, apply_names(rows.read("mentions", part), decisions))


def _link_part(part: str, rows: Rows, work: Path, entities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    mentions = Rows(work).read("mentions", part, ["article_id", "start", "end", "entity_id"])
    linked = link_speakers(rows.read("attributions", part), mentions, entities)
    Rows(work).write("linked", part, linked)
    return speaker_type_votes(linked), gender_votes(linked, entities_only=True)


def _add_votes(x, y):
    types = pd.concat([x[0], y[0]]).groupby(["speaker_entity_id", "speaker_type"], as_index=False)["n"].sum()
    return types, x[1].add(y[1], fill_value=0)


def _speakers_part(part: str, work: Path, entities: pd.DataFrame, types: pd.DataFrame,
                   genders: pd.DataFrame) -> dict:
    out = unify_speaker_types(Rows(work).read("linked", part), entities, types)
    out["speaker_gender"] = speaker_genders(out, votes=genders)
    Rows(work).write("attributions", part, out)
    n_mentions = pd.read_parquet(Rows(work).path("mentions", part), columns=["article_id"]).shape[0]
    return {"mentions": n_mentions, "attributions": len(out), "direct": int(out["kind"].eq("direct").sum()),
            "anonymous": int(out["speaker_type"].eq("anonymous").sum())}
