"""Cleaning of single articles: normalisation, furniture, credits, repeated paragraphs, learned lines."""

from __future__ import annotations

import pytest

from newscope.ingest.clean import (
    CleanedArticle,
    clean_article,
    fix_mojibake,
    is_furniture,
    learn_boilerplate,
    line_key,
    normalize_text,
    remove_learned,
    split_paragraphs,
)
from newscope.config import CleanSettings

FURNITURE = ("Add a comment", "Sort by", "Loading", "Download the Rappler App!",
             "This is AI generated summarization", "How does this make you feel?",
             "Summarize this article with AI", "There are no comments yet")
QUOTES = "\"'“”‘’«»„"


def _body(example_text: str) -> str:
    return example_text.split("\n", 1)[1]  # the title line is the reader's business


def test_example_article_furniture_removed_and_credits_captured(example_text):
    art = clean_article(_body(example_text))
    for line in FURNITURE:
        assert line not in art.text, line
    assert art.agency == "AFP"
    assert art.dateline == "DAMASCUS, Syria"
    assert art.credit == "Rappler.com"
    assert not art.text.startswith("DAMASCUS")
    assert "Rappler.com" not in art.text and "Agence France-Presse" not in art.text
    # the AI summary repeats the lede: the lede appears once, and in the body position
    assert art.text.count("Qusayr offensive with a heavy early morning bombardment") == 1
    assert art.text.index("Qusayr offensive") > art.text.index("Syrian troops backed by")
    assert art.count("furniture") >= 8


def test_example_article_paragraphs_and_quotes_kept_verbatim(example_text):
    art = clean_article(_body(example_text))
    original = normalize_text(example_text)
    for para in art.paragraphs:
        assert "\n".join(para) in original  # nothing rewritten, only removed
    for q in QUOTES:  # no quote removed from the kept paragraphs, none invented
        assert art.text.count(q) <= example_text.count(q)
    assert "“We struck from several fronts — south, east and northeast,” one soldier told state television" in art.text
    assert "\n\n" in art.text and "\n\n\n" not in art.text


def test_normalize_text_spaces_newlines_invisibles_nfc():
    raw = "A\u00a0b\tc  d\r\ne\u200bf\u00adg\r\n\r\n\r\n  h \u2009i\u2029j e\u0301"
    assert normalize_text(raw) == "A b c d\nefg\n\nh i\n\nj é"


@pytest.mark.parametrize("quoted", ['"straight"', "'single'", "“curly”", "‘curly’", "«guillemets»", "„low“"])
def test_normalize_text_keeps_quote_characters(quoted):
    assert normalize_text(f"He said {quoted}  today.") == f"He said {quoted} today."


def test_fix_mojibake_repairs_double_encoding_only():
    assert fix_mojibake("ObamaÃ¢â‚¬â„¢s week") == "Obama’s week"
    assert fix_mojibake("read â€” it") == "read — it"
    assert fix_mojibake("café naïve “quoted”") == "café naïve “quoted”"


@pytest.mark.parametrize("line", ["Add a comment", "Story Continued Below", "ADVERTISEMENT",
                                  "CLICK HERE TO GET THE FOX NEWS APP",
                                  "Copyright © 2019 The Washington Times, LLC. Click here for reprint permission.",
                                  "Sign up for Daily Newsletters Manage Newsletters", "(AP Photo/Evan Vucci)",
                                  "Enlarge this image toggle caption J. Scott Applewhite/AP", "___",
                                  "FILE - In this Jan. 5, 2017, file photo, the senator speaks. " + "x" * 400,
                                  "POLITICO Playbook newsletter Sign up today to receive the #1-rated newsletter",
                                  "**Want FOX News First in your inbox every day? Sign up here.**",
                                  "Pierson before testifying on Tuesday. Credit... Chip Somodevilla/Getty Images",
                                  "Advertisement Advertisement", "Read or Share this story: http://usat.ly/2ayhSfN",
                                  "SEE ALSO: Sky News says cameraman shot dead in Egypt",
                                  "Check out: What Iran's missile attack means for markets",
                                  "https://www.youtube.com/watch?v=8llFHHAkGcw",
                                  "Mike Pence: five things to know about the governor… Read more"])
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", ["Sign up for health insurance by Jan. 15, officials said.",
                                  "Copyright law changed in 2019, the court said.",
                                  "Photos of the rally were shared widely.", "Share prices fell 3 percent.",
                                  "Supporters were asked to sign up with their email addresses, the campaign said.",
                                  "Advertisement spending rose 4 percent last year.",
                                  "Read the full statement at the link below, the agency said.",
                                  "Voters who read more news were better informed, the study found.",
                                  "See also the chart, which shows a steep fall since https://example.org was launched."])
def test_content_lines_are_not_furniture(line):
    assert not is_furniture(line)


@pytest.mark.parametrize(
    "para, place, agency, credit",
    [
        ("DAMASCUS, Syria – Syrian troops entered.", "DAMASCUS, Syria", None, None),
        ("WASHINGTON (AP) — The Senate voted.", "WASHINGTON", "AP", None),
        ("NEW YORK (Reuters) - Stocks rose.", "NEW YORK", "Reuters", None),
        ("ERBIL, Iraq– During a visit, he spoke.", "ERBIL, Iraq", None, None),
        ("Washington (CNN) The Trump administration acted.", "Washington", None, "CNN"),
        ("(CNN) -- The summit opened.", None, None, "CNN"),
        ("(NEW DELHI) — At least 20 people were killed.", "NEW DELHI", None, None),
    ],
)
def test_datelines(para, place, agency, credit):
    art = clean_article(para + "\n\nSecond paragraph here.")
    assert art.dateline == place
    assert art.agency == agency
    assert art.credit == credit
    assert art.paragraphs[0][0][0].isupper() and "(" not in art.paragraphs[0][0][:6]


@pytest.mark.parametrize("para", ["ISIS fighters said they would return.", "The FBI — and the CIA — agreed.",
                                  "A — B testing is common."])
def test_no_dateline_in_ordinary_sentences(para):
    art = clean_article(para)
    assert art.dateline is None and art.text == para


def test_contribution_and_byline_lines_captured_then_removed():
    text = ("By Jane Doe and John Roe\n\nThe bill passed on Tuesday.\n\n"
            "The Associated Press contributed to this report.")
    art = clean_article(text)
    assert art.authors == "Jane Doe and John Roe"
    assert art.agency == "AP"
    assert art.text == "The bill passed on Tuesday."
    assert clean_article("By the time he arrived, it was over.").authors is None
    content = "Smith, who contributed to the report on climate risk, said the findings were clear."
    assert clean_article(content).text == content
    assert clean_article("Jane Doe contributed reporting from Paris.\n\nBody.").text == "Body."


def test_repeated_paragraphs_counted_once_but_short_ones_kept():
    long = "The minister said the talks would resume next week in Geneva."
    art = clean_article(f"{long}\n\nMore text follows here.\n\n{long.upper()}\n\nYes.\n\nYes.")
    assert art.text.count("talks would resume") == 1
    assert art.text.endswith("Yes.\n\nYes.")
    assert art.count("duplicate") == 1


def test_title_repeated_as_first_paragraph_is_dropped():
    title = "1,100 Former DOJ Employees Call On Barr To Resign"
    art = clean_article(f"{title}\n\nMore than 1,100 former officials signed.", title=title)
    assert art.text == "More than 1,100 former officials signed."


def test_cnn_story_highlights_block_removed():
    text = ("Story highlights NATO chief: time is short\n\nUkraine: strong support\n\n"
            "NATO has grappled with many perilous issues.\n\nIt met in Wales.")
    assert clean_article(text).text == "NATO has grappled with many perilous issues.\n\nIt met in Wales."


def test_hover_name_box_cut_back_to_the_name():
    text = ("Sen. Orrin Hatch Orrin Grant HatchTrump to award racing legend Roger Penske with Presidential Medal of "
            "Freedom Second ex-Senate staffer charged in aiding doxxing of GOP senators MORE (R-Utah) said so. "
            "Speaker Paul Ryan Paul Davis Ryan Retirees should say 'no thanks' to Romney's plan MORE told them.")
    art = clean_article(text)
    assert art.text == "Sen. Orrin Hatch (R-Utah) said so. Speaker Paul Ryan told them."
    assert art.count("name box") == 2
    assert clean_article("Reps. Jason CrowJason CrowHouse delivers articles MORE (Colo.) spoke.").text == (
        "Reps. Jason Crow (Colo.) spoke.")
    for kept in ("WHY TRUMP'S MOVES AGAINST NORTH KOREA MAY DO MORE TO TAME KIM THAN ANY INSULT",
                 "Police said Smith told Smith County officials he needed 10 MORE officers."):
        assert clean_article(kept).text == kept


def test_switches_turn_steps_off(example_text):
    off = CleanSettings(furniture=False, learned_boilerplate=False, dedup_paragraphs=False, capture_credits=False)
    art = clean_article(_body(example_text), off)
    assert "Add a comment" in art.text and art.text.startswith("Agence France-Presse")
    assert art.agency is None and art.dateline is None and not art.removed
    assert [p for p in art.paragraphs] == split_paragraphs(normalize_text(_body(example_text)))


def test_learn_boilerplate_thresholds():
    docs = [("a.com", {"subscribe to a daily", f"story {i}"}) for i in range(20)]
    docs += [("b.com", {"subscribe to a daily", f"other {i}"}) for i in range(3)]
    learned = learn_boilerplate(docs, min_share=0.5, min_articles=5)
    assert learned == {"a.com": {"subscribe to a daily": 20}}  # b.com: 3 < min_articles
    assert learn_boilerplate(docs[:20], min_share=1.01, min_articles=1) == {}


def test_remove_learned_drops_whole_lines_with_digits_normalised():
    art = CleanedArticle([["Copyright 2019 X Corp", "Real line"], ["Copyright 2020 X Corp"], ["Body."]])
    remove_learned(art, {line_key("Copyright 2018 X Corp")})
    assert art.text == "Real line\n\nBody."
    assert art.count("learned") == 2
