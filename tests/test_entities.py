"""The per-article entity layer (newscope.entities): span cleaning, within-article linking, names."""

from __future__ import annotations

import json
import re
from itertools import islice

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from newscope.entities import article_mentions, normalize_name
from newscope.records import Mention
from newscope.resolve.entities import resolve_entities

LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"]


def make_doc(nlp, text: str, ents: list[tuple[str, str]], sentences: list[str] = ()) -> Doc:
    """A tokenised doc with hand-set entities (``(surface, label)`` in text order, each at
    its next occurrence) and sentence starts at the given strings, independent of the NER model."""
    doc = nlp.make_doc(text)
    spans, pos = [], 0
    for surface, label, *after in ents:
        start = text.index(surface, text.index(after[0]) if after else pos)
        pos = start + len(surface)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, surface
        spans.append(span)
    doc.ents = spans
    if sentences:
        starts = {text.index(s) for s in sentences}
        for tok in doc:
            tok.is_sent_start = tok.idx in starts or tok.i == 0
    return doc


def keys(rows: list[Mention]) -> dict[str, str]:
    return {r.text: r.key for r in rows}


# --------------------------------------------------------------------------- cleaning


def test_spans_lose_determiners_titles_possessives_and_split_at_line_breaks(nlp):
    text = "Syrian forces storm Qusayr\n\nAgence France-Presse\n\nPresident Bashar al-Assad's army and The Arab League."
    doc = make_doc(nlp, text, [("Qusayr\n\nAgence France-Presse", "ORG"),
                               ("President Bashar al-Assad's", "PERSON"), ("The Arab League", "ORG")])
    rows = article_mentions(doc, LABELS)
    assert [r.text for r in rows] == ["Qusayr", "Agence France-Presse", "Bashar al-Assad", "Arab League"]
    for r in rows:
        assert text[r.start:r.end] == r.text


def test_titles_are_stripped_from_people_only(nlp):
    text = "Foreign Minister Sheikh Abdullah bin Zayed visited Sheikh Jarrah and met Mr. Smith."
    doc = make_doc(nlp, text, [("Foreign Minister Sheikh Abdullah bin Zayed", "PERSON"),
                               ("Sheikh Jarrah", "FAC"), ("Mr. Smith", "PERSON")])
    assert [r.text for r in article_mentions(doc, LABELS)] == ["Abdullah bin Zayed", "Sheikh Jarrah", "Smith"]


def test_function_words_and_lowercase_spans_are_dropped(nlp):
    text = "Summarize with AI\n\nHow jihadist groups grow"
    doc = make_doc(nlp, text, [("AI\n\nHow", "ORG"), ("jihadist", "NORP")])
    assert [r.text for r in article_mentions(doc, LABELS)] == ["AI"]


def test_spans_split_at_separators_but_not_inside_places_or_company_suffixes(nlp):
    text = ("Axios, Walmart and Apple, Inc. met in Washington, D.C. with ✓ Andrew Yang 12 and it’s Donald Trump. "
            "Photo: Paul Mounce - Corbis of Jean-Paul Sartre.")
    doc = make_doc(nlp, text, [("Axios, Walmart", "ORG"), ("Apple, Inc.", "ORG"), ("Washington, D.C.", "GPE"),
                               ("✓ Andrew Yang 12", "PERSON"), ("’s Donald Trump", "PERSON"),
                               ("Paul Mounce - Corbis", "PERSON"), ("Jean-Paul Sartre", "PERSON")])
    assert [r.text for r in article_mentions(doc, LABELS)] == [
        "Axios", "Walmart", "Apple, Inc.", "Washington, D.C.", "Andrew Yang", "Donald Trump", "Paul Mounce", "Corbis",
        "Jean-Paul Sartre"]


def test_leading_titles_are_cut_through(nlp):
    text = "House Speaker Nancy Pelosi met U.S. District Judge Timothy Kelly, Mark Judge and Fox's Megyn Kelly."
    doc = make_doc(nlp, text, [("House Speaker Nancy Pelosi", "PERSON"), ("U.S. District Judge Timothy Kelly", "PERSON"),
                               ("Mark Judge", "PERSON"), ("Fox's Megyn Kelly", "PERSON")])
    assert [r.text for r in article_mentions(doc, LABELS)] == [
        "Nancy Pelosi", "Timothy Kelly", "Mark Judge", "Megyn Kelly"]


def test_untagged_repeats_of_a_tagged_name_are_added(nlp):
    text = "Troops entered Qusayr. Later Qusayr fell. Qusayrs and Qusayr Province were calm."
    doc = make_doc(nlp, text, [("Qusayr", "GPE"), ("Qusayr Province", "GPE", "and")])
    for tok in doc:
        tok.pos_ = "PROPN" if tok.text[0].isupper() else "VERB"
    rows = article_mentions(doc, LABELS)
    starts = [m.start() for m in re.finditer(r"Qusayr\b", text)]
    assert [(r.start, r.text) for r in rows] == [(starts[0], "Qusayr"), (starts[1], "Qusayr"),
                                                       (starts[2], "Qusayr Province")]
    assert {r.key for r in rows[:2]} == {"Qusayr"}


def test_unwanted_labels_are_ignored(nlp):
    doc = make_doc(nlp, "Assad spoke on Sunday.", [("Assad", "PERSON"), ("Sunday", "DATE")])
    assert [r.label for r in article_mentions(doc, LABELS)] == ["PERSON"]
    assert article_mentions(doc, ["ORG"]) == []


def test_sentence_and_paragraph_indices(nlp):
    text = "Assad spoke. Putin listened.\n\nObama left.\n\n\n\nMerkel stayed."
    doc = make_doc(nlp, text, [(n, "PERSON") for n in ("Assad", "Putin", "Obama", "Merkel")],
                   sentences=["Assad", "Putin", "Obama", "Merkel"])
    rows = article_mentions(doc, LABELS)
    assert [(r.sentence, r.paragraph) for r in rows] == [(0, 0), (1, 0), (2, 1), (3, 2)]


# --------------------------------------------------------------------------- linking rules


def test_surname_and_first_name_link_to_the_full_name(nlp):
    text = "Bashar al-Assad spoke. Assad said Bashar would stay. Al-Assad left."
    doc = make_doc(nlp, text, [("Bashar al-Assad", "PERSON"), ("Assad", "PERSON"),
                               ("Bashar", "PERSON"), ("Al-Assad", "PERSON")])
    assert set(keys(article_mentions(doc, LABELS)).values()) == {"Bashar al-Assad"}


def test_ambiguous_surname_stays_unlinked(nlp):
    text = "Hillary Clinton and Bill Clinton arrived. Clinton spoke."
    doc = make_doc(nlp, text, [("Hillary Clinton", "PERSON"), ("Bill Clinton", "PERSON"), ("Clinton", "PERSON")])
    k = keys(article_mentions(doc, LABELS))
    assert k["Clinton"] == "Clinton"
    assert k["Hillary Clinton"] == "Hillary Clinton"


def test_mislabelled_surname_links_but_places_do_not(nlp):
    text = "Donald Trump spoke in West Virginia. The Trump campaign and Virginia voters."
    doc = make_doc(nlp, text, [("Donald Trump", "PERSON"), ("West Virginia", "GPE"),
                               ("Trump", "ORG"), ("Virginia", "GPE")])
    rows = article_mentions(doc, LABELS)
    k = keys(rows)
    assert k["Trump"] == "Donald Trump" and k["Virginia"] == "Virginia"
    assert {r.label for r in rows if r.key == "Donald Trump"} == {"PERSON"}


def test_acronym_defined_in_parentheses(nlp):
    text = "The Syrian National Council (SNC) met. Later the SNC denounced it."
    doc = make_doc(nlp, text, [("Syrian National Council", "ORG"), ("SNC", "ORG", "Later")])
    rows = article_mentions(doc, LABELS)
    # the first "(SNC)" is not tagged by NER: the definition adds it as a mention
    assert [(r.text, r.key) for r in rows] == [
        ("Syrian National Council", "Syrian National Council"),
        ("SNC", "Syrian National Council"),
        ("SNC", "Syrian National Council"),
    ]
    assert rows[1].start == text.index("SNC")


def test_parenthesised_acronym_must_fit_the_name(nlp):
    text = "The Syrian National Council (AFP) met. The AFP said so."
    doc = make_doc(nlp, text, [("Syrian National Council", "ORG"), ("AFP", "ORG")])
    assert keys(article_mentions(doc, LABELS))["AFP"] == "AFP"


def test_acronym_linked_by_initials_without_definition(nlp):
    text = "Agence France-Presse reported. A source told AFP. The Tea Party rallied; an agent wrote TP (taxpayer)."
    doc = make_doc(nlp, text, [("Agence France-Presse", "ORG"), ("AFP", "ORG"), ("Tea Party", "ORG"), ("TP", "ORG")])
    k = keys(article_mentions(doc, LABELS))
    assert k["AFP"] == "Agence France-Presse"
    assert k["TP"] == "TP"  # two letters may be anything: linked only where the text defines them


def test_short_head_links_to_the_organisation(nlp):
    text = ("The Syrian Observatory for Human Rights said so. The Observatory chief agreed. "
            "The Britain-based Observatory added more.")
    doc = make_doc(nlp, text, [("Syrian Observatory for Human Rights", "ORG"), ("Observatory", "PERSON"),
                               ("Observatory", "ORG")])
    rows = article_mentions(doc, LABELS)
    assert {r.key for r in rows} == {"Syrian Observatory for Human Rights"}
    # one label by vote; a tie goes to the full name's label
    assert {r.label for r in rows} == {"ORG"}


def test_no_head_from_a_plural_before_a_connector_nor_from_names_joined_by_and(nlp):
    text = ("Concerned Veterans for America lobbied. Veterans are still waiting. Citadel Securities and Virtu "
            "Financial trade stocks; Citadel Securities grew.")
    doc = make_doc(nlp, text, [("Concerned Veterans for America", "ORG"), ("Veterans", "ORG"),
                               ("Citadel Securities and Virtu Financial", "ORG"), ("Citadel Securities", "ORG")])
    k = keys(article_mentions(doc, LABELS))
    assert (k["Veterans"], k["Citadel Securities"]) == ("Veterans", "Citadel Securities")


def test_other_courtesy_title_is_another_family_member(nlp):
    text = "Bill Craig voted early. “It matters,” Mr. Craig said. “I agree,” said Ms. Craig, 66. Mr. Craig left."
    doc = make_doc(nlp, text, [("Bill Craig", "PERSON"), ("Craig", "PERSON"), ("Craig", "PERSON"),
                               ("Craig", "PERSON")])
    rows = article_mentions(doc, LABELS)
    assert [r.key for r in rows] == ["Bill Craig", "Craig", "Craig", "Craig"]  # which one is Bill?
    text = "Bill Craig voted early. “It matters,” Mr. Craig said. Mr. Craig left."
    doc = make_doc(nlp, text, [("Bill Craig", "PERSON"), ("Craig", "PERSON"), ("Craig", "PERSON")])
    assert {r.key for r in article_mentions(doc, LABELS)} == {"Bill Craig"}


def test_standalone_heads_and_ambiguous_heads_stay_apart(nlp):
    text = ("The White House and the House disagreed. The New Orleans Police Department: the Department. "
            "A Democratic Senate would block it, the Senate majority said.")
    doc = make_doc(nlp, text, [("White House", "ORG"), ("House", "ORG"), ("New Orleans Police Department", "ORG"),
                               ("Department", "ORG"), ("Democratic Senate", "ORG"), ("Senate", "ORG")])
    k = keys(article_mentions(doc, LABELS))
    assert k["House"] == "House" and k["Department"] == "Department" and k["Senate"] == "Senate"


def test_first_name_after_a_capitalised_word_is_someone_else(nlp):
    text = ("Francis Rooney met Michael Avenatti. Pope Francis prayed as Hurricane Michael hit. "
            "Francis smiled. Chairman Kim met Kim Jong Un.")
    doc = make_doc(nlp, text, [("Francis Rooney", "PERSON"), ("Michael Avenatti", "PERSON"), ("Francis", "PERSON"),
                               ("Michael", "PERSON"), ("Francis", "PERSON"), ("Kim", "PERSON"),
                               ("Kim Jong Un", "PERSON")])
    rows = article_mentions(doc, LABELS)
    linked = [(r.text, r.key) for r in rows if r.text in ("Francis", "Michael", "Kim")]
    assert linked == [("Francis", "Francis"), ("Michael", "Michael"), ("Francis", "Francis Rooney"),
                      ("Kim", "Kim Jong Un")]


def test_heads_of_possessive_phrases_and_people_do_not_link(nlp):
    text = ("Lessig's Electoral College plan failed; the Electoral College met. "
            "Jeb Bush & Associates paid Jeb Bush.")
    doc = make_doc(nlp, text, [("Lessig's Electoral College", "ORG"), ("Electoral College", "ORG"),
                               ("Jeb Bush & Associates", "ORG"), ("Jeb Bush", "PERSON")])
    k = keys(article_mentions(doc, LABELS))
    assert k["Electoral College"] == "Electoral College" and k["Jeb Bush"] == "Jeb Bush"


def test_head_that_may_name_another_institution_of_the_article_does_not_link(nlp):
    text = ("Alder Hey Children's Hospital sent him to Bambino Gesu Pediatric Hospital. The Hospital agreed. "
            "The DNC and the Republican National Committee met; the National Committee chair spoke.")
    doc = make_doc(nlp, text, [("Alder Hey Children's Hospital", "ORG"), ("Bambino Gesu Pediatric Hospital", "ORG"),
                               ("Hospital", "ORG", "The Hospital"), ("DNC", "ORG"), ("Republican National Committee", "ORG"),
                               ("National Committee", "ORG", "the National")])
    k = keys(article_mentions(doc, LABELS))
    assert k["Hospital"] == "Hospital" and k["National Committee"] == "National Committee"
    text = "The Republican National Committee met; the National Committee chair spoke to the RNC."
    doc = make_doc(nlp, text, [("Republican National Committee", "ORG"), ("National Committee", "ORG"), ("RNC", "ORG")])
    assert keys(article_mentions(doc, LABELS))["National Committee"] == "Republican National Committee"


def test_surname_does_not_link_to_two_names_run_together(nlp):
    text = "Roger Penske praised Roger Penske Trump on Monday. Trump thanked him."
    doc = make_doc(nlp, text, [("Roger Penske", "PERSON"), ("Roger Penske Trump", "PERSON"), ("Trump", "PERSON")])
    assert keys(article_mentions(doc, LABELS))["Trump"] == "Trump"
    text = ("The Trump Twitter offensive began. Trump posted on Twitter. Reagan Conservative voters love Reagan, "
            "a Conservative.")
    doc = make_doc(nlp, text, [("Trump Twitter", "PERSON"), ("Trump", "PERSON"), ("Twitter", "ORG"),
                               ("Reagan Conservative", "PERSON"), ("Reagan", "PERSON"), ("Conservative", "NORP")])
    k = keys(article_mentions(doc, LABELS))
    assert (k["Trump"], k["Twitter"], k["Reagan"]) == ("Trump", "Twitter", "Reagan")


@pytest.mark.parametrize(("text", "full", "short", "label"), [
    ("The California Supreme Court ruled. Later the Supreme Court agreed.", "California Supreme Court",
     "Supreme Court", "ORG"),
    ("Voters in the Keystone State agree. The State disagreed.", "Keystone State", "State", "FAC"),
    ("The Associated Press reported it. Deputy Press Secretary Sarah Sanders denied it.", "Associated Press",
     "Press", "ORG"),
])
def test_generic_head_stays_apart_from_a_longer_name(nlp, text, full, short, label):
    doc = make_doc(nlp, text, [(full, label), (short, label)])
    assert keys(article_mentions(doc, LABELS))[short] == short


def test_surname_does_not_link_to_an_event_or_firm_named_after_the_person(nlp):
    text = ("The Rayshard Brooks Shooting shook Atlanta. Rayshard Brooks was 27. Brooks fell asleep. "
            "Jeb Bush & Associates paid Jeb Bush. Bush said no.")
    doc = make_doc(nlp, text, [("Rayshard Brooks Shooting", "PERSON"), ("Rayshard Brooks", "PERSON"),
                               ("Brooks", "PERSON"), ("Jeb Bush & Associates", "PERSON"), ("Jeb Bush", "PERSON"),
                               ("Bush", "PERSON")])
    k = keys(article_mentions(doc, LABELS))
    assert k["Brooks"] == k["Rayshard Brooks"] == "Rayshard Brooks"
    assert k["Rayshard Brooks Shooting"] == "Rayshard Brooks Shooting"
    assert k["Bush"] == k["Jeb Bush"] == "Jeb Bush"


def test_a_name_of_one_hyphenated_word_is_no_full_name(nlp):
    text = "The Obama-Clinton policy failed. Obama said so."
    doc = make_doc(nlp, text, [("Obama-Clinton", "PERSON"), ("Obama", "PERSON")])
    assert keys(article_mentions(doc, LABELS))["Obama"] == "Obama"


def test_a_hyphenated_first_name_tagged_alone_is_no_other_name(nlp):
    text = "Soon-Yi Previn spoke. Andre Previn was away. Soon-Yi said Previn's view differs."
    doc = make_doc(nlp, text, [("Soon-Yi Previn", "PERSON"), ("Andre Previn", "PERSON"), ("Soon-Yi", "PERSON", "away"),
                               ("Previn", "PERSON", "said")])
    assert keys(article_mentions(doc, LABELS))["Previn"] == "Previn"  # two Previns: ambiguous


def test_hyphenated_names_link_but_english_compounds_do_not(nlp):
    text = ("Kim Jong-un met Moon Jae-in. Kim smiled and Moon agreed. The George W. Bush-era policy ended; "
            "Bush said so. The Clinton vs. Trump matchup pitted Hillary Clinton against Donald Trump.")
    doc = make_doc(nlp, text, [("Kim Jong-un", "PERSON"), ("Moon Jae-in", "PERSON"), ("Kim", "PERSON"),
                               ("Moon", "PERSON"), ("George W. Bush-era", "PERSON"), ("Bush", "PERSON"),
                               ("Clinton", "PERSON"), ("Trump", "PERSON"), ("Hillary Clinton", "PERSON"),
                               ("Donald Trump", "PERSON")])
    k = keys(article_mentions(doc, LABELS))
    assert (k["Kim"], k["Moon"], k["Bush"]) == ("Kim Jong-un", "Moon Jae-in", "Bush")
    assert (k["Clinton"], k["Trump"]) == ("Hillary Clinton", "Donald Trump")  # "vs." is not a court case


def test_surname_naming_a_family_is_not_its_member(nlp):
    text = "A.G. Sulzberger runs the paper. The Sulzberger family controls it; Sulzberger said so."
    doc = make_doc(nlp, text, [("A.G. Sulzberger", "PERSON"), ("Sulzberger", "PERSON"), ("Sulzberger", "PERSON")])
    rows = article_mentions(doc, LABELS)
    assert [r.key for r in rows] == ["A.G. Sulzberger", "Sulzberger", "A.G. Sulzberger"]


def test_no_link_to_spans_that_are_not_a_name_nor_from_a_case_party(nlp):
    text = ("A pro-Obama rally cheered. Obama waved. Follow Twitter @kbaker6 on Twitter. Reno v. Flores set limits "
            "that Reno defended. Scott Johnson cited Texas v. Johnson. Bashar al-Assad spoke; Assad left.")
    doc = make_doc(nlp, text, [("pro-Obama", "PERSON"), ("Obama", "PERSON"), ("Twitter @kbaker6", "PERSON"),
                               ("Twitter", "PERSON"), ("Reno v. Flores", "PERSON"), ("Reno", "PERSON"),
                               ("Scott Johnson", "PERSON"), ("Johnson", "PERSON", "Texas v."),
                               ("Bashar al-Assad", "PERSON"), ("Assad", "PERSON")])
    k = keys(article_mentions(doc, LABELS))
    assert [k[n] for n in ("Obama", "Twitter", "Reno", "Johnson")] == ["Obama", "Twitter", "Reno", "Johnson"]
    assert k["Assad"] == "Bashar al-Assad"


def test_label_vote_gives_one_label_per_entity(nlp):
    text = "Troops entered Qusayr. Qusayr fell. In Qusayr, rebels fled. Qusayr was quiet."
    doc = make_doc(nlp, text, [("Qusayr", "GPE"), ("Qusayr", "ORG"), ("Qusayr", "GPE"), ("Qusayr", "PERSON")])
    assert {r.label for r in article_mentions(doc, LABELS)} == {"GPE"}


def test_all_caps_dateline_joins_the_place(nlp):
    text = "DAMASCUS, Syria - Troops left Damascus."
    doc = make_doc(nlp, text, [("DAMASCUS", "GPE"), ("Syria", "GPE"), ("Damascus", "GPE")])
    assert keys(article_mentions(doc, LABELS))["DAMASCUS"] == "Damascus"


def test_lone_word_links_as_first_name_or_surname_not_as_middle_name(nlp):
    text = "Aaron David Miller spoke. He wore a Star of David; later Aaron and Miller left."
    doc = make_doc(nlp, text, [("Aaron David Miller", "PERSON"), ("David", "PERSON"),
                               ("Aaron", "PERSON"), ("Miller", "PERSON")])
    k = keys(article_mentions(doc, LABELS))
    assert k["David"] == "David"
    assert k["Aaron"] == k["Miller"] == "Aaron David Miller"


def test_surname_before_a_generation_suffix_links(nlp):
    text = "Martin Luther King Jr. marched. King spoke."
    doc = make_doc(nlp, text, [("Martin Luther King Jr.", "PERSON"), ("King", "PERSON")])
    assert keys(article_mentions(doc, LABELS))["King"] == "Martin Luther King Jr."


def test_two_nicknames_of_one_formal_name_are_two_people():
    m, e = resolve_entities(pd.DataFrame(
        [{"article_id": f"{name}{i}", "start": 0, "end": len(name), "text": name, "key": name, "label": "PERSON",
          "sentence": 0, "paragraph": 0} for name, n in [("Bill Nelson", 6), ("Willie Nelson", 1),
                                                          ("Bernie Sanders", 3), ("Bernard Sanders", 1)]
         for i in range(n)]))
    assert set(e["name"]) == {"Bill Nelson", "Willie Nelson", "Bernie Sanders"}


def test_a_person_does_not_follow_a_corpus_link_to_a_place():
    rows = [("a1", "Hill", "Capitol Hill", "ORG"), ("a1", "Capitol Hill", "Capitol Hill", "ORG"),
            ("a2", "Hill", "Capitol Hill", "ORG"), ("a2", "Capitol Hill", "Capitol Hill", "ORG"),
            ("a3", "Hill", "Hill", "PERSON"), ("a4", "Hill", "Hill", "PERSON")]
    m, e = resolve_entities(pd.DataFrame(
        [{"article_id": a, "start": 0, "end": len(t), "text": t, "key": k, "label": lab, "sentence": 0, "paragraph": 0}
         for a, t, k, lab in rows]))
    assert m.loc[m["article_id"] == "a3", "entity_id"].item() != m.loc[m["article_id"] == "a1", "entity_id"].iloc[0]


# --------------------------------------------------------------------------- glued words


def test_leading_word_is_cut_before_a_name_the_article_names_alone(nlp):
    text = ("Maybe Delta Force went in. Delta Force denied it. Will Twitter ban him? Twitter said no. "
            "By Joey Garrison. Reach Joey Garrison at his desk.")
    doc = make_doc(nlp, text, [("Maybe Delta Force", "ORG"), ("Delta Force", "ORG"),
                               ("Will Twitter", "ORG"), ("Twitter", "ORG"), ("Joey Garrison", "PERSON"),
                               ("Reach Joey Garrison", "PERSON")])
    rows = article_mentions(doc, LABELS)
    assert [r.text for r in rows] == ["Delta Force", "Delta Force", "Twitter", "Twitter", "Joey Garrison",
                                      "Joey Garrison"]
    assert all(text[r.start:r.end] == r.text for r in rows)


def test_leading_word_stays_when_the_rest_is_not_named_alone(nlp):
    text = "Perhaps Delta Force went in. Contact Us in the US."
    doc = make_doc(nlp, text, [("Perhaps Delta Force", "ORG"), ("Contact Us", "ORG"), ("US", "GPE")])
    assert [r.text for r in article_mentions(doc, LABELS)] == ["Perhaps Delta Force", "Contact Us", "US"]


def test_first_name_that_is_also_a_leading_word_stays_before_a_surname(nlp):
    text = "Will Hurd said no. Hurd left. Will Donald Trump win? Donald Trump spoke. Will Trump win? I doubt it."
    doc = make_doc(nlp, text, [("Will Hurd", "PERSON"), ("Hurd", "PERSON"),
                               ("Will Donald Trump", "PERSON"), ("Donald Trump", "PERSON"), ("Will Trump", "PERSON")])
    k = keys(article_mentions(doc, LABELS))
    assert "Will Hurd" in k and "Hurd" in k
    assert "Will Donald Trump" not in k and "Will Trump" not in k


def test_leading_word_in_lower_case_is_cut(nlp):
    text = "It was this White House that spoke."
    doc = make_doc(nlp, text, [("this White House", "ORG")])
    assert [r.text for r in article_mentions(doc, LABELS)] == ["White House"]


def test_place_or_group_glued_before_a_person_is_cut(nlp):
    text = ("Tory Phillip Lee quit. The Tory whip and Phillip Lee. Berkeley Trump rallies went on in "
            "Berkeley, where Donald Trump spoke. Ambassador to Kenya Scott Gration met leaders of Kenya.")
    doc = make_doc(nlp, text, [("Tory Phillip Lee", "PERSON"), ("Tory", "NORP"), ("Phillip Lee", "PERSON", "whip"),
                               ("Berkeley Trump", "ORG"), ("Berkeley", "GPE"), ("Donald Trump", "PERSON"),
                               ("Kenya Scott Gration", "PERSON"), ("Kenya", "GPE", "leaders")])
    k = keys(article_mentions(doc, LABELS))
    assert "Tory Phillip Lee" not in k and k["Phillip Lee"] == "Phillip Lee"
    assert "Berkeley Trump" not in k and k["Trump"] == "Donald Trump"
    assert "Scott Gration" in k


def test_a_place_before_a_word_it_names_is_kept(nlp):
    text = ("Cory Booker left London Bridge for the Florida Keys. Booker, Bridge and Keys met in London; "
            "later Florida; then Cory.")
    doc = make_doc(nlp, text, [("Cory Booker", "PERSON"), ("London Bridge", "FAC"), ("Florida Keys", "LOC"),
                               ("Booker", "PERSON"), ("Bridge", "PERSON"), ("Keys", "PERSON"), ("London", "GPE"),
                               ("Florida", "GPE", "later"), ("Cory", "GPE", "then")])
    texts = [r.text for r in article_mentions(doc, LABELS)]
    assert {"Cory Booker", "London Bridge", "Florida Keys"} <= set(texts)


def test_a_group_or_first_name_before_a_name_that_is_no_person_stays(nlp):
    text = "Chinese Americans voted. Americans and Chinese firms. Virginia Foxx spoke in Virginia. Foxx left."
    doc = make_doc(nlp, text, [("Chinese Americans", "NORP"), ("Americans", "NORP"), ("Chinese", "NORP", " and "),
                               ("Virginia Foxx", "PERSON"), ("Virginia", "GPE", "spoke in"), ("Foxx", "PERSON")])
    texts = [r.text for r in article_mentions(doc, LABELS)]
    assert "Chinese Americans" in texts and "Virginia Foxx" in texts


# --------------------------------------------------------------------------- example article


@pytest.fixture(scope="module")
def example(nlp, example_text):
    from newscope.ingest.clean import clean_article

    raw = article_mentions(nlp(example_text), LABELS)
    text = clean_article(example_text).text
    cleaned = article_mentions(nlp(text), LABELS)
    mentions, entities = resolve_entities(pd.DataFrame([{"article_id": "ex", **m.to_row()} for m in cleaned]))
    return example_text, raw, text, mentions, entities


def test_example_article_done_when(example):
    _, _, text, mentions, entities = example
    by_text = mentions.groupby("text")["entity_id"].agg(set)
    for short, full in [("Assad", "Bashar al-Assad"), ("SNC", "Syrian National Council"),
                        ("Observatory", "Syrian Observatory for Human Rights"), ("AFP", "Agence France-Presse")]:
        assert by_text[short] == {entities.set_index("name").loc[full, "entity_id"]}, short
    qusayr = mentions[mentions["text"] == "Qusayr"]
    assert qusayr["entity_id"].nunique() == 1
    assert len(qusayr) == len(re.findall(r"\bQusayr\b", text))
    assert entities.set_index("entity_id").loc[qusayr["entity_id"].iloc[0], "label"] in {"GPE", "LOC", "FAC"}
    assert (mentions["text"] == [text[s:e] for s, e in zip(mentions["start"], mentions["end"])]).all()


def test_example_article_has_no_entity_from_page_furniture(example):
    _, _, _, mentions, entities = example
    furniture = {"AI", "How", "Loading", "Sort", "Rappler App"}
    assert not furniture & set(entities["name"]), entities["name"].tolist()
    assert not mentions["text"].str.contains("\n").any()


def test_raw_example_article_keeps_exact_offsets_and_links(example):
    raw_text, raw, *_ = example
    assert all(raw_text[r.start:r.end] == r.text and "\n" not in r.text for r in raw)
    k = keys(raw)
    assert k["Assad"] == "Bashar al-Assad" and k["SNC"] == "Syrian National Council"
    assert k["DAMASCUS"] == "Damascus"



def test_normalize_name_ignores_case_dots_accents_and_hyphens():
    assert normalize_name("U.S.") == normalize_name("US") == "us"
    assert normalize_name("Al-Nusra  Front") == normalize_name("al Nusra front")
    assert normalize_name("Clarín") == normalize_name("Clarin")


# --------------------------------------------------------------------------- real corpus


def test_shared_corpus_mentions_are_clean_and_consistent(shared_data, nlp):
    with open(shared_data / "allsides" / "articles-300.jsonl", encoding="utf-8") as fh:
        records = [json.loads(line) for line in islice(fh, 0, 300, 10)]
    all_rows = []
    for rec, doc in zip(records, nlp.pipe(r["text"] for r in records)):
        got = article_mentions(doc, LABELS)
        for r in got:
            assert rec["text"][r.start:r.end] == r.text
            assert r.text == r.text.strip() and "\n" not in r.text
            assert not r.text.lower().startswith("the ") and not r.text.endswith("'s")
        all_rows += [{"article_id": rec["id"], **r.to_row()} for r in got]
    mentions, entities = resolve_entities(pd.DataFrame(all_rows))
    assert mentions["entity_id"].isin(entities["entity_id"]).all()
    assert entities["entity_id"].is_unique
    assert entities["n_mentions"].sum() == len(mentions)
    # one label per entity within each article
    assert (mentions.groupby(["article_id", "entity_id"])["label"].nunique() == 1).all()


# --------------------------------------------------------------------------- robustness

PIECES = ["Bashar al-Assad", "Assad", "the Syrian National Council (SNC)", "SNC", "President", "Mr.", "’s", "'s",
          "\n\n", "\n", " said ", ", ", ". ", "Qusayr", "AFP", "Agence France-Presse", "“", "”", "(", ")", "✓",
          "The Observatory", "Sheikh", "Washington, D.C.", "DAMASCUS, Syria –", "12", "Add a comment"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30))
def test_mentions_are_exact_sorted_and_disjoint_on_any_text(nlp, pieces):
    text = "".join(pieces)
    rows = article_mentions(nlp(text), LABELS)
    ends = -1
    for r in rows:
        assert text[r.start:r.end] == r.text and r.text.strip() == r.text and "\n" not in r.text
        assert r.start >= ends  # sorted, no overlaps
        ends = r.end
        assert text.count("\n\n", 0, r.start) >= r.paragraph


def test_headline_words_are_cut_from_person_names(nlp):
    text = "Will Obama Veto It\n\nObama Showed Restraint\n\nCLOSE Donald Trump spoke."
    doc = make_doc(nlp, text, [("Will Obama", "PERSON"), ("Obama Showed", "PERSON"), ("CLOSE Donald Trump", "PERSON")])
    assert [r.text for r in article_mentions(doc, LABELS)] == ["Obama", "Obama", "Donald Trump"]


def test_unclosed_brackets_and_title_objects_are_no_names(nlp):
    text = "The World Health Organization (WHO said so. Secretary of State Mike Pompeo agreed."
    doc = make_doc(nlp, text, [("World Health Organization (WHO", "ORG"), ("State", "ORG"), ("Mike Pompeo", "PERSON")])
    assert [r.text for r in article_mentions(doc, LABELS)] == ["World Health Organization", "Mike Pompeo"]


def test_a_headline_word_in_prose_is_a_first_name(nlp):
    text = "Rep. Will Hurd said on Monday that the wall would not work."
    doc = make_doc(nlp, text, [("Will Hurd", "PERSON")])
    assert [r.text for r in article_mentions(doc, LABELS)] == ["Will Hurd"]


def test_a_name_the_model_split_or_tagged_in_part_is_made_whole():
    from newscope.entities.mentions import _joined

    text = "The Islamic State said. Islamic fighters and State officials. Islamic  State. Islamic State-run."
    pieces = [(4, 11, "NORP"), (12, 17, "ORG"), (24, 31, "NORP"), (45, 50, "ORG"), (62, 69, "NORP"),
              (71, 76, "ORG"), (78, 85, "NORP")]
    assert _joined(pieces, text) == [(4, 17, "ORG"), (24, 31, "NORP"), (45, 50, "ORG"), (62, 69, "NORP"),
                                     (71, 76, "ORG"), (78, 91, "ORG")]  # "State" untagged: still whole


def test_example_of_a_split_name_in_an_article(nlp):
    rows = article_mentions(nlp("Islamic State fighters attacked the town. The Islamic State said so."), ["NORP", "ORG"])
    assert {r.text for r in rows} == {"Islamic State"}
