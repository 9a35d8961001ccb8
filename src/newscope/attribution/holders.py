"""Which attributions give someone a voice: a holder named or referred to in the text who
said, wrote or holds the content. The writer's own voice ("it seems", "we know", an
indirect claim with no source), nobody in particular ("you", "one"), label lines ("Winner:
...", "PHOTOS: ...") and what was only possible, conditional or denied ("could ask", "did
not say") do not. The PolNeAR annotation scheme counts many of these (implicit sources,
hypothetical and negated attributions); ``newscope attributions`` keeps them for it.
Runs once speakers are resolved, because a pronoun counts only when it refers to someone.
"""

from __future__ import annotations

from collections.abc import Sequence

from newscope.attribution.speakers import ANSWER_LABELS, AUTHOR, NON_HOLDERS
from newscope.lexicon import words
from newscope.records import Attribution

LABEL_WORDS = words("label_words")
#: Pronouns that count as a holder only when resolved ("it said" -> the company); with a
#: stance cue they are the writer's ("it seems", "that shows").
_REFERRING = frozenset("it this these that which what".split())
#: Cues of lines that credit by layout ("NAME: text", '"..." ― NAME'), not by grammar.
_LABEL_CUES = frozenset({":", "―"})


def voiced(attributions: Sequence[Attribution]) -> list[Attribution]:
    """The ``attributions`` (speakers resolved, ``act`` set) that give someone a voice; a
    continuation stays when what it continues stays."""
    kept: list[Attribution] = []
    for a in attributions:
        if a.continues is not None:
            if any(k is a.continues for k in kept):
                kept.append(a)
        elif gives_voice(a):
            kept.append(a)
    return kept


def gives_voice(a: Attribution) -> bool:
    """Does ``a`` name (or refer to) someone who said or holds its content?"""
    if a.irrealis:
        return False
    if a.source is None:
        return a.kind in ("direct", "mixed")  # a quote with its speaker unknown is still speech
    head = a.head.lower_ if a.head is not None else a.text_of(a.source).strip().lower()
    if head in NON_HOLDERS:
        return False
    speaker = a.speaker
    if head in _REFERRING and (speaker is None or speaker.name is None or a.act == "stance"):
        return False
    if a.cue_lemma in _LABEL_CUES:
        return _is_speaker_label(a)
    return True


def _is_speaker_label(a: Attribution) -> bool:
    """A label is a speaker when it is a name the article mentions, Q or A, or a name in
    capitals as transcripts print them ("BLITZER:", "AMY GOODMAN:") that holds no page-label
    word ("PHOTOS:", "THE FACTS:")."""
    speaker = a.speaker
    if speaker is not None and (speaker.type == AUTHOR or speaker.start is not None
                                and speaker.start < a.source[1] and a.source[0] < speaker.end):
        return True
    label = a.text_of(a.source)
    if label.strip(" .").lower() in ANSWER_LABELS:
        return True  # the interviewee, resolved elsewhere in the article
    label_words = label.lower().replace(".", " ").split()
    return label.isupper() and 1 <= len(label_words) <= 3 and not set(label_words) & LABEL_WORDS
