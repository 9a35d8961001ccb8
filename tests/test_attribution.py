"""Attribution extraction: hand-made sentences per pattern, the example article, PolNeAR."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from newscope.attribution import annotate_jsonl, extract_attributions, find_quotes
from newscope.attribution.cues import ADDRESSEE_CUES, CLAUSE_ONLY_CUES, CUE_NOUNS, CUE_VERBS, cue_class
from newscope.lexicon import rows
from newscope.records import Mention
from newscope.resolve.speakers import link_speakers


def _run(nlp, text: str, mentions=None) -> list[dict]:
    return extract_attributions(nlp(text), mentions)


def _one(attrs: list[dict], cue: str) -> dict:
    hits = [a for a in attrs if a["cue_text"] and cue in a["cue_text"]]
    assert len(hits) == 1, [(a["cue_text"], a["content_text"]) for a in attrs]
    return hits[0]


def _check_offsets(text: str, attrs: list[dict]) -> None:
    for a in attrs:
        for role in ("source", "cue", "content"):
            s, e = a[f"{role}_start"], a[f"{role}_end"]
            if s is not None:
                assert 0 <= s < e <= len(text)
                assert text[s:e] == a[f"{role}_text"]


# ----------------------------------------------------------------- quote marks
@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "yes" and "no".', ['"yes"', '"no"']),
        ("“Curly,” she said, “quotes.”", ["“Curly,”", "“quotes.”"]),
        ("''Typewriter,'' he said.", ["''Typewriter,''"]),
        ("“Outer ‘inner’ text”", ["“Outer ‘inner’ text”"]),
        ("Stray closing ” mark and “unclosed quote", ["“unclosed quote"]),
        ("“Runs on\n\n“and ends here.”", ["“Runs on", "“and ends here.”"]),
        ("no quotes at all", []),
        ("”Fear. I am afraid.” ― Edwin", ["”Fear. I am afraid.”"]),
        ("“I’d rather live in what he calls “hell” than here.” ― Ana", ["“I’d rather live in what he calls “hell” than here.”"]),
        ("“He has “the root of all evil’.” ― Lastra", ["“He has “the root of all evil’.”"]),
    ],
)
def test_find_quotes(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in find_quotes(text)] == expected


# ----------------------------------------------------------------- one pattern each
def test_direct_quote_speaker_after(nlp) -> None:
    text = "“We will win this fight,” the senator said."
    a = _one(_run(nlp, text), "said")
    assert a["content_text"] == "“We will win this fight,”"
    assert a["source_text"] == "the senator"
    assert a["kind"] == "direct" and a["cue_lemma"] == "say"


def test_speaker_after_a_quote_with_its_own_subject(nlp) -> None:
    # the parser hangs "reaction" (inside the quote) on "said" too
    text = "“My reaction, that was outrageous,” Obama's former campaign strategist said in an interview."
    a = _one(_run(nlp, text), "said")
    assert a["source_text"] == "Obama's former campaign strategist"
    text = "“He would be a great senator,” Rep. Elijah E. Cummings (D-Md.) said in a phone interview."
    assert _one(_run(nlp, text), "said")["source_text"] == "Rep. Elijah E. Cummings (D-Md.)"


@pytest.mark.parametrize(("text", "source"), [
    ("The governor held a news conference announcing that the state would reopen.", "The governor"),
    ("Officials issued a statement saying that the talks had failed.", "Officials"),
    ("Protesters gathered outside, with organizers saying that the march would continue.", "organizers"),
    ("The Times obtained a memo saying that the agency had been warned.", "a memo"),  # not its author
    ("The newspaper published a letter from the mayor saying that she would resign.", "the mayor"),
])
def test_participle_on_an_occasion_or_document_takes_the_clause_subject(nlp, text: str, source: str) -> None:
    assert _one(_run(nlp, text), "ing")["source_text"] == source


def test_quote_framed_by_verb_outside_lexicon(nlp) -> None:
    text = "“That would have been a demonstration of good faith,” Toomey fumed on Tuesday."
    a = _one(_run(nlp, text), "fumed")
    assert a["source_text"] == "Toomey"
    assert a["content_text"] == "“That would have been a demonstration of good faith,”"


def test_direct_quote_after_colon(nlp) -> None:
    text = "The senator said: “We will win the vote next week.”"
    a = _one(_run(nlp, text), "said")
    assert a["content_text"] == "“We will win the vote next week.”"
    assert a["source_text"] == "The senator"


def test_split_quote_is_one_content(nlp) -> None:
    text = "“We struck first,” the general said, “and we will strike again.”"
    attrs = _run(nlp, text)
    a = _one(attrs, "said")
    assert a["content_start"] == 0 and a["content_end"] == len(text)
    assert a["kind"] == "direct"


def test_next_quote_with_its_own_cue_is_not_merged(nlp) -> None:
    text = ("“This just isn’t right,” Warren said. “You squeezed employees to the breaking point” "
            "to drive up the stock price, she said.\n\nThe hearing went on.")
    attrs = _run(nlp, text)
    first = min(attrs, key=lambda a: a["content_start"])
    assert first["content_text"] == "“This just isn’t right,”"
    assert any(a["content_text"].startswith("“You squeezed") and a["source_text"] == "she" for a in attrs)


def test_writer_aside_after_a_comma_is_not_content(nlp) -> None:
    attrs = _run(nlp, "Obama said he was worried about the reality of climate change, which makes him an "
                      "outlier among world leaders.")
    assert _one(attrs, "said")["content_text"] == "he was worried about the reality of climate change"
    attrs = _run(nlp, "Clinton said that Crutcher had his hands in the air, contradicting the police account.")
    assert _one(attrs, "said")["content_text"] == "that Crutcher had his hands in the air"


def test_gerund_cue_after_a_preposition_takes_the_clause_subject(nlp) -> None:
    attrs = _run(nlp, "On Tuesday they published their check by announcing that the statement was true.")
    assert _one(attrs, "announcing")["source_text"] == "they"


def test_nested_attribution_inside_a_statement_is_part_of_it(nlp) -> None:
    attrs = _run(nlp, "Flynn says Trump was right in saying generals reduced Raqqa to rubble.")
    assert [(a["source_text"], a["cue_text"]) for a in attrs] == [("Flynn", "says")]


def test_reported_speech_with_that(nlp) -> None:
    text = "Officials said that the talks had failed."
    a = _one(_run(nlp, text), "said")
    assert a["content_text"] == "that the talks had failed"
    assert a["kind"] == "indirect"
    assert a["speaker_type"] == "anonymous"


def test_told_channel_and_anonymous(nlp) -> None:
    text = "A military source told AFP that troops had entered the town."
    a = _one(_run(nlp, text), "told")
    assert a["channel"] == "AFP"
    assert a["source_text"] == "A military source"
    assert a["speaker_type"] == "anonymous"
    assert a["content_text"].startswith("that troops")


def test_interview_channel(nlp) -> None:
    text = "The president said in an interview with a German newspaper that he would not resign."
    a = _one(_run(nlp, text), "said")
    assert a["channel"] == "a German newspaper"


def test_according_to(nlp) -> None:
    text = "The economy grew by three percent last year, according to the World Bank."
    attrs = _run(nlp, text)
    a = [x for x in attrs if x["kind"] == "according-to"]
    assert len(a) == 1
    assert a[0]["source_text"] == "the World Bank"
    assert a[0]["cue_text"] == "according to"
    assert a[0]["content_text"] == "The economy grew by three percent last year"


def test_poll_as_source(nlp) -> None:
    text = "In a new Fox poll, Cruz had 38 percent support among likely voters."
    a = _one(_run(nlp, text), "In")
    assert a["source_text"] == "a new Fox poll"
    assert a["content_text"] == "Cruz had 38 percent support among likely voters"


def test_mixed_quote(nlp) -> None:
    text = "Mr. Smith called the plan “a complete disaster” for the country."
    a = _one(_run(nlp, text), "called")
    assert a["kind"] == "mixed"
    assert "“a complete disaster”" in a["content_text"]


def test_nominal_cue(nlp) -> None:
    text = "Mr. Trump's claim that his net worth exceeds ten billion dollars was disputed."
    a = _one(_run(nlp, text), "claim")
    assert a["source_text"] == "Mr. Trump"
    assert a["content_text"] == "that his net worth exceeds ten billion dollars"


def test_a_claim_with_no_holder_is_the_writers_own(nlp) -> None:
    # nobody holds "growing fears", "is expected to" or "it seems": the writer's voice
    assert _run(nlp, "There are growing fears that the deal will collapse before the summit.") == []
    assert _run(nlp, "The report ignored the fact that the bill had passed.") == []
    assert _run(nlp, "The senator was widely expected to announce her retirement.") == []
    assert _run(nlp, "It seems the plan is unrealistic.") == []


def test_cue_the_parser_left_without_subject_takes_the_name_before_it(nlp) -> None:
    # "Clinton" is parsed as the object of "in", "said" has no subject
    a = _one(_run(nlp, "At a rally with supporters in Ohio Clinton said that the race would be close."), "said")
    assert a["source_text"] == "Clinton"
    assert a["content_text"] == "that the race would be close"
    assert _run(nlp, "Add a comment that is kind.") == []  # an imperative has no speaker


def test_quote_after_cue_and_comma_without_a_clause_in_the_parse(nlp) -> None:
    # the parser sometimes leaves the quoted clause unattached ("won" labelled punct)
    words = ["Trump", "said", ",", "“", "We", "won", "it", ".", "”"]
    doc = Doc(
        nlp.vocab,
        words=words,
        spaces=[True, False, True, False, True, True, False, False, False],
        heads=[1, 1, 1, 1, 5, 1, 5, 5, 1],
        deps=["nsubj", "ROOT", "punct", "punct", "nsubj", "punct", "dobj", "punct", "punct"],
        pos=["PROPN", "VERB", "PUNCT", "PUNCT", "PRON", "VERB", "PRON", "PUNCT", "PUNCT"],
        tags=["NNP", "VBD", ",", "``", "PRP", "VBD", "PRP", ".", "''"],
        lemmas=["Trump", "say", ",", '"', "we", "win", "it", ".", '"'],
    )
    a = _one(extract_attributions(doc), "said")
    assert (a["source_text"], a["content_text"]) == ("Trump", "“We won it.”")


@pytest.mark.parametrize(("text", "cue", "content"), [
    ("The statement read: “We will appeal the ruling.”", "read", "“We will appeal the ruling.”"),
    ("She added that the talks would resume.", "added", "that the talks would resume"),
    ("The researchers found that the drug worked.", "found", "that the drug worked"),
])
def test_speech_only_cue_with_a_clause_or_quote(nlp, text: str, cue: str, content: str) -> None:
    assert _one(_run(nlp, text), cue)["content_text"] == content


@pytest.mark.parametrize("text", [
    "The economy added 200,000 jobs in May.",
    "He read the bill twice.",
    "The researchers found a way around the rule.",
])
def test_speech_only_cue_with_an_object_is_not_an_attribution(nlp, text: str) -> None:
    assert _run(nlp, text) == []


@pytest.mark.parametrize("text", ["The visa program is known as EB-5.", "The suspect was seen leaving the bank."])
def test_agentless_know_and_see_describe(nlp, text: str) -> None:
    assert _run(nlp, text) == []


def test_parenthetical_cue_keeps_source(nlp) -> None:
    text = "The museum, Mr. Bush said, celebrated several of his heroes."
    a = _one(_run(nlp, text), "said")
    assert a["source_text"] == "Mr. Bush"
    assert a["content_start"] == 0


def test_cue_set_off_by_commas_inside_its_content(nlp) -> None:
    text = ("The middle fifth paid 8.9 percent, the agency said in a June report, and those in the bottom fifth "
            "paid 0.8 percent.")
    a = _one(_run(nlp, text), "said")
    assert a["source_text"] == "the agency"
    assert a["content_text"] == text.rstrip(".")


@pytest.mark.parametrize("text", [
    "The economy is strong, the official said on Tuesday, citing new data.",
    "The economy is strong, the minister said, adding that growth would continue.",
])
def test_cue_followed_by_its_own_adjunct_is_not_set_off(nlp, text: str) -> None:
    assert _one(_run(nlp, text), "said")["content_text"] == "The economy is strong"


def test_speaker_after_indirect_content(nlp) -> None:
    text = "The army took control of the village on Sunday, the Observatory said."
    a = _one(_run(nlp, text), "said")
    assert a["content_text"] == "The army took control of the village on Sunday"
    assert a["source_text"] == "the Observatory"


def test_pronoun_resolves_to_earlier_person(nlp) -> None:
    text = "John Smith arrived in Paris on Monday. He said the plan would fail."
    a = _one(_run(nlp, text), "said")
    assert a["source_text"] == "He"
    assert a["speaker"] == "John Smith"
    assert text[a["speaker_start"] : a["speaker_end"]] == "John Smith"
    assert a["speaker_type"] == "person"


def test_definite_description_resolves(nlp) -> None:
    text = (
        "The Syrian Observatory for Human Rights reported heavy clashes in the north. "
        "The fighting continued overnight, the Observatory said."
    )
    a = _one(_run(nlp, text), "said")
    assert a["speaker"] == "Syrian Observatory for Human Rights"
    assert a["speaker_type"] == "organization"


def test_mentions_from_entity_layer_are_used(nlp) -> None:
    text = "Assad spoke on Sunday. He said the war would end soon."
    mentions = [Mention(start=0, end=5, text="Assad", label="PERSON", sentence=0, paragraph=0, key="Bashar al-Assad")]
    a = _one(_run(nlp, text, mentions), "said")
    assert a["speaker"] == "Bashar al-Assad"
    assert (a["speaker_start"], a["speaker_end"]) == (0, 5)


def test_continuation_paragraph(nlp) -> None:
    text = (
        "Jane Doe, the party leader, said the party would fight on.\n\n"
        "“We will not give up. We have never given up and we never will.”\n\n"
        "The vote is on Friday."
    )
    attrs = _run(nlp, text)
    cont = [a for a in attrs if a["kind"] == "continuation"]
    assert len(cont) == 1
    assert cont[0]["content_text"].startswith("“We will not give up.")
    assert cont[0]["speaker"] == "Jane Doe"
    assert cont[0]["cue_text"] is None and cont[0]["source_text"] is None


def test_imperative_and_plain_narration_are_not_attributions(nlp) -> None:
    text = "Add a comment.\n\nThe army moved into the town on Sunday."
    assert _run(nlp, text) == []


def test_transcript_labels(nlp) -> None:
    text = "BLITZER: Why not debate in New York?\nBENENSON: We have debated many times already."
    attrs = _run(nlp, text)
    assert [a["source_text"] for a in attrs] == ["BLITZER", "BENENSON"]
    assert attrs[1]["content_text"] == "We have debated many times already."


def test_transcript_labels_inside_a_quoted_transcript(nlp) -> None:
    text = ('Partial transcript as follows:\n\n"WALLACE: Will Gennifer Flowers be there?\n\n'
            '"PENCE: Gennifer Flowers will not be attending the debate.\n\n"Follow Pam Key on Twitter')
    attrs = _run(nlp, text)
    labelled = [(a["source_text"], a["cue_text"], a["content_text"]) for a in attrs if a["source_text"]]
    assert labelled == [("WALLACE", ":", "Will Gennifer Flowers be there?"),
                        ("PENCE", ":", "Gennifer Flowers will not be attending the debate.")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            ["“", "”", '"', "''", "‘", "’", "he said", "Smith told AFP", "that", "we", "win", ",", ".", "\n", " ", ":"]
        ),
        max_size=30,
    )
)
def test_never_raises_on_quote_soup(nlp, parts: list[str]) -> None:
    text = " ".join(parts)
    attrs = _run(nlp, text)
    _check_offsets(text, attrs)


# ----------------------------------------------------------------- example article
@pytest.fixture(scope="module")
def example_attrs(nlp, example_text: str) -> list[dict]:
    return extract_attributions(nlp(example_text))


def _by_content(attrs: list[dict], fragment: str) -> dict:
    hits = [a for a in attrs if fragment in a["content_text"]]
    assert len(hits) == 1, (fragment, [a["content_text"][:60] for a in attrs])
    return hits[0]


def test_example_offsets_exact(example_text: str, example_attrs: list[dict]) -> None:
    _check_offsets(example_text, example_attrs)
    assert len(example_attrs) >= 20


@pytest.mark.parametrize(
    "fragment, speaker, speaker_type, channel, kind",
    [
        ("To resign is to flee", "Bashar al-Assad", "person", "Clarin newspaper", "direct"),
        ("he will not resign before", "Bashar al-Assad", "person", "an Argentine newspaper", "indirect"),
        ("of working with Hezbollah", "Syrian National Council", "organization", None, "mixed"),
        ("We say to the countries", "Syrian National Council", "organization", None, "continuation"),
        ("four of the group’s members", "A source close to Hezbollah", "anonymous", "AFP", "indirect"),
        ("We struck from several fronts", "one soldier", "anonymous", "state television", "direct"),
        ("The armed men fled", "one soldier", "anonymous", None, "direct"),
        ("taking control of the rebel-held village", "Syrian Observatory for Human Rights", "organization", None, "indirect"),
        ("government forces were in control", "A military source", "anonymous", "AFP", "indirect"),
        ("If the army manages", "Rami Abdel Rahman", "person", None, "direct"),
        ("eight rockets fired from Syria", "National News Agency", "media", None, "indirect"),
        ("killed numerous terrorists", "State television", "media", None, "mixed"),
    ],
)
def test_example_article_speakers(
    example_attrs: list[dict], fragment: str, speaker: str, speaker_type: str, channel: str | None, kind: str
) -> None:
    a = _by_content(example_attrs, fragment)
    assert a["speaker"] == speaker
    assert a["speaker_type"] == speaker_type
    assert a["channel"] == channel
    assert a["kind"] == kind


def test_example_pronoun_speaker_points_to_earlier_mention(example_text: str, example_attrs: list[dict]) -> None:
    a = _by_content(example_attrs, "To resign is to flee")
    assert a["source_text"] == "he"
    assert a["speaker_start"] < a["source_start"]
    assert "Assad" in example_text[a["speaker_start"] : a["speaker_end"]]


def test_example_furniture_not_attributed(example_attrs: list[dict]) -> None:
    assert not [a for a in example_attrs if a["cue_lemma"] == "add" and "comment" in a["content_text"]]


# ----------------------------------------------------------------- corpus level
def test_link_speakers_vectorised() -> None:
    attrs = pd.DataFrame(
        {
            "article_id": ["a", "a", "b", "b"],
            "speaker": ["Assad", "one soldier", "SNC", "Obama"],
            "speaker_start": [10, None, 5, 100],
            "speaker_end": [15, None, 8, 105],
        }
    )
    mentions = pd.DataFrame(
        {
            "article_id": ["a", "a", "b", "c"],
            "start": [10, 40, 0, 100],
            "end": [15, 45, 8, 105],
            "entity_id": ["E1", "E2", "E3", "E4"],
        }
    )
    entities = pd.DataFrame({"entity_id": ["E1", "E2", "E3", "E4"], "name": ["Bashar al-Assad", "X", "Syrian National Council", "Barack Obama"]})
    out = link_speakers(attrs, mentions, entities)
    assert out["speaker_entity_id"].isna().tolist() == [False, True, False, True]
    assert out.loc[0, "speaker_entity_id"] == "E1" and out.loc[2, "speaker_entity_id"] == "E3"
    assert out.loc[0, "speaker"] == "Bashar al-Assad"
    assert out.loc[2, "speaker"] == "Syrian National Council"
    assert out.loc[1, "speaker"] == "one soldier"
    assert pd.isna(out.loc[3, "speaker_entity_id"])  # mention is in another article
    assert out.loc[3, "speaker"] == "Obama"


def test_link_speakers_picks_the_largest_overlap_then_the_first_mention() -> None:
    attrs = pd.DataFrame({"article_id": ["a", "a", "b"], "speaker": ["the Syrian Observatory", "Assad", "X"],
                          "speaker_start": [0, 30, 50], "speaker_end": [22, 35, 60]})
    mentions = pd.DataFrame({"article_id": ["a", "a", "a", "a", "b"], "start": [4, 11, 30, 30, 0],
                             "end": [10, 22, 35, 35, 100], "entity_id": ["SY", "OBS", "E1", "E2", "B"]})
    entities = pd.DataFrame({"entity_id": ["SY", "OBS", "E1", "E2", "B"], "name": ["Syria", "Observatory", "Assad", "A", "Long"]})
    out = link_speakers(attrs, mentions, entities)
    # 11 characters beat 6; equal overlaps go to the earlier mention; a span inside a long mention links
    assert out["speaker_entity_id"].tolist() == ["OBS", "E1", "B"]


def test_annotate_jsonl_roundtrip(nlp, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl.gz"
    recs = [
        {"id": "x1", "text": "“We will win,” the senator said.\n\nOfficials said that the talks had failed."},
        {"id": "x2", "text": ""},
        {"id": "x3", "text": "“Unbalanced ” ” “ quote soup '' \" said he"},
    ]
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in recs)
    out = tmp_path / "out.jsonl"
    assert annotate_jsonl(src, out, nlp, progress=False) == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["x1", "x2", "x3"]
    first = rows[0]["attributions"]
    assert len(first) == 2
    s, e, t = first[0]["content"]
    assert recs[0]["text"][s:e] == t
    assert first[1]["source"][2] == "Officials"
    assert rows[1]["attributions"] == []


def test_annotate_jsonl_bad_line_names_it(nlp, tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": 1, "text": "ok"}\n{not json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        annotate_jsonl(src, tmp_path / "o.jsonl", nlp, progress=False)


# ----------------------------------------------------------------- PolNeAR smoke test
@pytest.mark.shared
def test_polnear_dev_smoke(nlp, shared_data: Path, tmp_path: Path) -> None:
    gold_path = shared_data / "polnear" / "dev.jsonl.gz"
    with gzip.open(gold_path, "rt", encoding="utf-8") as fh:
        gold = [json.loads(line) for line in itertools.islice(fh, 6)]
    small = tmp_path / "dev6.jsonl"
    small.write_text("".join(json.dumps({"id": g["id"], "text": g["text"]}) + "\n" for g in gold), encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    assert annotate_jsonl(small, out, nlp, progress=False) == 6
    preds = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    found = total = 0
    for g, p in zip(gold, preds):
        assert p["attributions"], g["id"]
        spans = [a["content"][:2] for a in p["attributions"]]
        for a in p["attributions"]:
            s, e, t = a["content"]
            assert g["text"][s:e] == t
        for ga in g["attributions"]:
            if not ga["content"]:
                continue
            total += 1
            gs, ge = ga["content"][:2]
            found += any(2 * max(0, min(ge, e) - max(gs, s)) / ((ge - gs) + (e - s)) >= 0.5 for s, e in spans)
    assert found / total >= 0.5


# ----------------------------------------------------------------- cue lexicon
def test_cue_table_gives_each_lemma_one_class() -> None:
    classes: dict[str, set[str]] = {}
    for row in rows("cues"):
        assert row["pos"] in ("verb", "noun", "-") and row["class"] in ("neutral", "loaded", "other"), row
        assert row["clause_only"] in ("yes", "no") and row["addressee"] in ("yes", "no"), row
        classes.setdefault(row["lemma"], set()).add(row["class"])
    assert all(len(c) == 1 for c in classes.values()), {k: c for k, c in classes.items() if len(c) > 1}
    assert CLAUSE_ONLY_CUES | ADDRESSEE_CUES <= CUE_VERBS
    assert cue_class("claim") == "loaded" and "claim" in CUE_VERBS and "claim" in CUE_NOUNS


def test_attribution_sample_script_marks_the_spans(tmp_path):
    import subprocess
    import sys

    from newscope.config import PROJ_ROOT

    text = "In Damascus, a military source said troops were advancing."
    pd.DataFrame({"article_id": ["a"], "outlet": ["Rappler"], "date": ["2013-05-19"], "title": ["T"],
                  "authors": [None], "text": [text]}).to_parquet(tmp_path / "articles.parquet")
    s, c = text.index("a military source"), text.index("said")
    pd.DataFrame([{"article_id": "a", "source_start": s, "source_end": s + 17, "cue_start": c, "cue_end": c + 4,
                   "content_start": c + 5, "content_end": len(text) - 1, "kind": "indirect", "cue_lemma": "say",
                   "speaker": "a military source", "speaker_type": "anonymous", "channel": None}]
                 ).to_parquet(tmp_path / "attributions.parquet")
    done = subprocess.run([sys.executable, str(PROJ_ROOT / "scripts" / "draw_attributions.py"), str(tmp_path),
                           "-o", str(tmp_path / "s.md"), "--csv", str(tmp_path / "s.csv")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    sample = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert ("> In Damascus, [SOURCE a military source] <CUE said> {CONTENT troops were advancing}." in sample)
    assert "speaker 'a military source' (anonymous)" in sample
    assert pd.read_csv(tmp_path / "s.csv")["sample_index"].tolist() == [1]


@pytest.mark.parametrize("text, act", [
    ("The senator said the bill would pass.", "speech"),
    ("The senator tweeted that the bill would pass.", "speech"),
    ("The senator believes the bill will pass.", "stance"),
    ("The senator wants the bill to pass.", "stance"),
    ("“It will pass,” the senator said.", "speech"),
])
def test_each_attribution_is_speech_or_stance(nlp, text, act):
    found = _run(nlp, text)
    assert found and {a["act"] for a in found} == {act}


def test_unlisted_cues_are_speech_in_quotes_and_stance_otherwise():
    from newscope.attribution.cues import cue_act

    assert cue_act("fume", "direct") == "speech" and cue_act("fear", "indirect") == "stance"
    assert cue_act(None, "continuation") == "speech" and cue_act("according to", "according-to") == "speech"
    assert cue_act("Say", "indirect") == "speech"


@pytest.mark.parametrize("text", [
    "By signing up, you agree to receive email newsletters or alerts from POLITICO.",
    "If you want to stop unwanted pregnancies, fund contraception.",
])
def test_generic_you_is_nobody_s_attribution(nlp, text):
    assert not [a for a in _run(nlp, text) if (a["source_text"] or "").lower() == "you"]


def test_a_source_never_runs_over_a_line_break(nlp):
    text = ("Middle East trip\n\nMr. Obama’s top counterterrorism adviser, Lisa Monaco, told reporters that the "
            "threat was real.")
    a = _one(_run(nlp, text), "told")
    assert "\n" not in a["source_text"] and "\n" not in (a["speaker"] or "")
    assert a["source_text"].endswith("Lisa Monaco")


def test_each_speaker_entity_has_one_type() -> None:
    from newscope.resolve.speakers import unify_speaker_types

    attrs = pd.DataFrame({"speaker_entity_id": ["T", "T", "T", "U", "U", "U", None, "V", "W"],
                          "speaker_type": ["person", "organization", "organization", "official", "organization",
                                           "official", "anonymous", "unknown", "organization"]})
    entities = pd.DataFrame({"entity_id": ["T", "U", "V", "W"], "label": ["PERSON", "ORG", "ORG", "ORG"],
                             "name": ["Trump", "State Department", "Acme", "Roger Ailes"]})
    out = unify_speaker_types(attrs, entities)
    # W: named like a person (a clear first name), whatever the model's label
    assert out["speaker_type"].tolist() == ["person"] * 3 + ["official"] * 3 + ["anonymous", "unknown", "person"]


def test_an_entity_often_typed_a_person_is_a_person_speaker() -> None:
    from newscope.resolve.speakers import unify_speaker_types

    attrs = pd.DataFrame({"speaker_entity_id": ["K", "K", "K", "X", "X", "X", "X"],
                          "speaker_type": ["person", "organization", "organization",
                                           "person", "organization", "organization", "organization"]})
    entities = pd.DataFrame({"entity_id": ["K", "X"], "label": ["ORG", "ORG"],
                             "name": ["Kellyanne Conway", "Twitter"]})
    # K: a third of its attributions typed person (the model tagged her ORG elsewhere); X: a quarter
    assert unify_speaker_types(attrs, entities)["speaker_type"].tolist() == ["person"] * 3 + ["organization"] * 4


@pytest.mark.parametrize("text", ["Critics said the plan would fail.", "Investigators said the fire was set.",
                                  "Some users said the app crashed."])
def test_unnamed_groups_are_anonymous(nlp, text):
    assert _one(_run(nlp, text), "said")["speaker_type"] == "anonymous"


def test_speaker_gender_from_pronouns_titles_then_first_names() -> None:
    from newscope.resolve.speakers import speaker_genders

    attrs = pd.DataFrame({
        "article_id": ["a", "a", "a", "b", "b", "b", "b", "c"],
        "speaker": ["Bernie Sanders", "Bernie Sanders", "Nancy Pelosi", "Hillary Clinton", "Kim Park",
                    "Syrian National Council", "Taylor Swift", "Jo Smith"],
        "speaker_type": ["person", "person", "person", "person", "person", "organization", "person", "person"],
        "speaker_entity_id": ["S", "S", "P", "H", None, "O", "T", None],
        "source_text": ["He", "Sanders", "Pelosi", "Mrs. Clinton", "Kim Park", "The council", "Swift", "she"],
    })
    genders = speaker_genders(attrs).tolist()
    # "Bernie" is mostly female in the name list: the article's "he" decides
    assert genders == ["male", "male", "female", "female", "unknown", None, "unknown", "female"]
