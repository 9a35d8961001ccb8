"""In-article speaker resolution: who each attribution's source refers to.

A named source resolves to the entity mention under its head token (or the name in
apposition: "Another witness, Cheryl Campbell"); a pronoun or relative to an earlier
speaker or mention that agrees in kind and gender, not named only inside a quote, a recent
subject first; a definite description ("the Observatory", "the soldier", "the company") to
an earlier mention or speaker it names; a role ("the president", "the GOP leader") to the
person the article gives that role; a coordination to the whole group; first person
outside quotes and the questions of a Q&A to the article's writer (type ``author``, named
from the byline at corpus level), the answers to the interviewee; "we", "you", "this" to
no one; anything else is its own text. Each speaker gets a type (person, organization,
official, media, document, anonymous, author, unknown). Linking speakers to corpus
entities is a later, corpus-level step (:mod:`newscope.resolve.speakers`).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence

from spacy.tokens import Token

from newscope.entities.names import TITLE_GENDER, TITLES, first_name_gender, named_like_person
from newscope.lexicon import rows, words
from newscope.records import Attribution, Mention, Speaker

PRONOUNS_PERSON = frozenset("he she him her his".split())
FIRST_PERSON = frozenset("i me my".split())
_PRONOUN_GENDER = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female"}
PRONOUNS_GROUP = frozenset("it its they them their".split())
_PLURAL_PRONOUNS = frozenset("they them their".split())
_PLURAL_HEADS = _PLURAL_PRONOUNS | {"those", "these", "both", "many", "some", "others", "several", "few", "most", "all"}
#: A party member's description -> how the article marks a person of that party.
_PARTIES = {"democrat": r"\(D[-–,]|\bDemocrat", "republican": r"\(R[-–,]|\bRepublican"}
_PLACE_BEFORE = re.compile(r"\b(?:in|near)\s+$")
#: The capitalised word right before a name ("Sen." in "Sen. Chris Coons").
_WORD_BEFORE = re.compile(r"\b([A-Z][a-z]+)\.?[ \t]+$")
#: Small words inside a title in capitals ("Director of National Intelligence").
_TITLE_LINKS = frozenset("of for to the on in and former acting then".split())
RELATIVE = frozenset("who which that whom".split())
_MODIFIERS = frozenset("det amod compound nummod poss case advmod quantmod nmod".split())
DEMONSTRATIVES = frozenset("this these".split())
_BARE_PRONOUNS = PRONOUNS_PERSON | PRONOUNS_GROUP | FIRST_PERSON | RELATIVE | DEMONSTRATIVES | frozenset(
    "those you your we us our".split())
_INDEFINITE = frozenset("a an one some another several many few most all".split())
_QUANTIFIERS = frozenset("those some many others all".split())  # described by their clause
#: Words naming nobody who spoke (the writer's "we", generic "you"): see attribution.holders.
NON_HOLDERS = words("non_holders")
PERSON_LABELS = frozenset({"PERSON"})
GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})
SPEAKER_LABELS = PERSON_LABELS | GROUP_LABELS | {"FAC"}  # mentions a source can name
ANON_NOUNS = words("anonymous_nouns")
MEDIA_WORDS = words("media_words")
PLATFORMS = words("platforms")
OFFICIAL_WORDS = words("official_words")
OFFICIAL_NAMES = words("official_names")
ROLE_NOUNS = words("role_nouns")
SOURCE_DOCUMENTS = words("source_documents")
ORGANIZATION_NOUNS = words("organization_nouns")
#: Titles before a surname that make it a person's ("Mr. Kurtinitis", "Dr. Fauci").
_PERSON_TITLES = frozenset(TITLE_GENDER) | {"dr"}
#: Titles before a name ("Sen.", "Professor", "Mr."), and the words a title in capitals
#: may hold ("Special Agent in Charge"); the nouns of descriptions, not names ("a May Iowa Poll").
_NAME_TITLES = TITLES | _PERSON_TITLES
_TITLE_NOUNS = TITLES | ANON_NOUNS | ROLE_NOUNS
_DESCRIPTION_NOUNS = (SOURCE_DOCUMENTS | ANON_NOUNS | ROLE_NOUNS | ORGANIZATION_NOUNS | MEDIA_WORDS
                      | OFFICIAL_WORDS)
#: Agencies and outlets by name: speakers of these names are media.
MEDIA_NAMES = frozenset(r[k].lower().removeprefix("the ") for r in rows("agencies")
                        for k in ("agency", "spelling")) | words("news_outlets")
#: role noun -> the titles that show who holds it ("the senator" <- "Sen. Ted Cruz")
ROLE_TITLES = {r["role"]: frozenset(r["titles"].split(",")) for r in rows("role_titles")}
#: Roles that are no office, and the titles of offices ("Sen." is no mayor).
_CANDIDACIES = frozenset({"candidate", "nominee"})
_OFFICES = frozenset().union(*(t for r, t in ROLE_TITLES.items() if r not in _CANDIDACIES))
#: The writer of the article: ``annotate`` names this speaker from the byline.
AUTHOR = "author"
QUESTION_LABELS = frozenset({"q", "question"})
ANSWER_LABELS = frozenset({"a", "answer"})


def resolve_speakers(attributions: Sequence[Attribution], mentions: Sequence[Mention],
                     quotes: Sequence[tuple[int, int]] = ()) -> None:
    """Set every attribution's :class:`~newscope.records.Speaker`, in the order of their
    cues (contents for those without one): a speaker may refer back to an earlier one.
    ``mentions`` are the article's entity mentions in text order, ``quotes`` its quote spans
    (first person inside a quote is the quoted speaker, outside it the writer)."""
    mentions = _people_as_people(mentions, attributions[0].doc_text if attributions else "")
    history: list[Attribution] = []
    for a in sorted(attributions, key=lambda x: x.cue[0] if x.cue is not None else x.content[0]):
        if a.continues is not None:
            a.speaker = a.continues.speaker
        elif a.source is not None:
            pronoun = _PRONOUN_GENDER.get(a.head.lower_) if a.head is not None else None
            a.speaker = _surname_bearer(_resolve_source(a, mentions, history, quotes), mentions, a.doc_text, pronoun,
                                        quotes)
            if a.speaker.name is not None and a.speaker.name.lower() in _BARE_PRONOUNS:
                a.speaker = Speaker(type=a.speaker.type)  # a pronoun names no one ("those")
        else:
            a.speaker = Speaker()
        history.append(a)


def _people_as_people(mentions: Sequence[Mention], text: str) -> list[Mention]:
    """The mentions, with people the model tagged otherwise made PERSON: a name like a
    person's ("John Myers" as ORG) or after a title ("Sen. Chris Coons"), and a surname,
    titled or not, of a person the article names in full ("Kurtinitis" as GPE after "Joel
    Kurtinitis", "Professor Eskridge" as ORG after "William Eskridge"), then keyed to the
    full name."""
    people = {m.key for m in mentions if m.label == "PERSON" or named_like_person(m.key)
              or m.label in ("ORG", "GPE") and _titled(text, m)}
    people -= {m.key for m in mentions if m.label in ("GPE", "LOC", "FAC") and _PLACE_BEFORE.search(
        text[max(0, m.start - 6) : m.start])}  # "in Des Moines" is a place, whatever its first word
    surnames: dict[str, set[str]] = {}
    for key in people:
        if len(_untitled(key).split()) > 1:
            surnames.setdefault(key.split()[-1], set()).add(key)
    out = []
    for m in mentions:
        full = surnames.get(_untitled(m.key), set())
        if m.label != "PERSON" and len(full) == 1:
            m = dataclasses.replace(m, label="PERSON", key=next(iter(full)))
        elif m.label != "PERSON" and m.key in people:
            m = dataclasses.replace(m, label="PERSON")
        out.append(m)
    return out


def _resolve_source(a: Attribution, mentions: Sequence[Mention], history: list[Attribution],
                    quotes: Sequence[tuple[int, int]]) -> Speaker:
    src = _without_relative_clause(a.text_of(a.source), a.source[0], a.head)
    tok = a.head
    words = {w.lower() for w in re.findall(r"[\w-]+", src)}
    head = tok.lower_ if tok is not None else src.lower()
    label = src.strip(" .").lower()
    if a.cue_lemma == ":" and label in QUESTION_LABELS:
        return Speaker(type=AUTHOR)
    if a.cue_lemma == ":" and label in ANSWER_LABELS:
        return _interviewee(a, mentions)
    if tok is not None and head in FIRST_PERSON:
        quoted = any(qs < a.source[0] < qe for qs, qe in quotes)
        return Speaker() if quoted else Speaker(type=AUTHOR)
    if tok is not None and (head in PRONOUNS_PERSON | PRONOUNS_GROUP or head in RELATIVE):
        ante = _antecedent(a, tok, mentions, history, quotes) or Speaker()
        if ante.name is not None and src.lower().startswith(head + " ") and any(c.dep_ == "conj" for c in tok.children):
            # "he and his aides": the group, led by whom the pronoun refers to, unnamed if plural
            plural = any(c.tag_ == "NNS" for c in tok.conjuncts)
            return Speaker(_last_line(ante.name + src[len(head):]), type="anonymous" if plural else ante.type)
        return ante
    if head in NON_HOLDERS or head in DEMONSTRATIVES:
        return Speaker()  # "we", "you", "this": nobody the text names
    owner = _possessor(tok)
    if owner is not None:  # "his initial letter": whoever "his" is, else the letter
        return _antecedent(a, owner, mentions, history, quotes) or Speaker(_last_line(src), type="document")
    if a.cue_lemma == ":" and re.fullmatch(r"[A-Z]{2,4}", src.strip()):
        introduced = _introduced_as(a, src.strip(), mentions)
        if introduced is not None:  # "CP:" after "Christian Purefoy (CP), a director ..."
            return introduced
    couple = _people_in_apposition(tok, mentions) or _titled_pair(a, mentions)
    if couple is not None:
        return couple
    m = _mention_at(mentions, tok)
    if m is None or m.label == "NORP":  # "The committee's top Democrat, Rep. Dutch Ruppersberger"
        m = _named_in_apposition(a, mentions, tok) or m
    m = m or _titled_name(a, mentions, a.source[0] + len(src)) or _document_author(tok, mentions)
    if tok is not None and tok.lower_ in _PARTIES and tok.tag_ in ("NN", "NNP") and any(
            c.lower_ == "the" for c in tok.children):
        # "the Nevada Democrat": a member named before, not the party
        return _party_member(a, tok, mentions) or Speaker(_last_line(src), type="anonymous")
    if m is not None and tok is not None and (m.label == "NORP" or tok.tag_ in ("NNS", "NNPS")) and any(
            c.i < tok.i and (c.lower_ in _INDEFINITE or c.dep_ == "nummod") for c in tok.children):
        return Speaker(_last_line(src), type="anonymous")  # "Some House Republicans": unnamed members
    if m is None and a.cue_lemma == ":" and src.isupper():  # a transcript's speaker label ("BLITZER:")
        return Speaker(src, type="anonymous" if src.split()[-1].lower() in ANON_NOUNS else "person")
    if tok is not None and (tok.dep_ == "conj" or any(c.dep_ == "conj" for c in tok.children)):
        # "Some Democrats and Republicans", "Warren and others": the group, not one of it
        heads = [tok.head if tok.dep_ == "conj" else tok]
        heads += [c for c in heads[0].subtree if c.dep_ == "conj" and c.head in heads]
        unnamed = [h for h in heads if _mention_at(mentions, h) is None and h.tag_ == "NNS"]
        if all((n := _mention_at(mentions, h)) is not None and n.label == "PERSON" for h in heads):
            kind = "person"
        elif unnamed:  # "Pelosi and other lawmakers": typed by the unnamed part, people if unknown
            kind = _description_type(unnamed[-1].lemma_.lower(), words)
            if kind == "unknown" and any((n := _mention_at(mentions, h)) is not None and n.label == "PERSON"
                                         for h in heads):
                kind = "anonymous"  # "Mrs. Clinton and her backers"
        else:
            kind = _type_of(m.label, words, m.key) if m is not None else _description_type(tok.lemma_.lower(), words)
        return Speaker(_last_line(src), type=kind)
    extra = re.findall(r"[A-Za-z][\w'’-]*", re.sub(r"^(?:the|The)\s+", "", a.doc_text[a.source[0] : m.start])
                       + " " + a.doc_text[m.end : a.source[1]]) if m is not None else []
    if m is not None and m.label == "NORP" and tok is not None and tok.tag_ in ("NNS", "NNPS") and 0 < len(extra) <= 6:
        # part of the group: "House Democrats", "Democrats on the committee", not all Democrats
        return Speaker(_last_line(src), type=_type_of(m.label, words, m.key))
    if m is not None:
        return _mention_speaker(m, {w.lower() for w in re.findall(r"[\w-]+", m.key)} | words)
    head_lemma = tok.lemma_.lower() if tok is not None else src.split()[-1].lower()
    indefinite = tok is not None and any(c.lower_ in _INDEFINITE or c.like_num for c in tok.children)
    if tok is not None and not indefinite:
        ante = _description(a, tok, mentions, history)
        if ante is not None:
            return ante
    if tok is not None and tok.lower_ in _QUANTIFIERS:  # "those who ...": with their clause
        clause = next((c for c in tok.children if c.dep_ == "relcl"), None)
        if clause is not None:
            src = a.doc_text[tok.left_edge.idx : clause.right_edge.idx + len(clause.right_edge.text)]
    name = _untagged_name(tok)
    if name is not None:
        return Speaker(name, type="person")
    return Speaker(_last_line(src), type=_description_type(head_lemma, words, tok))


def _without_relative_clause(src: str, start: int, head: Token | None) -> str:
    """The source without a relative or participle clause set off by a comma after its head
    ("Parsons, who did not respond to requests for comment from CNN" -> "Parsons", "Dan
    Coats, reacting to the indictment"); "Those who disagree" keeps its clause."""
    clause = next((c for c in head.rights if c.dep_ == "relcl" or c.dep_ == "acl" and c.tag_ == "VBG"), None) \
        if head is not None else None
    if clause is None or head.doc[clause.left_edge.i - 1].text != ",":
        return src
    return src[: head.doc[clause.left_edge.i - 1].idx - start].rstrip() or src


def _untagged_name(head: Token | None) -> str | None:
    """A person's name the model did not tag, heading the source ("Representative Elijah
    Cummings, who chairs ..."): capitalised proper nouns ending in the head, the first a
    clear first name."""
    if head is None or head.tag_ != "NNP" or not head.text[:1].isupper() or head.lower_ in _DESCRIPTION_NOUNS:
        return None  # "a May Iowa Poll"
    parts = [c for c in head.lefts if c.dep_ == "compound" and c.tag_ == "NNP" and c.text[:1].isupper()]
    while parts and first_name_gender(parts[0].text) not in ("male", "female"):
        parts = parts[1:]  # "Representative Elijah Cummings" -> "Elijah Cummings"
    if not parts or any(left.i + 1 != right.i for left, right in zip(parts, [*parts[1:], head])):
        return None
    return " ".join(t.text for t in [*parts, head])


def _titled(text: str, m: Mention) -> bool:
    """Does a capitalised title precede mention ``m`` ("Sen. Chris Coons" tagged ORG)?"""
    word = _WORD_BEFORE.search(text[max(0, m.start - 16) : m.start])
    return word is not None and word.group(1).lower() in _NAME_TITLES


def _untitled(key: str) -> str:
    """``key`` without a title that opens it ("Professor Eskridge" -> "Eskridge")."""
    first, _, rest = key.partition(" ")
    return rest if rest and first.rstrip(".").lower() in _NAME_TITLES else key


def _surname_bearer(speaker: Speaker, mentions: Sequence[Mention], text: str, gender: str | None,
                    quotes: Sequence[tuple[int, int]]) -> Speaker:
    """A lone surname the article gives two people ("Clinton" after "Hillary Clinton" and
    "Bill Clinton") is the one a courtesy title before it ("Mr. Clinton") or the pronoun
    that referred to it (``gender``) fits; of those, the one the writer names most outside
    quotes (full name or first name alone) if it has twice the mentions of any other."""
    if speaker.start is None or speaker.type != "person" or " " in (speaker.name or " "):
        return speaker
    people = [m for m in mentions if m.label == "PERSON" and not any(qs < m.start < qe for qs, qe in quotes)]
    bearers = {m.key for m in people if len(m.key.split()) > 1 and m.key.split()[-1] == speaker.name}
    gender = _title_gender(text, speaker.start) or gender
    fitting = [k for k in bearers if _gender_fit(gender, k, text, None) > 0]
    if len(bearers) < 2 or not fitting:
        return speaker
    named = Counter(m.key for m in people)
    counts = {k: named[k] + named[k.split()[0]] for k in fitting}
    key = max(counts, key=counts.get)
    if any(counts[key] < 2 * n for k, n in counts.items() if k != key):
        return speaker  # no clear favourite: left to the corpus ("Clinton" is mostly Hillary Clinton)
    m = next(m for m in people if m.key == key)
    return Speaker(key, m.start, m.end, "person")


def _title_gender(text: str, start: int) -> str | None:
    """The gender of a courtesy title right before ``start`` ("Mrs. Clinton"), if any."""
    title = re.search(r"\b([A-Za-z]+)\.?\s*$", text[max(0, start - 12) : start])
    return TITLE_GENDER.get(title.group(1).lower()) if title else None


def _last_line(text: str) -> str:
    """A description cut to its last line ("...\n\nMillions" -> "Millions")."""
    return text.rsplit("\n", 1)[-1].strip(" \t\"'“”.,")


def _mention_at(mentions: Sequence[Mention], head: Token | None) -> Mention | None:
    """The mention holding the source's head token."""
    if head is not None:
        for m in mentions:
            if m.start <= head.idx < m.end and m.label in SPEAKER_LABELS:
                return m
    return None


def _introduced_as(a: Attribution, initials: str, mentions: Sequence[Mention]) -> Speaker | None:
    """The name a transcript's initials stand for, as the article introduces them:
    "Christian Purefoy (CP)" for "CP:"."""
    intro = re.search(rf"([A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){{0,3}})[ \t]*\({initials}\)", a.doc_text)
    if intro is None:
        return None
    m = next((m for m in mentions if m.start < intro.end(1) and intro.start(1) < m.end
              and m.label in SPEAKER_LABELS), None)
    if m is not None:
        return _mention_speaker(m, set(m.key.lower().split()))
    return Speaker(intro.group(1), type="person")


def _titled_name(a: Attribution, mentions: Sequence[Mention], end: int) -> Mention | None:
    """The person whose name ends (at ``end``) a source that is otherwise a title in capitals ("Director
    of National Intelligence James Clapper", "Special Agent in Charge Renn Cannon"), parsed with the
    title as head; not "an aide to Boehner", "Critics of Mr. Comey" nor two titled people
    ("Speaker Robin Vos and Senate Majority Leader Scott Fitzgerald")."""
    for m in mentions:
        if m.label == "PERSON" and m.end == end and a.source[0] < m.start and not any(
                n.label == "PERSON" and a.source[0] <= n.start and n.end <= m.start for n in mentions):
            words = re.findall(r"[\w.'’-]+", a.doc_text[a.source[0] : m.start])
            if (all(w[0].isupper() or w in _TITLE_LINKS for w in words)
                    and any(w.lower() in _TITLE_NOUNS for w in words) and words[-1][0].isupper()):
                return m
    return None


def _document_author(head: Token | None, mentions: Sequence[Mention]) -> Mention | None:
    """Who wrote or issued a document source, by name: "a statement by Pelosi", "Pelosi's
    letter", "A PolitiFact analysis"."""
    if head is None or head.lemma_.lower() not in SOURCE_DOCUMENTS:
        return None
    for child in head.children:
        named = child if child.dep_ in ("poss", "compound") else next(
            (g for g in child.children if g.dep_ == "pobj"), None) if child.lower_ == "by" else None
        m = _mention_at(mentions, named) if named is not None else None
        if m is not None and (child.dep_ != "compound" or m.label == "ORG" and child.pos_ == "PROPN"
                              and m.key.lower() not in PLATFORMS):
            return m  # "the Iowa poll" is no poll by Iowa, "a Twitter post" none by Twitter, "Media reports" none
    return None


def _possessor(head: Token | None) -> Token | None:
    """The person's pronoun that owns a document source ("his initial letter"), to resolve
    like a pronoun source."""
    if head is None or head.lemma_.lower() not in SOURCE_DOCUMENTS:
        return None
    return next((c for c in head.children if c.dep_ == "poss" and c.lower_ in ("his", "her")), None)


def _people_in_apposition(head: Token | None, mentions: Sequence[Mention]) -> Speaker | None:
    """People named together beside a description: "The couple, Melissa and Aaron Klein"."""
    for child in head.children if head is not None and head.pos_ == "NOUN" else ():
        named = [_mention_at(mentions, t) for t in (child, *child.conjuncts)] if child.dep_ == "appos" else []
        if len(named) > 1 and all(m is not None and m.label == "PERSON" for m in named):
            last = max(child.conjuncts, key=lambda t: t.i).right_edge
            return Speaker(head.doc.text[min(m.start for m in named) : last.idx + len(last.text)], type="person")
    return None


def _titled_pair(a: Attribution, mentions: Sequence[Mention]) -> Speaker | None:
    """Two titled people the parser did not coordinate: "Speaker of the Assembly Robin Vos and
    Senate Majority Leader Scott Fitzgerald"."""
    people = [m for m in mentions if m.label == "PERSON" and a.source[0] <= m.start and m.end <= a.source[1]]
    if len(people) == 2 and people[1].end == a.source[1] and re.fullmatch(
            r"[ \t]+and[ \t]+(?:[A-Z][\w.'’-]*[ \t]+)*", a.doc_text[people[0].end : people[1].start]):
        return Speaker(_last_line(a.text_of(a.source)), type="person")
    return None


def _named_in_apposition(a: Attribution, mentions: Sequence[Mention], head: Token | None) -> Mention | None:
    """The person named beside a description ("Another witness, Cheryl Campbell"), also
    right after its source set off by commas ("according to Kushner's lawyer who has worked
    on the plan, Jamie Gorelick, ...") or as the subject it describes ("Ron Johnson became
    the first senator to say ...")."""
    if head is None:
        return None
    if head.dep_ == "appos" and head.head.i < head.i and any(c.lower_ == "the" for c in head.children):
        # "Rep. Devin Nunes of California, the top Republican on the committee, said"
        m = _mention_at(mentions, head.head)
        if m is not None and m.label == "PERSON" and re.fullmatch(r"[^\n]*,[ \t]*", a.doc_text[m.end : head.left_edge.idx]) \
                and "\n" not in a.doc_text[head.left_edge.idx : head.idx]:
            return m
    if head.dep_ == "attr":  # "Sen. Ron Johnson became the first Republican senator to say ..."
        subj = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
        m = _mention_at(mentions, subj) if subj is not None else None
        if m is not None and m.label == "PERSON":
            return m
    for child in head.children:
        if child.dep_ == "appos":
            m = _mention_at(mentions, child)
            if m is not None and m.label == "PERSON":
                return m
    if head.tag_ == "NN":  # one person: "officials, Jane Doe and John Roe" are more
        end = a.source[1]
        for m in mentions:
            if m.start >= end and m.label == "PERSON" and re.fullmatch(r",[ \t]*", a.doc_text[end : m.start]):
                return m if re.match(r"\s*(?:[,.;)]|$)", a.doc_text[m.end : m.end + 2]) else None
    return None


def _mention_speaker(m: Mention, words: set[str]) -> Speaker:
    """A speaker resolved to mention ``m``, typed by its label and ``words``."""
    return Speaker(m.key, m.start, m.end, _type_of(m.label, words, m.key))


def _description_type(head_lemma: str, words: set[str], head: Token | None = None) -> str:
    """The type of an unnamed source, by its head noun first ("a statement by officials" is
    a document; an unresolved role, "one Democratic lawmaker", is anonymous), else by any of
    its words (a quantifier only with a plural: "some shoppers", not "some way"); a lone
    surname the model did not tag ("Pelosi") is a person."""
    for kind, nouns in (("anonymous", ANON_NOUNS | ROLE_NOUNS), ("official", OFFICIAL_WORDS),
                        ("media", MEDIA_WORDS), ("document", SOURCE_DOCUMENTS),
                        ("organization", ORGANIZATION_NOUNS)):
        if head_lemma in nouns:
            return kind
    singular = head is not None and head.tag_ == "NN"  # "some way" is no "some shoppers"
    kind = _type_of(None, words - _INDEFINITE - _QUANTIFIERS if singular else words)
    if kind == "unknown" and head is not None and head.tag_ == "NNP" and head.text[:1].isupper() \
            and all(c.dep_ == "compound" and c.tag_ == "NNP" or c.lower_.rstrip(".") in _PERSON_TITLES
                    or c.dep_ == "punct" or c.dep_ == "relcl" and c.left_edge.lower_ == "who"
                    for c in head.children):  # "Parsons, who did not respond, said"
        return "person"
    return kind


def is_media(name: str, words: set[str] | None = None) -> bool:
    """Does ``name`` (or its ``words``) name a news outlet or agency ("Associated Press",
    "AFP", "The Hill", "The New York Times", "state media"), not officials?"""
    words = {w.lower() for w in re.findall(r"[\w-]+", name)} if words is None else words
    return name.lower().removeprefix("the ") in MEDIA_NAMES or bool(words & MEDIA_WORDS) and not (
        words & {"official", "officials"})


def _type_of(label: str | None, words: set[str], name: str = "") -> str:
    if label == "PERSON" or label == "ORG" and named_like_person(name):
        return "person"
    if is_media(name, words):
        return "media"
    if label in GROUP_LABELS or label == "FAC":
        if words & OFFICIAL_NAMES:
            return "official"
        return "organization"
    if words & ANON_NOUNS:
        return "anonymous"
    if words & OFFICIAL_WORDS:
        return "official"
    return "unknown"


def _antecedent(a: Attribution, tok: Token, mentions: Sequence[Mention], history: list[Attribution],
                quotes: Sequence[tuple[int, int]]) -> Speaker | None:
    """The prior speaker or mention a pronoun or relative refers to: compatible in kind
    (person or group) and gender, not named only inside a quote; of the mentions, the
    subject of this or the previous sentence before any later one. A "he" whose clause
    comes before the main clause refers to its subject ("Though he wants ..., Blackwell
    said")."""
    low = tok.lower_
    pos = a.source[0]
    if low in RELATIVE:
        h = tok.head.head if tok.head.dep_ == "relcl" else None
        if h is not None:
            m = _mention_at(mentions, h)
            if m is not None and h.dep_ != "conj":
                return _mention_speaker(m, set())
            first = h
            while first.dep_ == "conj":  # "Warren and others who ...": the whole group
                first = first.head
            end = tok.head.right_edge if h.lower_ in _QUANTIFIERS else h  # "those who disagree"
            phrase = _last_line(a.doc_text[first.left_edge.idx : end.idx + len(end.text)])
            return Speaker(phrase, type=_description_type(h.lemma_.lower(), set(re.findall(r"[\w-]+", phrase.lower()))))
        return None
    want_person = low in PRONOUNS_PERSON
    gender = _PRONOUN_GENDER.get(low)
    labels = PERSON_LABELS if want_person else GROUP_LABELS
    if want_person:
        later = _main_subject_after(tok, mentions)
        if later is not None and later.label == "PERSON" and _agrees(gender, later.key, a.doc_text, later.start):
            return _mention_speaker(later, set(later.key.lower().split()))
    anchor = _first_token(a, tok)
    if low in _PLURAL_PRONOUNS:
        group = _plural_subject_before(anchor, mentions, history)
        if group is not None:  # "Democratic leaders rebuffed those calls. They said ..."
            return group
    window = pos - 1500
    best_hist = None
    for h in reversed(history):
        if h.speaker is None or h.speaker.name is None or (h.cue and h.cue[0] or h.content[0]) < window:
            continue
        if h.source is not None and h.source[0] >= pos:
            continue
        # "Assad's opponents" is no "he", nor "they" or "those who agree" when it stood for them
        head = h.head
        if head is not None and head.lower_ in RELATIVE and head.head.dep_ == "relcl":
            head = head.head.head
        plural = head is not None and (head.tag_ in ("NNS", "NNPS") or head.lower_ in _PLURAL_HEADS)
        ok = h.speaker.type in (("person", "anonymous") if want_person else ("organization", "media", "official")) \
            or low in _PLURAL_PRONOUNS and plural and h.speaker.type == "anonymous"  # "the people added. ..., they noted"
        if ok and not (want_person and plural) and _agrees(gender, h.speaker.name, a.doc_text, h.speaker.start):
            best_hist = h
            break
    # a name inside an earlier speaker's source only describes that speaker ("Lindsey Piegza,
    # chief economist for Sterne Agee")
    spoke = {h.speaker.start for h in history if h.speaker is not None and h.speaker.start is not None}
    described = [h.source for h in history if h.source is not None and h.speaker is not None
                 and h.speaker.start is not None and h.source[0] <= h.speaker.start < h.source[1]]
    candidates = [
        m for m in reversed(mentions)
        if m.end <= pos and m.label in labels and m.start >= window
        and not (not want_person and low == "it" and m.label in ("GPE", "NORP"))
        and _agrees(gender, m.key, a.doc_text, m.start)
        and not any(qs < m.start < qe for qs, qe in quotes)
        and not (want_person and m.start not in spoke and any(s <= m.start < e for s, e in described))
        and not _bound_by(m, tok)
    ]
    # sentences are counted back from where the attribution begins: '"... . ...," she said' from its quote
    recent = [m for m in candidates if _sentences_back(m, anchor) <= 2]
    if recent:  # the clearest gender match, then a subject, then the nearest
        best_m = max(recent, key=lambda m: (_gender_fit(gender, m.key, a.doc_text, m.start),
                                            _is_subject(m, anchor), m.start))
    else:  # "they" is someone of the last sentences, else no one named ("they're calling Aleppo ...")
        best_m = next(iter(candidates), None) if low not in _PLURAL_PRONOUNS else None
    hist_pos = (best_hist.source[0] if best_hist.source else 0) if best_hist else -1
    # a group that is the subject, or owns it, of this or the last sentence comes before an older
    # speaker ("the Republicans' list of breaches is extensive. They point to ...")
    group_here = (not want_person and best_m is not None and _sentences_back(best_m, anchor) <= 1
                  and _is_subject(best_m, anchor) == 2 and best_m.label != "GPE" and hist_pos < best_m.start)
    # "Then, he turned the attention back to Giuliani. “...,” he said": the same pronoun as the
    # last sentence's subject keeps its referent, not the object named there
    chain = (want_person and best_m is not None and best_hist is not None and best_hist.speaker.start is not None
             and " and " not in best_hist.speaker.name and not _is_subject(best_m, anchor)
             and _pronoun_subject_before(anchor, low, quotes))
    if best_hist is not None and not group_here and (best_m is None or hist_pos >= best_m.start or not want_person
                                                     or chain):
        return best_hist.speaker
    if best_m is not None:
        return _mention_speaker(best_m, set(best_m.key.lower().split()))
    return None


def _first_token(a: Attribution, tok: Token) -> Token:
    """Where the attribution begins, to count sentences back from: '"... . ...," she said'
    from its quote's first sentence."""
    start = min(a.content[0], a.source[0])
    first = tok.doc.char_span(start, start + 1, alignment_mode="expand")
    return first[0] if first is not None and len(first) else tok


def _bound_by(m: Mention, pronoun: Token) -> bool:
    """Is mention ``m`` a complement in the clause of which the pronoun is the subject, with
    no subject of its own between ("Describing Mr Haines as a hero, he said": he is not
    Haines; but "Though Hatch styled himself ..., he argues" may be Hatch)?"""
    verb = pronoun.head
    if pronoun.dep_ not in ("nsubj", "nsubjpass"):
        return False
    tok = next((t for t in verb.subtree if t.idx <= m.start < t.idx + len(t.text)), None)
    if tok is None or pronoun.left_edge.i <= tok.i <= pronoun.right_edge.i:
        return False
    while tok != verb:
        if tok.dep_ in ("nsubj", "nsubjpass") or any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
            return False
        tok = tok.head
    return True


def _last_sentence(anchor: Token):
    """The sentence before the one ``anchor`` is in, if any."""
    start = anchor.sent.start
    return anchor.doc[start - 1].sent if start > 0 else None


def _pronoun_subject_before(anchor: Token, pronoun: str, quotes: Sequence[tuple[int, int]]) -> bool:
    """Is ``pronoun`` ("he") the main subject of the sentence before ``anchor``'s, outside
    quotes?"""
    sent = _last_sentence(anchor)
    return sent is not None and any(t.lower_ == pronoun and t.dep_ == "nsubj" and t.head == sent.root
                                    and not any(qs < t.idx < qe for qs, qe in quotes) for t in sent)


def _plural_subject_before(anchor: Token, mentions: Sequence[Mention], history: list[Attribution]) -> Speaker | None:
    """The unnamed plural group of people that is the main subject of the sentence before
    ``anchor``'s ("Democratic leaders rebuffed those calls"), as written, or as resolved if it
    spoke; not a pronoun or a named group."""
    sent = _last_sentence(anchor)
    subj = next((t for t in sent if t.dep_ == "nsubj" and t.head == sent.root), None) if sent is not None else None
    if subj is None or subj.tag_ not in ("NNS", "NNPS") or subj.pos_ == "PRON" or _mention_at(mentions, subj) is not None:
        return None
    spoke = next((h.speaker for h in history if h.source is not None and h.source[0] <= subj.idx < h.source[1]), None)
    if spoke is not None:  # "Two people familiar with the talks said ... They added"
        return spoke if spoke.name is not None else None
    first = subj
    while first.i > 0 and first.nbor(-1).head in (subj, first) and first.nbor(-1).dep_ in _MODIFIERS:
        first = first.nbor(-1)  # "In an op-ed ..., government procurement experts": the noun phrase only
    phrase = _last_line(anchor.doc.text[first.idx : subj.idx + len(subj.text)])
    kind = _description_type(subj.lemma_.lower(), set(re.findall(r"[\w-]+", phrase.lower())), subj)
    return Speaker(phrase, type=kind) if kind in ("anonymous", "official", "media") else None  # "The schools closed"


def _main_subject_after(pronoun: Token, mentions: Sequence[Mention]) -> Mention | None:
    """The named subject of the main clause after the subordinate clause the pronoun is in
    ("Though he wants Cruz to win, Blackwell said ...")."""
    clause = pronoun.head
    while clause.dep_ not in ("advcl", "ROOT") and clause.head != clause:
        clause = clause.head
    if clause.dep_ != "advcl" or not any(c.dep_ == "mark" for c in clause.children) or clause.head.i < clause.i:
        return None
    subj = next((c for c in clause.head.children if c.dep_ in ("nsubj", "nsubjpass") and c.i > clause.i), None)
    return _mention_at(mentions, subj) if subj is not None else None


def _sentences_back(m: Mention, pronoun: Token) -> int:
    """How many sentences before the pronoun's mention ``m`` is (0: the same one)."""
    doc = pronoun.doc
    tok = doc.char_span(m.start, m.end, alignment_mode="expand")
    if tok is None:
        return 99
    sents = list(doc[tok.root.sent.start : pronoun.sent.end].sents)
    return len(sents) - 1


def _is_subject(m: Mention, pronoun: Token) -> int:
    """2: ``m`` (or the noun it is in apposition to or owns) is the subject of its sentence's
    main verb; 1: of another verb; 0: not a subject."""
    span = pronoun.doc.char_span(m.start, m.end, alignment_mode="expand")
    root = span.root if span is not None else None
    if root is not None and root.dep_ in ("appos", "poss"):  # "His fellow counsel, Jay Sekulow, followed"
        root = root.head  # "the Republicans' list ... is extensive"
    if root is None or root.dep_ not in ("nsubj", "nsubjpass"):
        return 0
    return 2 if root.head.dep_ == "ROOT" else 1


def _gender_fit(gender: str | None, name: str, text: str, start: int | None) -> int:
    """2: ``name`` is clearly of the pronoun's ``gender`` (a courtesy title, a clear first
    name); 1: it may be ("mostly" female, unknown); 0: it is clearly not."""
    if gender is None:
        return 1
    title = _title_gender(text, start) if start else None
    if title is not None:
        return 2 if title == gender else 0
    if not name[:1].isupper():
        return 1  # a description ("one soldier"), not a name
    guess = first_name_gender(name)
    if guess in ("male", "female"):
        return 2 if guess == gender else 0
    return 1


def _agrees(gender: str | None, name: str, text: str, start: int | None) -> bool:
    """Can a "he"/"she" (``gender``) refer to ``name``?"""
    return _gender_fit(gender, name, text, start) > 0


def _description(a: Attribution, tok: Token, mentions: Sequence[Mention], history: list[Attribution]) -> Speaker | None:
    """'the Observatory' -> Syrian Observatory for Human Rights; 'the soldier' -> 'one soldier'."""
    pos = a.source[0]
    head = tok.text.lower()
    # a name ("Gorka", "the Observatory"), not a capital at a sentence start ("Officials said")
    named = tok.text[:1].isupper() and (tok.pos_ == "PROPN" or not tok.is_sent_start or any(
        tok.text in m.key.split() for m in mentions if m.label == "PERSON"))  # "Trump" tagged a verb
    bare = all(c.dep_ == "det" for c in tok.children)  # "the foundation", not "the campaign of X"
    if named or bare and tok.lemma_.lower() in ORGANIZATION_NOUNS:  # "the foundation" -> Clinton Foundation
        before = [m for m in reversed(mentions) if m.end <= pos]
        # "Pelosi said", named in full later (not the source's own mention)
        after = [m for m in mentions if m.start > pos and not m.start <= tok.idx < m.end] if named else []
        for m in before + after:
            if head in m.key.lower().split() and m.label in (SPEAKER_LABELS if named else GROUP_LABELS):
                return _mention_speaker(m, set(m.key.lower().split()))
    if (not named and tok.lemma_.lower() in ORGANIZATION_NOUNS and tok.tag_ == "NN"
            and any(c.lower_ == "the" for c in tok.children)):
        # "the health body" after "the World Health Organization": the organisation just
        # named, an outlet for "the newspaper" and only then
        media = tok.lemma_.lower() in MEDIA_WORDS
        recent = [m for m in mentions if m.end <= pos and m.label == "ORG" and _sentences_back(m, tok) <= 1
                  and (_type_of(m.label, set(m.key.lower().split()), m.key) == "media") == media]
        if recent:  # a subject first, then the nearest
            m = max(recent, key=lambda m: (_is_subject(m, tok), m.start))
            return _mention_speaker(m, set(m.key.lower().split()))
    definite = any(c.lower_ in ("the", "these", "those") for c in tok.children)
    repeats = (definite or tok.pos_ == "PROPN") and not any(c.dep_ == "poss" and c.pos_ == "PROPN" for c in tok.children)
    for h in reversed(history if repeats else ()):
        # a definite description repeats an earlier unnamed one of the same head noun ("one
        # soldier" ... "the soldier"; "media reports" is no "state-run media"), not one its
        # possessor names ("Trump's attorneys" after "Attorneys said"); "State Department
        # officials" and "other former officials" are groups of their own
        heads = [h.head, *h.head.conjuncts] if h.head is not None else []  # "AARP and other groups ... the groups"
        if (h.source is not None and any(t.lower_ == tok.lower_ or t.lemma_.lower() == tok.lemma_.lower()
                                         and t.tag_ == tok.tag_ for t in heads)
                and h.source[0] < pos and h.speaker is not None and h.speaker.start is None
                and h.speaker.type != AUTHOR):
            return h.speaker
    if bare and tok.lemma_.lower() in SOURCE_DOCUMENTS and tok.tag_ == "NN":
        issuer = _document_issuer(a.doc_text, tok.lemma_.lower(), mentions, pos)
        if issuer is not None:  # "Russia's Foreign Ministry issued a statement ... the statement said"
            return _mention_speaker(issuer, set(issuer.key.lower().split()))
    role = tok.lemma_.lower()
    if role in ANON_NOUNS and role not in ROLE_NOUNS or tok.tag_ in ("NNS", "NNPS"):
        return None  # "officials", "a source", "Republican senators": not one person named before
    if role in ROLE_TITLES:
        vice = any(c.lower_ == "vice" for c in tok.children)  # "the former vice president"
        place = next((c.text for c in tok.children if c.dep_ == "poss" and c.ent_type_ == "GPE"), None)
        holder = (_role_holder(a.doc_text, role, mentions, pos, vice=vice, place=place)
                  or _last_subject(tok, _first_token(a, tok), role, mentions, pos))
        return None if holder is None else Speaker(holder.key, holder.start, holder.end, "person")
    if role in ROLE_NOUNS:
        # "the embattled Syrian leader": the person who is the main subject of this or the last
        # sentence ("Netanyahu criticized Abbas' remarks. ... Israel's leader said"), else the
        # most recently named
        people = [m for m in reversed(mentions) if m.end <= pos and m.label == "PERSON"]
        anchor = _first_token(a, tok)
        m = next((m for m in people if _sentences_back(m, anchor) <= 1 and _is_subject(m, anchor) == 2),
                 next(iter(people), None))
        if m is not None:
            return Speaker(m.key, m.start, m.end, "person")
    return None


def _last_subject(tok: Token, anchor: Token, role: str, mentions: Sequence[Mention], pos: int) -> Mention | None:
    """The person who is the main subject of the sentence before the attribution (its first
    token ``anchor``) with a definite role ("Huckabee has taken heat ... The former governor
    ... doubled down"), unless the article gives them only another office ("Syrian
    President Bashar al-Assad ... The senator")."""
    if not any(c.lower_ == "the" or c.dep_ == "poss" for c in tok.children):
        return None
    m = next((m for m in reversed(mentions) if m.end <= pos and m.label == "PERSON"
              and _sentences_back(m, anchor) == 1 and _is_subject(m, anchor) == 2), None)
    if m is None:
        return None
    if role in _CANDIDACIES:
        return m  # a candidate holds any office besides
    text = tok.doc.text
    titles = {w.lower().rstrip(".") for n in mentions if n.key == m.key
              for w in text[max(0, n.start - 40) : n.start].split()[-3:]} & _OFFICES
    return m if not titles or titles & (ROLE_TITLES[role] | {role}) else None


def _party_member(a: Attribution, tok: Token, mentions: Sequence[Mention]) -> Speaker | None:
    """Who "the Nevada Democrat" is: the last person named with that party just before or
    after the name ("Harry Reid (D-Nev.)", "Nevada Democrat Harry Reid") in the 1,500
    characters before, else the person who is the subject of one of the last three sentences."""
    pos = a.source[0]
    people = [m for m in reversed(mentions) if m.end <= pos and m.label == "PERSON" and pos - m.end < 1500]
    for m in people:
        if re.search(_PARTIES[tok.lower_], a.doc_text[max(0, m.start - 25) : m.end + 12]):
            return Speaker(m.key, m.start, m.end, "person")
    for m in people:
        if _sentences_back(m, tok) <= 2 and _is_subject(m, tok):
            return Speaker(m.key, m.start, m.end, "person")
    return None


def _document_issuer(text: str, noun: str, mentions: Sequence[Mention], pos: int) -> Mention | None:
    """Who issued the document "the statement" refers back to: the name right before the
    last "issued/released/published/sent a ... statement" or "'s ... statement" ("CNN's initial
    Tuesday tweet") in the 1,500 characters before."""
    lo = max(0, pos - 1500)
    issued = list(re.finditer(rf"(?:\b(?:issued|released|published|sent|put out)\s+(?:a|an|this|its|their)|['’]s)\s+"
                              rf"(?:[\w-]+\s+){{0,2}}{noun}\b", text[lo:pos]))
    if not issued:
        return None
    verb = lo + issued[-1].start()
    named = [m for m in mentions if verb - 40 <= m.end <= verb and m.label in SPEAKER_LABELS
             and not re.search(r"[.;\n]", text[m.end : verb])]
    return named[-1] if named else None


def _role_holder(text: str, role: str, mentions: Sequence[Mention], pos: int, *, vice: bool = False,
                 place: str | None = None) -> Mention | None:
    """The person the article gives ``role``: a title before the name ("Sen. Ted Cruz", "GOP
    leader Mitch McConnell") or the role in an appositive before or after it ("the former
    mayor of London, Boris Johnson", "Mitch McConnell, the Senate majority leader"). The
    role's own word is better evidence than its other titles ("leader" before "president");
    of equal evidence, the holder named last before ``pos``, else the first after. A ``vice``
    role ("vice president") needs "vice" in the evidence, a plain one its absence; the role of
    a ``place`` ("Israel's leader") needs the place or its people in it ("Israeli Prime
    Minister")."""
    holders: dict[int, list[Mention]] = {0: [], 1: []}
    for m in mentions:
        if m.label != "PERSON":
            continue
        title = re.search(r"((?:[A-Za-z]+\.?[ \t]+){1,3})$", text[max(0, m.start - 40) : m.start])
        before = re.search(r"\b(?:the|a|an|its|his|her|their)\s+([^,.;:\n]{0,50}),\s+$",
                           text[max(0, m.start - 60) : m.start], re.I)
        after = re.match(r",\s+(?:the|a|an|its|his|her|their)\s+([^,.;:\n]{0,50})", text[m.end : m.end + 60])
        words = re.findall(r"[a-z]+", title.group(1).lower()) if title else []
        evidence = {words[-1]} | ({"vice"} if "vice" in words else set()) if words else set()
        for appositive in (before, after):  # "the former mayor of London, Boris Johnson"
            evidence |= set(re.findall(r"[a-z]+", appositive.group(1).lower())) if appositive else set()
        said = " ".join(x.group(1) for x in (title, before, after) if x is not None).lower()
        if ("vice" in evidence) != vice or place is not None and place[:5].lower() not in said:
            continue
        if role in evidence:
            holders[0].append(m)
        elif evidence & ROLE_TITLES[role]:
            holders[1].append(m)
    for tier in holders.values():
        keys = {m.key for m in tier}
        # the holder named last before the description, by any of its mentions
        earlier = [m for m in mentions if m.key in keys and m.end <= pos]
        holder = earlier[-1] if earlier else next((m for m in tier if m.start > pos), None)
        if holder is not None:
            return holder
    return None


def _interviewee(a: Attribution, mentions: Sequence[Mention]) -> Speaker:
    """Who answers in a Q&A: the person named most often before the first question (in the
    introduction), else in the whole article."""
    first_q = re.search(r"^[ \t]*(?:Q|Question)[ \t]*[.:]", a.doc_text, re.M)
    cut = first_q.start() if first_q else len(a.doc_text)
    people = [m for m in mentions if m.label == "PERSON"]
    intro = [m for m in people if m.end <= cut] or people
    if not intro:
        return Speaker()
    key, _ = Counter(m.key for m in intro).most_common(1)[0]
    m = next(m for m in intro if m.key == key)
    return Speaker(m.key, m.start, m.end, "person")
