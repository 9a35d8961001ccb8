"""Which attributions give someone a voice: a holder named or referred to in the text who
said, wrote or holds the content. The writer's own voice ("it seems", "we know", an
indirect claim with no source), nobody in particular ("you", "one"), things ("the discord
suggests"), label and headline lines ("Winner: ...", "PHOTOS: ..."), cues whose ``act`` is
``none`` ("declined to comment", "dubbed"), a content that names only a topic ("referring
to TARP") and what was only possible, conditional or denied ("could ask", "did not say")
do not. The PolNeAR annotation scheme counts many of these (implicit sources, hypothetical
and negated attributions): the ``polnear`` scheme of ``extract_attributions`` keeps them.
Runs once speakers are resolved, because a pronoun counts only when it refers to someone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from newscope.attribution.cues import CUE_VERBS, cue_act
from newscope.attribution.speakers import ANSWER_LABELS, AUTHOR, NON_HOLDERS, SOURCE_DOCUMENTS
from newscope.lexicon import words
from newscope.records import Attribution

LABEL_WORDS = words("label_words")
TOPIC_CUES = words("topic_cues")
CLAUSE_CUES = words("clause_cues")
#: Pronouns that count as a holder only when resolved ("it said" -> the company, "who" ->
#: its noun); with a stance cue they are the writer's ("it seems", "that shows").
_REFERRING = frozenset("it this these that which what who".split())
#: Cues of lines that credit by layout ("NAME: text", '"..." ― NAME'), not by grammar.
_LABEL_CUES = frozenset({":", "―"})
#: A line opening with a name in capitals and a colon, as transcripts print speakers.
_CAPS_LABEL = re.compile(r"^[ \t\"“]*[A-Z][A-Z.'’ -]{1,40}:", re.M)
#: Cues that, with a document as holder, are evidence rather than a statement.
_EVIDENTIAL_CUES = frozenset({"suggest", "indicate", "imply", "show"})


def voiced(doc: Doc, attributions: Sequence[Attribution]) -> list[Attribution]:
    """The ``attributions`` of ``doc`` (speakers resolved, ``act`` set) that give someone a
    voice; a continuation stays when what it continues stays."""
    # one "NAME:" line in capitals is a heading ("FISA MEMO: ..."), two or more a transcript
    transcript = any(a.cue_lemma in _LABEL_CUES for a in attributions) and len(_CAPS_LABEL.findall(doc.text)) >= 2
    kept: list[Attribution] = []
    for a in attributions:
        if a.continues is not None:
            if any(k is a.continues for k in kept):
                kept.append(a)
        elif (gives_voice(a, transcript)
              and (a.kind not in ("indirect", "according-to") or a.cue_lemma in _LABEL_CUES or says_something(doc, a))
              and (a.cue_lemma not in CLAUSE_CUES or a.kind == "direct" or _states_a_clause(doc, a))):
            kept.append(a)
    return kept


def says_something(doc: Doc, a: Attribution) -> bool:
    """Is an indirect or according-to attribution's content a statement, not a topic, an act
    or a headline? It has three words or more, its cue is not on a heading ("AP Calls The
    Race"), it does not follow "by" ("responded by trying to ..."), and after a cue of
    topic_cues.txt ("asked her stance", "discussed the plan") or "about"/"on"
    ("speculate about her 2016 interest", "continued to report on Trump") it has a verb."""
    span = doc.char_span(*a.content, alignment_mode="expand")
    words = re.findall(r"\w+", a.text_of(a.content))
    if span is None or len(words) < 3 or _on_headline(a):
        return False
    between = a.doc_text[a.cue[1] : a.content[0]].strip().lower() if a.cue is not None and a.cue[1] <= a.content[0] else ""
    if between == "by":
        return False
    return a.cue_lemma not in TOPIC_CUES and between not in ("about", "on") or _has_verb(span)


def _has_verb(span: Span) -> bool:
    """Does ``span`` hold a verb (a statement, not a topic or a list of names)?"""
    return any(t.pos_ in ("VERB", "AUX") for t in span)


def _states_a_clause(doc: Doc, a: Attribution) -> bool:
    """Is the content a clause with its own subject ("agreed that the deal was fair", not
    "agreed to pay" nor "agreed to a deal")?"""
    span = doc.char_span(*a.content, alignment_mode="expand")
    return span is not None and (span.root.dep_ == "ccomp" or any(
        c.dep_ in ("nsubj", "nsubjpass") for c in span.root.children))


def _on_headline(a: Attribution) -> bool:
    """Is the cue on a heading: a line with no final stop that is short ("Liberals fear the
    Roberts rebound") or mostly capitalised ("AP Calls The Race For Trump")?"""
    lo = a.doc_text.rfind("\n", 0, a.cue[0]) + 1 if a.cue else 0
    hi = a.doc_text.find("\n", lo)
    line = a.doc_text[lo : hi if hi >= 0 else len(a.doc_text)].strip()
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    capitalised = sum(w[0].isupper() for w in words) >= 0.7 * len(words)
    return len(words) >= 4 and (
        capitalised and not line.endswith((".", "?", "!", "”", '"', ":"))
        or len(words) <= 12 and not line.endswith((".", "?", "!", "”", '"', ":", "’", "'", ")")))


def gives_voice(a: Attribution, transcript: bool = False) -> bool:
    """Does ``a`` name (or refer to) someone who said or holds its content? ``transcript``:
    its article prints speakers as "NAME:" lines in capitals."""
    if a.irrealis or a.act == "none":
        return False
    if a.kind in ("direct", "mixed") and (cue_act(a.cue_lemma, "indirect") == "none" or a.cue_lemma in CLAUSE_CUES) \
            and len(re.findall(r"\w+", a.text_of(a.content))) < 4:
        return False  # a name in quotes: 'someone named "Misha"', 'dubbed "the Squad"', 'appearing on "Today"'
    if (a.kind in ("direct", "mixed") and a.cue_lemma is not None and a.cue_lemma.isalpha()
            and a.cue_lemma not in CUE_VERBS and _is_title(a.text_of(a.content))):
        return False  # a title in quotes framed by any verb: 'a feature film, "On the Basis of Sex," which opens'
    speaker = a.speaker
    if a.kind == "indirect" and speaker is not None and speaker.type == "unknown" and speaker.name is not None:
        return False  # a thing, not someone: "the discord suggests", "a world where ..."
    # a document, also one whose author is named ("the Fed's forecasts")
    document = speaker is not None and speaker.type == "document" or (
        a.head is not None and a.head.pos_ == "NOUN" and a.head.lemma_.lower() in SOURCE_DOCUMENTS)
    if a.kind in ("indirect", "mixed") and document and (a.act == "stance" or a.cue_lemma in _EVIDENTIAL_CUES):
        return False  # a report holds no view ("the data supported prices", "estimates suggest", "the video shows")
    if a.source is None:
        return a.kind in ("direct", "mixed")  # a quote with its speaker unknown is still speech
    if a.kind == "indirect" and a.cue is not None and _describes_its_noun(a):
        return False
    head = a.head.lower_ if a.head is not None else a.text_of(a.source).strip().lower()
    if head in NON_HOLDERS or a.head is not None and any(c.lower_ == "no" for c in a.head.children):
        return False  # also "no other Tory wants ...": nobody
    if head == "those" and a.cue is not None and any(
            c.dep_ == "acl" and a.cue[0] <= c.idx < a.cue[1] for c in a.head.children):
        return False  # "those wanting to take Trump down": a description of people, not a statement
    if head in _REFERRING and (speaker is None or speaker.name is None or a.act == "stance"):
        return False
    if a.cue_lemma in _LABEL_CUES:
        return _is_speaker_label(a, transcript)
    return True


def _is_title(quote: str) -> bool:
    """Is a quote a title ("On the Basis of Sex"): two to eight words, every long one capitalised?"""
    words = re.findall(r"[A-Za-z][\w'’-]*", quote)
    return 2 <= len(words) <= 8 and "?" not in quote and all(w[0].isupper() for w in words if len(w) > 3)


def _describes_its_noun(a: Attribution) -> bool:
    """Is the cue a past participle describing the noun before it ("Kay Hagan, widely
    considered the most vulnerable Democrat", "the justices thought to favor"), which
    states no one's view of it? Also when parsed as that noun's verb after a comma, with
    no auxiliary ("how did Portland, for so long considered a bastion of liberalism,
    become")."""
    span = a.head.doc.char_span(*a.cue, alignment_mode="expand") if a.head is not None else None
    verb = span.root if span is not None else None
    if verb is None or verb.tag_ != "VBN" or any(c.dep_ in ("dobj", "agent") for c in verb.children):
        return False
    subj = next((c for c in verb.lefts if c.dep_ == "nsubj"), None)
    set_off = (subj is not None and not any(c.dep_ in ("aux", "auxpass") and c.i > subj.i for c in verb.children)
               and not any(c.dep_ in ("relcl", "appos", "acl") for c in subj.children)  # "Parsons, who ..., claimed"
               and "," in a.head.doc[subj.right_edge.i + 1 : verb.i].text)
    return verb.dep_ == "acl" or set_off


def _is_speaker_label(a: Attribution, transcript: bool) -> bool:
    """A label is a speaker when it is a name the article mentions (a group's line saying
    something), Q or A, or, in a ``transcript``, a name in capitals ("BLITZER:", "AMY
    GOODMAN:") that holds no page-label word ("PHOTOS:", "THE FACTS:")."""
    speaker = a.speaker
    if speaker is not None and (speaker.type == AUTHOR or speaker.start is not None
                                and speaker.start < a.source[1] and a.source[0] < speaker.end):
        # a place or group heading a list says nothing ("Nevada: Hillary Clinton, Bernie Sanders.")
        span = a.head.doc.char_span(*a.content, alignment_mode="expand") if a.head is not None else None
        return (speaker.type != "organization" or transcript and a.text_of(a.source).isupper() or span is None
                or _has_verb(span))
    label = a.text_of(a.source)
    if label.strip(" .").lower() in ANSWER_LABELS:
        return True  # the interviewee, resolved elsewhere in the article
    label_words = label.lower().replace(".", " ").split()
    return transcript and label.isupper() and 1 <= len(label_words) <= 3 and not set(label_words) & LABEL_WORDS
