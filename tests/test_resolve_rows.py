"""The corpus-level steps over a rows folder: the same tables whatever the parts and the
engine (local threads, a Dask cluster), and the same as resolving the rows in memory."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from newscope.cli import main
from newscope.config import ConfigError, Settings
from newscope.nlp import annotate
from newscope.resolve.entities import resolve_entities
from newscope.resolve.parts import ROW_COLUMNS, Rows, write_rows
from newscope.resolve.pipeline import resolve_rows
from newscope.resolve.speakers import link_speakers, speaker_genders, unify_speaker_types

TEXTS = [
    "President Bashar al-Assad insisted he would not step aside. Assad spoke in Damascus.",
    "“We struck from several fronts,” one soldier told state television from Qusayr.",
    "The Syrian National Council (SNC) demanded a meeting. The SNC said the town was shelled.",
    "Angela Merkel met Emmanuel Macron in Paris on Monday, the French presidency said.",
    "A military source told AFP that government forces controlled the town centre. Assad said nothing.",
    "Mrs. Merkel said the talks had failed. “It is over,” Merkel told reporters in Berlin.",
]
SORT = {"mentions": ["article_id", "start"], "entities": ["entity_id"], "attributions": ["article_id", "content_start"]}


def settings(**nlp) -> Settings:
    s = Settings()
    s.nlp.cache_dir, s.nlp.n_process, s.nlp.batch_size = None, 1, 2
    for key, value in nlp.items():
        setattr(s.nlp, key, value)
    return s


def tables(folder) -> dict[str, pd.DataFrame]:
    out = {}
    for name, keys in SORT.items():
        df = pd.read_parquet(folder / f"{name}.parquet").sort_values(keys, ignore_index=True)
        if name == "entities":
            df["aliases"] = df["aliases"].map(list)
        out[name] = df.astype(object)
    return out


def assert_same(a: dict, b: dict) -> None:
    for name in SORT:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    """18 articles (each text three times, in other words' company), annotated once, their
    rows kept; the rows rewritten in parts of 4 articles."""
    root = tmp_path_factory.mktemp("annotated")
    texts = {f"a{i:02d}": f"{TEXTS[i % len(TEXTS)]} Day {i}." for i in range(18)}
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()),
                             "content_hash": [hashlib.sha256(t.encode()).hexdigest() for t in texts.values()]})
    annotate(articles, settings(), out_dir=root / "tables", rows_dir=root / "rows", progress=False)
    rows = Rows(root / "rows")
    m, a = (pd.concat([rows.read(t, p) for p in rows.parts()], ignore_index=True) for t in ("mentions", "attributions"))
    ids = sorted(set(m["article_id"]))
    chunks = [ids[i:i + 2] for i in range(0, len(ids), 2)]
    write_rows(((m[m["article_id"].isin(c)], a[a["article_id"].isin(c)]) for c in chunks), root / "parts", 4)
    return root, m, a


def test_parts_hold_whole_articles_sorted(annotated):
    root, m, _ = annotated
    rows = Rows(root / "parts")
    assert len(rows.parts()) > 3
    seen = set()
    for part in rows.parts():
        ids = rows.read("mentions", part)["article_id"]
        assert ids.is_monotonic_increasing and not seen & set(ids)
        seen |= set(ids)
    assert seen == set(m["article_id"])


def test_resolve_over_parts_is_resolve_in_memory(annotated, tmp_path):
    root, m, a = annotated
    mentions, entities = resolve_entities(m)
    attributions = unify_speaker_types(link_speakers(a, mentions, entities), entities)
    attributions["speaker_gender"] = speaker_genders(attributions)
    for name, df in (("mentions", mentions), ("entities", entities), ("attributions", attributions)):
        df.to_parquet(tmp_path / f"{name}.parquet", index=False)
    resolved = resolve_rows(root / "parts", tmp_path / "out", settings(n_process=2))
    assert_same(tables(tmp_path / "out"), tables(tmp_path))
    assert_same(tables(tmp_path / "out"), tables(root / "tables"))  # annotate resolved the same
    assert resolved.mentions == len(mentions) and resolved.entities == len(entities)
    assert {"person-bashar-al-assad", "person-angela-merkel"} <= set(entities["entity_id"])


def test_dask_cluster_gives_the_same_tables(annotated, tmp_path):
    root, _, _ = annotated
    resolve_rows(root / "parts", tmp_path / "local", settings())
    resolve_rows(root / "parts", tmp_path / "dask", settings(engine="dask", scheduler="local", n_process=2))
    assert_same(tables(tmp_path / "dask"), tables(tmp_path / "local"))


def test_resolve_command_and_its_errors(annotated, tmp_path, capsys):
    root, _, _ = annotated
    assert main(["resolve", str(root / "parts"), "--out", str(tmp_path / "cli")]) == 0
    assert_same(tables(tmp_path / "cli"), tables(root / "tables"))
    assert main(["resolve", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")]) == 2
    assert "nowhere: no per-article rows" in capsys.readouterr().err


def test_empty_rows_give_empty_tables(tmp_path):
    write_rows([], tmp_path / "rows")
    resolved = resolve_rows(tmp_path / "rows", tmp_path / "out", settings())
    assert (resolved.mentions, resolved.entities, resolved.attributions) == (0, 0, 0)
    out = tables(tmp_path / "out")
    assert {"article_id", "start", "entity_id"} <= set(out["mentions"].columns)
    assert {"speaker_entity_id", "speaker_gender"} <= set(out["attributions"].columns)


def test_bad_engine_is_a_clear_error(annotated, tmp_path):
    root, _, _ = annotated
    with pytest.raises(ConfigError, match="nlp.scheduler"):
        resolve_rows(root / "parts", tmp_path, settings(engine="dask", scheduler="yarn"))


def _tie_rows(article: str, *names: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": article, "start": 20 * i, "end": 20 * i + len(t), "text": t,
                          "label": "ORG", "sentence": 0, "paragraph": 0, "key": k} for i, (t, k) in enumerate(names)])


def test_equal_weight_spellings_give_one_name_whatever_the_row_and_part_order(tmp_path):
    # two spellings of one name, each written out and linked to "NTA" in one article; a third
    # article's unlinked "NTA" follows the corpus's first link (by article id: "a2"), which
    # breaks the tie, in memory (rows in any order) as over parts of one article each
    b1 = _tie_rows("b1", ("Nova-Terra Accord", "Nova-Terra Accord"), ("NTA", "Nova-Terra Accord"))
    a2 = _tie_rows("a2", ("Nova Terra Accord", "Nova Terra Accord"), ("NTA", "Nova Terra Accord"))
    c3 = _tie_rows("c3", ("NTA", "NTA"))
    no_attributions = pd.DataFrame(columns=ROW_COLUMNS["attributions"])
    write_rows(((m, no_attributions) for m in (b1, a2, c3)), tmp_path / "rows", 1)
    resolve_rows(tmp_path / "rows", tmp_path / "out", settings(n_process=2))
    parts = pd.read_parquet(tmp_path / "out" / "entities.parquet")
    for order in ((b1, a2, c3), (c3, b1, a2), (a2, c3, b1)):
        mentions, entities = resolve_entities(pd.concat(order, ignore_index=True))
        assert list(entities["name"]) == list(parts["name"]) == ["Nova Terra Accord"]
        assert set(mentions["entity_id"]) == {"org-nova-terra-accord"}
