"""Which attributions give someone a voice, and who speaks: one hand-written case for each
kind of error seen in judged samples of real news (issue 16)."""

from __future__ import annotations

import pandas as pd
import pytest

from newscope.attribution import extract_attributions
from newscope.resolve.speakers import first_authors, name_authors, speaker_genders


def _run(nlp, text: str, scheme: str = "voices") -> list[dict]:
    return extract_attributions(nlp(text), scheme=scheme)


def _speakers(nlp, text: str) -> list[tuple[str | None, str | None, str]]:
    return [(a["source_text"], a["speaker"], a["speaker_type"]) for a in _run(nlp, text)]


@pytest.mark.parametrize("text", [
    "Winner: Bernie Sanders\nThe senator won the debate on Tuesday.",        # label line
    "PHOTOS: Protesters march on the capitol in the rain.",                  # page label in capitals
    "It seems the plan is unrealistic.",                                     # the writer's hedge
    "We know that the economy is growing.",                                  # the writer's "we"
    "If you sign up, you agree to receive email newsletters.",               # page text
    "He could ask whether they knew the answer.",                            # hypothetical
    "Unless he wants to leave, the senator will stay in Washington.",        # condition
    "She did not say whether the plan would pass.",                          # not said
    "The plan is widely expected to pass next week.",                        # no holder
    "Clinton chafes at those who publicly speculate about her 2016 interest.",  # a topic after "about"
    "Tapper continued to report on Trump on his show Monday.",               # a topic after "on"
    "Mr. Smith responded by trying to make it their problem to fix.",        # an act after "by"
    "May will last only because no other Tory wants to be the designated javelin-catcher.",  # nobody
    "Cohen pleaded guilty to lying to Congress.",                            # an act, not speech
    "A spokesman for the office declined to comment on the case.",           # not said
    "Leaked emails showed that the staff sought to exploit the rift.",       # evidence, not a voice
    "The senator was referring to the Troubled Asset Relief Program.",       # a topic, not a statement
    "Update At 10:07 PM Eastern The Associated Press Calls The Race For Trump\nTrump won.",  # headline
    "The discord suggests that the party is split.",                         # a thing, not someone
    "Who is to say that the plan will work?",                                # a rhetorical question
    "The plan is good news for those wondering how to unite the party.",     # a description of people
    "FISA MEMO: Steele was fired for leaking to the press.",                 # a heading in capitals
    "McConnell's condition that Democrats pass the bill first was rejected.",  # a noun that reports no one
    "Every candidate tries to tell voters that he can win.",                 # only tried
    "Justice Antonin Scalia wrote a narrow opinion for the court.",          # what was written, not what it says
    'Investigators had no comment on reports of someone named "Misha."',     # a name in quotes
    "Most noteworthy was Kay Hagan of North Carolina, widely considered the most vulnerable Senate Democrat.",
    "It is possible that Mueller believed the president had obstructed justice.",    # a hedge over it
    "Carly Fiorina knows she is riding high.",                                       # the writer's claim
    "The two countries agreed to a trade deal.",                                     # an act
    "The rule allows her to tell him that he is wrong.",                     # only allowed
    "His hostility to Islam informed his view of Russia.",                   # informed no one
    "If you poll the students, half of them will tell you it is climate change.",  # a future on a condition
    "People seek abortions after 20 weeks for many reasons.",                # an act, not a view
    "The ministers were at a loss to explain the massacre.",                 # a topic, not a statement
    "Kellyanne Conway shrugged off one participant's complaint about the calls.",  # an act
    "The group plans to march again in 2020.",                               # an intention
    "Hillary Clinton is positioning herself for the 2016 election.",         # an act
    'Appearing on ABC’s “Good Morning America,” Trump invoked an old proclamation.',  # a show's name in quotes
    "At least four GOP senators would have to cross party lines to call witnesses.",  # hypothetical above it
    "Cruz is the hottest candidate on the stage, rising in national polls.",  # no statement in the poll
    "Kasich needs to find some way to articulate why he is different.",      # a way is no one
    "The Fed's forecasts suggest that rates will stay low next year.",       # evidence, even with its author
    'She is the subject of a feature film, "On the Basis of Sex," which opens in theaters this week.',  # a title
    'The 60-second video shows a pickup truck driving toward children who are urging one another, "Run! RUN!"',
])
def test_no_voice(nlp, text: str) -> None:
    assert _run(nlp, text) == []


@pytest.mark.parametrize("text", [
    "Senator Ted Cruz went on to say that the plan would fail.",
    "Senator Ted Cruz was forced to admit that the plan had failed.",
])
def test_an_infinitive_that_took_place_is_a_voice(nlp, text: str) -> None:
    assert [a["speaker"] for a in _run(nlp, text)] == ["Ted Cruz"]


def test_the_polnear_scheme_keeps_hypothetical_and_holderless_attributions(nlp) -> None:
    assert [a["cue_lemma"] for a in _run(nlp, "He could ask whether they knew the answer.", "polnear")] == ["ask"]
    assert _run(nlp, "The plan is widely expected to pass next week.", "polnear")


def test_transcript_label_in_capitals_is_a_speaker_a_heading_is_not(nlp) -> None:
    text = "AMY GOODMAN: Welcome to the show.\nTHE FACTS: The bill passed in 2010."
    assert [a["source_text"] for a in _run(nlp, text)] == ["AMY GOODMAN"]


def test_transcript_initials_are_the_names_the_article_introduces_them_with(nlp) -> None:
    text = ("Christian Purefoy (CP), a director in BattaBox, spoke to us.\n\n"
            "Nwachukwu Egbunike (NE): What is BattaBox TV?\n\n"
            "CP: BattaBox is a Nigerian conversation about music and film.\n\n"
            "NE: Who runs it?\n\nCP: A team of five people in Lagos runs it.")
    assert {(a["source_text"], a["speaker"]) for a in _run(nlp, text) if a["source_text"] in ("CP", "NE")} == {
        ("CP", "Christian Purefoy"), ("NE", "Nwachukwu Egbunike")}


def test_first_person_outside_quotes_is_the_author_named_from_the_byline(nlp) -> None:
    atts = _run(nlp, "I think the plan is a mistake. “I will fight it,” the mayor said.")
    assert [(a["speaker"], a["speaker_type"]) for a in atts if a["cue_lemma"] == "think"] == [(None, "author")]
    rows = pd.DataFrame([{**a, "article_id": "x"} for a in atts])
    byline = pd.DataFrame({"article_id": ["x"], "authors": ["Rand Paul, Staff Writer"]})
    named = name_authors(rows, first_authors(byline))
    assert named.loc[named["cue_lemma"].eq("think"), "speaker"].tolist() == ["Rand Paul"]
    assert named.loc[named["cue_lemma"].eq("say"), "speaker"].tolist() == ["the mayor"]
    no_byline = name_authors(rows, first_authors(byline.assign(authors=[None])))
    assert no_byline.loc[no_byline["cue_lemma"].eq("think"), "speaker"].isna().all()


def test_with_no_byline_the_author_is_the_person_the_closing_bio_line_presents() -> None:
    articles = pd.DataFrame({"article_id": ["bio", "building", "narrative"], "authors": [None, None, None], "text": [
        "I think the plan is a mistake.\n\nPatrick Caddell is a Fox News contributor.",
        "I think the plan is a mistake.\n\nThe White House is a building.",
        "I think the plan is a mistake.\n\nJohn Smith was arrested on Monday."]})
    assert first_authors(articles).to_dict() == {"bio": "Patrick Caddell"}


def test_author_gender_comes_from_the_byline_name() -> None:
    atts = pd.DataFrame({"article_id": ["x"], "speaker": ["Jane Doe"], "speaker_type": ["author"],
                         "speaker_entity_id": [None], "source_text": ["I"]})
    assert speaker_genders(atts).tolist() == ["female"]


def test_q_and_a_questions_are_the_interviewer_answers_the_interviewee(nlp) -> None:
    text = ("John Smith is the author of a new book on taxes. John Smith spoke to us.\n"
            "Q: Why did you write it?\nA: I wanted to explain the tax code.")
    assert _speakers(nlp, text) == [("Q", None, "author"), ("A", "John Smith", "person")]


def test_role_nouns_resolve_to_the_holder_of_the_role(nlp) -> None:
    text = ("Sen. Ted Cruz opened the hearing on Tuesday. President Donald Trump spoke later.\n"
            "The president said the plan would work.")
    assert _speakers(nlp, text) == [("The president", "Donald Trump", "person")]
    text = ("Mitch McConnell, the Senate majority leader, met Bashar al-Assad. "
            "The GOP leader said the talks failed.")
    assert _speakers(nlp, text) == [("The GOP leader", "Mitch McConnell", "person")]


def test_a_role_with_no_holder_in_the_article_stays_a_description(nlp) -> None:
    text = "Syrian President Bashar al-Assad met the envoy on Monday. The senator said the talks failed."
    assert _speakers(nlp, text) == [("The senator", "The senator", "anonymous")]  # unnamed


def test_plural_descriptions_are_not_one_person(nlp) -> None:
    text = "Sen. Ted Cruz spoke on Monday. Republican senators said the bill would fail."
    assert _speakers(nlp, text) == [("Republican senators", "Republican senators", "anonymous")]


def test_pronouns_agree_in_gender(nlp) -> None:
    text = "Sen. Bernie Sanders endorsed Hillary Clinton on Tuesday. She said the party must unite."
    assert ("She", "Hillary Clinton", "person") in _speakers(nlp, text)


@pytest.mark.parametrize("text, speaker", [
    ("Lord Kinnock met Lady Okonjo on Monday. She said the talks had failed.", "Okonjo"),
    ("Lady Okonjo met Lord Kinnock on Monday. He said the talks had failed.", "Kinnock"),
])
def test_every_gendered_title_tells_a_pronouns_antecedent(nlp, text: str, speaker: str) -> None:
    assert [s for _, s, _ in _speakers(nlp, text)] == [speaker]


@pytest.mark.parametrize("text, speaker", [
    ("Apple and Google met in Geneva. Two people familiar with the talks said the deal was close. "
     "They added that the price had been agreed.", "Two people familiar with the talks"),  # the unnamed group
    ("Snow fell across Russia on Monday. The weather was cold. The roads were icy. The schools closed early. "
     "They say it is the storm of the century.", None),                                   # nobody near
])
def test_they_is_the_group_just_quoted_or_no_one(nlp, text: str, speaker: str | None) -> None:
    assert [s for src, s, _ in _speakers(nlp, text) if src == "They"] == [speaker]


def test_a_pronoun_before_the_main_clause_refers_to_its_subject(nlp) -> None:
    text = ("Trump has groused about Cruz. Though he wants Cruz to emerge as the nominee, Ken Blackwell said "
            "he hopes it is not because of the rules.")
    assert ("he", "Ken Blackwell", "person") in _speakers(nlp, text)


def test_pronouns_skip_names_inside_quotes(nlp) -> None:
    text = "Tommy Wells spoke at the meeting.\n“John Smith has failed this city,” he said."
    assert _speakers(nlp, text) == [("he", "Tommy Wells", "person")]


def test_an_unresolved_pronoun_gives_no_speaker_name(nlp) -> None:
    assert _speakers(nlp, "He said the plan would fail.") == [("He", None, "unknown")]


@pytest.mark.parametrize("text, source, speaker, speaker_type", [
    ("Officials said the talks had failed.", "Officials", "Officials", "anonymous"),
    ("The report found that wages had fallen.", "The report", "The report", "document"),
    ("A White House official said the talks had failed.", "A White House official", "A White House official", "anonymous"),
    ("Another witness, Cheryl Campbell, said the men fled.", "Another witness, Cheryl Campbell", "Cheryl Campbell", "person"),
    ("The National Weather Service said the storm would weaken.", "The National Weather Service",
     "National Weather Service", "official"),
    ("The Associated Press reported that the storm had passed.", "The Associated Press", "Associated Press", "media"),
    ("Those who disagree say the plan will fail.", "Those who disagree", "Those who disagree", "anonymous"),
    ("The Hill reported that the vote had been delayed.", "The Hill", "Hill", "media"),
    ("The Congressional Budget Office said the bill would cost $1 trillion.", "The Congressional Budget Office",
     "Congressional Budget Office", "official"),
    ("The SBA said the loans would be forgiven.", "The SBA", "SBA", "official"),
    ("According to DHS figures, almost 2,000 children have been separated from their families.", "DHS figures",
     "DHS", "official"),  # a document's named author speaks
    ("Director of National Intelligence James Clapper called the group “largely secular.”",
     "Director of National Intelligence James Clapper", "James Clapper", "person"),
    ("An aide to John Boehner said the talks had failed.", "An aide to John Boehner", "An aide to John Boehner",
     "anonymous"),
    ("Politico reported that the vote had been delayed.", "Politico", "Politico", "media"),
    ("The Des Moines Register reported that the caucus would be close.", "The Des Moines Register",
     "Des Moines Register", "media"),
    ("According to IRS data, the city has grown.", "IRS data", "IRS", "official"),
    ("An affidavit states that the police took the bag.", "An affidavit", "An affidavit", "document"),
    ("One panelist said the rules were unfair.", "One panelist", "One panelist", "anonymous"),
])
def test_speaker_types(nlp, text: str, source: str, speaker: str, speaker_type: str) -> None:
    assert _speakers(nlp, text) == [(source, speaker, speaker_type)]


def test_a_coordinated_source_is_the_whole_group(nlp) -> None:
    assert _speakers(nlp, "Some Democrats and Republicans said the bill was flawed.") == [
        ("Some Democrats and Republicans", "Some Democrats and Republicans", "anonymous")]
    assert _speakers(nlp, "Some House Republicans said the bill was flawed.") == [
        ("Some House Republicans", "Some House Republicans", "anonymous")]
    assert _speakers(nlp, "Donald Trump and Mike Pence said the election was stolen.") == [
        ("Donald Trump and Mike Pence", "Donald Trump and Mike Pence", "person")]
    assert _speakers(nlp, "President Donald Trump spoke on Monday. He and his aides said the deal was fair.") == [
        ("He and his aides", "Donald Trump and his aides", "anonymous")]  # a person with unnamed others


def test_demonstratives_and_the_writers_we_are_nobody_a_later_pronoun_can_follow(nlp) -> None:
    text = "“We must act,” we wrote last week. He said the plan would fail."
    assert all(a["speaker"] not in ("we", "We") for a in _run(nlp, text))
    assert _run(nlp, "This shows that the plan failed.") == []


def test_a_naming_cue_states_what_was_said_without_a_verb(nlp) -> None:
    assert _speakers(nlp, "Sen. John McCain called the plan a disaster for the country.") == [
        ("Sen. John McCain", "John McCain", "person")]


def test_vice_president_is_not_the_president(nlp) -> None:
    text = "President Barack Obama spoke. Vice President Joe Biden also spoke.\n"
    assert _speakers(nlp, text + "The former vice president said the plan would work.") == [
        ("The former vice president", "Joe Biden", "person")]
    assert _speakers(nlp, text + "The president said the plan would work.") == [
        ("The president", "Barack Obama", "person")]


def test_a_person_the_model_tagged_otherwise_is_still_a_pronouns_antecedent() -> None:
    from newscope.attribution.speakers import _people_as_people
    from newscope.records import Mention

    text = "Joel Kurtinitis spoke. Later Kurtinitis met John Myers at Gracie Mansion in Des Moines."
    spans = [("Joel Kurtinitis", "PERSON"), ("Kurtinitis", "GPE"), ("John Myers", "ORG"),
             ("Gracie Mansion", "FAC"), ("Des Moines", "GPE")]
    mentions, pos = [], 0
    for i, (name, label) in enumerate(spans):
        pos = text.index(name, pos)
        mentions.append(Mention(pos, pos + len(name), name, label, i, 0, name))
        pos += len(name)
    fixed = _people_as_people(mentions, text)
    assert [(m.label, m.key) for m in fixed] == [("PERSON", "Joel Kurtinitis"), ("PERSON", "Joel Kurtinitis"),
                                                 ("PERSON", "John Myers"), ("FAC", "Gracie Mansion"),
                                                 ("GPE", "Des Moines")]


@pytest.mark.parametrize("text, source, speaker", [
    ("“I have no idea,” sighed the mayor, Jane Park.", "the mayor, Jane Park", "Jane Park"),   # inverted cue
    ("Maxine Waters chaired the hearing.\nAnd from Chairwoman Maxine Waters: “We will not stand for this.”",
     "Chairwoman Maxine Waters", "Maxine Waters"),                                          # colon lead-in
    ("Rep. Adam Schiff opened the hearing. The congressman said the evidence was clear.",
     "The congressman", "Adam Schiff"),                                                     # role noun
    ("The World Health Organization met on Monday. The health body said the virus was spreading.",
     "The health body", "World Health Organization"),                                       # organisation noun
    ("Apple sued Samsung on Monday. The company said the patents were valid.", "The company", "Apple"),
    ("Kushner plans to sell his assets, according to Kushner’s lawyer who has worked on the plan, "
     "Jamie Gorelick, as the paper reported.", "Kushner’s lawyer who has worked on the plan", "Jamie Gorelick"),
    ("The race featured the popular former mayor of London, Boris Johnson. The former mayor of London "
     "insisted on Friday there was no need for haste.", "The former mayor of London", "Boris Johnson"),
    ("Comey takes Loretta Lynch to task for asking him to call the case a matter.", "Loretta Lynch", "Loretta Lynch"),
    ("Donald Trump spoke on Wednesday night. Trump in his address avoided alarmist language, telling viewers "
     "that the situation was no crisis.", "Trump in his address", "Donald Trump"),           # "Trump" tagged a verb
    ("“The vote was close,” said a researcher at Harvard University.", "a researcher at Harvard University",
     "a researcher at Harvard University"),
    ("Senate Majority Leader Harry Reid (D-Nev.) spoke first. “I will not bring it to the floor,” the Nevada "
     "Democrat told reporters.", "the Nevada Democrat", "Harry Reid"),                           # party member
    ("Russia's Foreign Ministry issued a statement Friday.\n\nThe statement added that the sanctions would "
     "not work.", "The statement", "Foreign Ministry"),                                         # its issuer
    ("Sen. Ron Johnson became the first Republican senator to say he could not support the bill.",
     "Sen. Ron Johnson", "Ron Johnson"),                                                        # "the first to"
])
def test_speakers_of_missed_patterns_and_descriptions(nlp, text: str, source: str, speaker: str) -> None:
    assert [(s, name) for s, name, _ in _speakers(nlp, text)] == [(source, speaker)]


def test_a_quote_before_a_cue_with_its_own_clause_is_not_its_content(nlp) -> None:
    text = ('Americans split between "pro-choice" and "pro-life." Slightly more people said abortion is '
            "morally wrong than said it is morally acceptable.")
    assert [(a["kind"], a["source_text"]) for a in _run(nlp, text)] == [("indirect", "Slightly more people")]


def test_a_list_of_quotes_credits_each_on_the_line_after_it(nlp) -> None:
    text = ("Deval Patrick and Barack Obama spoke.\n\n“I think the Bain strategy has been distorted in the "
            "public discussions.”\n\n-- Massachusetts Gov. Deval Patrick appearing on MSNBC.\n\n“The months "
            "before I took the oath of office were a chaotic time.”\n\n-- President Obama at the unveiling.")
    assert [a["speaker"] for a in _run(nlp, text)] == ["Deval Patrick", "Barack Obama"]


def test_a_pull_quote_continues_no_one(nlp) -> None:
    text = ('"How do we pay for it?" said Rother, who leads the coalition.\n\n'
            '"This is an actual innovation, and they should get a reward for it"\n\n'
            "One challenge is fragmentation.\n\n"
            '"This is an actual innovation, and they should get a reward for it," said Craig Garthwaite.')
    assert [(a["kind"], a["speaker"]) for a in _run(nlp, text)] == [("direct", "Rother"), ("direct", "Craig Garthwaite")]


def test_a_platform_is_the_channel_not_the_content(nlp) -> None:
    atts = _run(nlp, "President Trump responded on Twitter.\n“The witch hunt continues!” he wrote.")
    assert [(a["speaker"], a["content_text"]) for a in atts] == [("Trump", "“The witch hunt continues!”")]
    atts = _run(nlp, "Trump wrote on Facebook that the hunt continues.")
    assert [(a["channel"], a["content_text"]) for a in atts] == [("Facebook", "that the hunt continues")]


@pytest.mark.parametrize("text", [
    "Biden is considered the front-runner in the race.",
    "Shrugging off the criticism, the governor signed the bill.",
    "Trump has been brushing up against the law for years.",
])
def test_predicates_that_report_nobody(nlp, text: str) -> None:
    assert _run(nlp, text) == []


def test_the_example_article_keeps_its_attributions(nlp, example_text: str) -> None:
    atts = extract_attributions(nlp(example_text))
    assert len(atts) == 29
    by_content = {a["content_text"]: a for a in atts}
    # an object that is what was reported or held, not a topic, stays
    assert by_content["more air strikes"]["speaker"] == "Syrian Observatory for Human Rights"
    assert by_content["the uprising against Assad"]["speaker"] == "Washington"
    # "He" after "one soldier told state television" is the soldier, not "Assad's opponents"
    assert [a["speaker"] for a in atts if a["source_text"] in ("He", "the soldier")] == ["one soldier"] * 3


def test_a_topic_cue_needs_a_statement(nlp) -> None:
    assert _run(nlp, "Reporters asked Clinton her stance on the pipeline.") == []
    assert [a["cue_lemma"] for a in _run(nlp, "The Syrian Observatory for Human Rights reported more air strikes.")] == ["report"]


def test_no_speaker_is_a_bare_pronoun(nlp) -> None:
    assert _speakers(nlp, "Many were angry. Those said the plan would fail.") == [("Those", None, "anonymous")]


@pytest.mark.parametrize("text, speaker", [
    # a courtesy title decides between the two people of one surname
    ("Hillary Clinton and Bill Clinton toured Ohio on Monday. Mr. Clinton said the trip had gone well.",
     "Bill Clinton"),
    # so does the pronoun that refers back to the surname
    ("Bill Clinton and Hillary Clinton toured Ohio on Monday. Clinton spoke first. She said the trip had gone well.",
     "Hillary Clinton"),
    # the one the writer names most, when clearly so
    ("Karen Monahan spoke to reporters on Monday. Karen Monahan has worked as an organizer. Her son, Austin "
     "Monahan, was at home. Karen Monahan posted a statement. Monahan said she was relieved.", "Karen Monahan"),
])
def test_a_surname_two_people_share(nlp, text: str, speaker: str) -> None:
    assert [a["speaker"] for a in _run(nlp, text)][-1] == speaker


def test_a_surname_two_people_share_equally_stays_the_surname(nlp) -> None:
    text = "Sarah Sanders met Bernie Sanders in Vermont on Monday. Sanders said the meeting was friendly."
    assert [a["speaker"] for a in _run(nlp, text)] == ["Sanders"]


@pytest.mark.parametrize("text, speakers", [
    # the question was put to Westling: he asked nothing
    ("Asked whether the deal included an agreement to cooperate, defense attorney Richard Westling said his "
     "client would testify.", ["Richard Westling"]),
    # a stance participle with its clause is its subject's
    ("Senator Ted Cruz spoke on Monday, worried that the deal would fail.", ["Ted Cruz"]),
])
def test_a_participle_cue_was_asked_not_asking(nlp, text: str, speakers: list[str]) -> None:
    assert [a["speaker"] for a in _run(nlp, text)] == speakers


def test_a_description_its_possessor_names_repeats_no_earlier_one(nlp) -> None:
    text = ("Attorneys said the case would fail. Legal analysts pointed out that this would not be a libel "
            "suit. Trump's attorneys cite alleged violations of the Lanham Act.")
    assert [a["speaker"] for a in _run(nlp, text)][-1] == "Trump's attorneys"


def test_a_pronoun_skips_an_earlier_plural_quantifier(nlp) -> None:
    text = ("Nina Turner, a surrogate for Sanders, said those conversations seem redundant. Many said the "
            "senator was right.\n\n“There is no need to study,” she said.")
    assert [a["speaker"] for a in _run(nlp, text)] == ["Nina Turner", "Many", "Nina Turner"]


def test_a_titled_surname_is_the_person_named_in_full(nlp) -> None:
    text = ("“That’s one way of looking at it,” says Yale Law School Professor William Eskridge.\n\nIn the "
            "1960s, opponents of the Civil Rights Act used the Bible to justify discrimination, notes "
            "Professor Eskridge, a leading scholar of gay rights.")
    assert [(a["speaker"], a["speaker_type"]) for a in _run(nlp, text)] == [
        ("William Eskridge", "person"), ("William Eskridge", "person")]


@pytest.mark.parametrize("text, speaker, speaker_type", [
    ('House Democratic leader Nancy Pelosi accused Republicans of obstruction.\n\n"It is time to work with '
     'Democrats," said a statement by Pelosi, D-California.', "Nancy Pelosi", "person"),
    ("A report by the Congressional Budget Office found that the bill would cost $1 trillion.",
     "Congressional Budget Office", "official"),
    ("A PolitiFact analysis found that the claim was false.", "PolitiFact", "organization"),
    ("Senator Tom Carper opened the hearing. His initial letter said the agency had failed to act.",
     "Tom Carper", "person"),
])
def test_a_document_by_a_named_author_is_the_authors_voice(nlp, text: str, speaker: str, speaker_type: str) -> None:
    assert [(a["speaker"], a["speaker_type"]) for a in _run(nlp, "An Iowa poll found that voters were angry.")] == [
        ("An Iowa poll", "document")]  # a place is no poll's author
    assert [(a["speaker"], a["speaker_type"]) for a in _run(nlp, text)][-1] == (speaker, speaker_type)


def test_a_role_with_no_holder_named_is_the_last_sentences_subject(nlp) -> None:
    text = ("Mike Huckabee has taken heat this week for his remarks on religion.\n\nThe former governor "
            "said he was not backing off.")
    assert [a["speaker"] for a in _run(nlp, text)] == ["Mike Huckabee"]


def test_a_description_repeats_only_one_of_its_own_head_noun(nlp) -> None:
    text = ("Media reports said the plane had crashed. Earlier this month, the company was ordered to "
            "suspend flights, according to state-run media.")
    assert [a["speaker"] for a in _run(nlp, text)] == ["Media reports", "state-run media"]


def test_a_name_the_model_missed_is_still_a_person(nlp) -> None:
    text = ("“This is obstruction,” Representative Elijah Cummings, who chairs the House Oversight Committee, "
            "said in a statement. “This is a massive pattern,” Cummings added.")
    assert [(a["speaker"], a["speaker_type"]) for a in _run(nlp, text)] == [
        ("Elijah Cummings", "person"), ("Elijah Cummings", "person")]


def test_with_no_byline_nor_bio_line_the_author_is_the_person_the_title_announces() -> None:
    articles = pd.DataFrame({"article_id": ["speech", "court"], "authors": [None, None],
                             "title": ["Bernie Sanders: Corporate Media is a Threat to Democracy",
                                       "Supreme Court: The Justices Hear the Case"],
                             "text": ["I suspect the city is no exception.", "I think the court will rule."]})
    assert first_authors(articles).to_dict() == {"speech": "Bernie Sanders"}


@pytest.mark.parametrize("text, speaker_type", [
    ("Nancy Pelosi and other lawmakers said the bill would pass.", "anonymous"),
    ("Hillary Clinton and her backers have said she did nothing wrong.", "anonymous"),
    ("Nancy Pelosi and Chuck Schumer said the bill would pass.", "person"),
])
def test_a_person_with_an_unnamed_group_is_a_group(nlp, text: str, speaker_type: str) -> None:
    assert [a["speaker_type"] for a in _run(nlp, text)] == [speaker_type]


def test_shares_of_people_are_anonymous(nlp) -> None:
    text = "More than half of those questioned in a new survey say the coverage has been unfair."
    assert [a["speaker_type"] for a in _run(nlp, text) if a["cue_lemma"] == "say"] == ["anonymous"]


@pytest.mark.parametrize("text, speaker", [
    ("CNN’s initial Tuesday tweet about the article implied the user had apologized.\n\n“CNN tracked down the "
     "user behind the GIF. Now he’s apologizing,” the tweet said.", "CNN"),
    ("AARP and other groups argue that the cuts would hit the oldest Americans hard. They might also burden "
     "women, who tend to live longer than men, the groups warned.", "AARP and other groups"),
    ("Gallup released this analysis on Monday. “Americans are more divided than ever,” this analysis says.",
     "Gallup"),
])
def test_a_definite_description_refers_back_to_its_document_or_group(nlp, text: str, speaker: str) -> None:
    assert [a["speaker"] for a in _run(nlp, text)][-1] == speaker


@pytest.mark.parametrize("text, speaker", [
    ("The couple, Melissa and Aaron Klein, cited religious beliefs as their reason for refusing the order.",
     "Melissa and Aaron Klein"),
    ("“Wisconsin law should not be erased,” Speaker of the Assembly Robin Vos and Senate Majority Leader Scott "
     "Fitzgerald said in a joint statement.",
     "Speaker of the Assembly Robin Vos and Senate Majority Leader Scott Fitzgerald"),
])
def test_two_people_speaking_together_are_both_the_speaker(nlp, text: str, speaker: str) -> None:
    assert [(a["speaker"], a["speaker_type"]) for a in _run(nlp, text)] == [(speaker, "person")]


def test_a_block_quote_after_a_colon_is_its_lead_ins_speakers(nlp) -> None:
    text = ("Chief Justice John Roberts felt he had to comment, saying:\n\nI think it is appropriate at this point "
            "for me to admonish both the House managers and the president’s counsel in equal terms.\n\n"
            "Here are the overall findings, which the report lists:\n\nThe RAND report emphasizes that the "
            "evidence on most of the policies is limited and often inconclusive.")
    assert [(a["kind"], a["speaker"]) for a in _run(nlp, text)] == [
        ("direct", "John Roberts"), ("indirect", "RAND")]  # the report's named author


@pytest.mark.parametrize("text, cue, speaker", [
    # sentences are counted back from where the quote begins
    ("Nina Turner, a chief surrogate for Sanders’s presidential campaign, said those conversations seem "
     "redundant. The senator’s bid identified many of the policies activists want.\n\n“There are already "
     "a list of things. There’s no need to study,” she said.", "say", "Nina Turner"),
    # a name in apposition to the subject is the subject
    ("Pat Cipollone spoke first. His fellow counsel, Jay Sekulow, followed, directly addressing Jerry "
     "Nadler, with an argument in which he accused Nadler of hypocrisy.", "accuse", "Jay Sekulow"),
    # "they" is the group the last sentence is about, not an older unnamed speaker
    ("Immigration analysts said the numbers were low. Only 1 percent of illegal immigrants were "
     "deported.\n\nBeyond the deportation numbers, the Republicans’ list of breaches of trust is "
     "extensive. They point to the administration’s lawsuits against states.", "point", "Republicans"),
])
def test_pronoun_antecedents_by_salience(nlp, text: str, cue: str, speaker: str) -> None:
    assert [a["speaker"] for a in _run(nlp, text) if a["cue_lemma"] == cue][-1] == speaker


def test_a_pronoun_with_an_unnamed_group_is_a_group(nlp) -> None:
    text = "Alexis Tsipras called the referendum. He and other Greek officials want large-scale debt relief."
    assert [(a["speaker"], a["speaker_type"]) for a in _run(nlp, text) if a["cue_lemma"] == "want"] == [
        ("Alexis Tsipras and other Greek officials", "anonymous")]


def test_a_place_heading_a_list_is_no_speaker(nlp) -> None:
    text = ("The candidates were set.\n\nNevada: Hillary Clinton, Bernie Sanders, Martin O'Malley.\n\n"
            "Iowa: Ted Cruz, Marco Rubio.")
    assert _run(nlp, text) == []


@pytest.mark.parametrize("text, speaker", [
    ("House Democrats had hoped to pick up as many as 15 or 20 seats.", "House Democrats"),
    ("Democrats on the committee said the memo was misleading.", "Democrats on the committee"),
    ("The Democrats said the memo was misleading.", "Democrats"),
])
def test_part_of_a_group_is_not_the_whole_group(nlp, text: str, speaker: str) -> None:
    assert [a["speaker"] for a in _run(nlp, text)] == [speaker]


def test_an_outlet_relaying_a_statement_is_its_channel(nlp) -> None:
    text = ('Democrats were "complaining about minor edits to the memo," Jack Langer, a spokesman for Nunes, said '
            "in a statement, according to The New York Times.")
    assert [(a["speaker"], a["speaker_type"], a["channel"]) for a in _run(nlp, text)] == [
        ("Jack Langer", "person", "The New York Times")]


@pytest.mark.parametrize("text, speaker", [
    ("Some current and former State Department officials said the emails were routine. Republicans said the "
     "episode was serious, but other former officials said the incident was benign.", "other former officials"),
    ("A concept dear to many conservatives, federalist principles may prevent the administration from using "
     "funding as a weapon, scholars say.", "scholars"),                                   # subject run over its content
    ("Parsons, who did not respond to requests for comment from CNN, claimed to have worked at a law firm.",
     "Parsons"),                                                                          # the relative clause cut
    ("The lawsuit was filed on Monday. The plaintiffs, who include women awarded Purple Hearts, say the "
     "exclusion places them at a disadvantage.", "The plaintiffs"),
])
def test_a_described_group_or_person_is_named_as_written(nlp, text: str, speaker: str) -> None:
    assert [a["speaker"] for a in _run(nlp, text)][-1] == speaker


@pytest.mark.parametrize("text, speaker", [
    ('Even a modest rate increase could scare off buyers, according to Lindsey Piegza, chief economist for Sterne '
     'Agee.\n\n"A rising monthly payment could cause an unwelcome sticker shock for many homebuyers," she said.',
     "Lindsey Piegza"),                                  # not the employer named in her description
    ("The House Intelligence Committee’s top Democrat, Rep. Dutch Ruppersberger of Maryland, said the program "
     "“allows the government to connect the dots” of brewing terrorist activities.", "Dutch Ruppersberger"),
    ('Palestinian leader Mahmoud Abbas spoke first. Then Abbas added: "We are not attempting to delegitimize '
     'them."\n\nSpeaking later, Israeli Prime Minister Benjamin Netanyahu criticized Abbas\' remarks.\n\n"We '
     'won\'t solve our conflict with libelous speeches at the U.N.," Israel\'s leader said.', "Benjamin Netanyahu"),
    ("On Thursday, President Donald Trump told reporters he didn’t know the two associates. Then, he turned the "
     "attention squarely back to Rudy Giuliani.\n\n“You'd have to ask Rudy,” he said.", "Donald Trump"),
    ('"We are a peaceful people," David Cameron said after the meeting.\n\nDescribing Mr Haines as a "British '
     'hero", he said the militants were "monsters".', "David Cameron"),                # he is not whom he describes
    ("Republicans said any bill must include border security. Democratic leaders rebuffed those calls for "
     "compromise. They said Republicans had their chance last year.", "Democratic leaders"),
])
def test_who_a_pronoun_or_role_refers_to_in_context(nlp, text: str, speaker: str) -> None:
    assert [a["speaker"] for a in _run(nlp, text)][-1] == speaker


def test_a_participle_describing_a_place_is_no_ones_view(nlp) -> None:
    assert _run(nlp, "But how did Portland, for so long considered a bastion of American liberalism, become the "
                     "centre of the battle?") == []


@pytest.mark.parametrize("text, speaker, speaker_type", [
    ("Director of National Intelligence Dan Coats, reacting to the indictment on Friday, warned history could "
     "repeat itself.", "Dan Coats", "person"),                                # a participle clause cut
    ("They earn too much (the family says their income is somewhere in the six figures).", "the family",
     "anonymous"),
    ("CORPUS CHRISTI RESIDENT: We lost everything in the storm.\nBLITZER: What happened next?",
     "CORPUS CHRISTI RESIDENT", "anonymous"),                                 # a transcript label describing someone
])
def test_speaker_names_and_types_of_descriptions(nlp, text: str, speaker: str, speaker_type: str) -> None:
    assert (speaker, speaker_type) in [(a["speaker"], a["speaker_type"]) for a in _run(nlp, text)]
