"""States as meeting sides: which country or capital an argument of a meeting word stands for
its government ("Talks between Kenya and Tanzania", "The U.S. has also met with ...", "Beijing
will hold talks with Hanoi"), read from the parse by `parties`.
"""

from __future__ import annotations

from typing import Any

from summarizer.strategies.staged.spans import Span
from summarizer.text.places import state_of

NO_STATE_SIDE = frozenset({"visit", "host"})  # "visited India", "Qatar hosted": no counterpart
# verbs that only carry a meeting noun ("hold talks", "began negotiations"): their subject meets
SUPPORT_VERBS = frozenset({"hold", "have", "begin", "start", "open", "resume", "continue",
                           "conduct", "convene", "join", "attend"})  # fmt: skip
HAPPEN = frozenset({"take", "be", "occur", "end"})  # a meeting noun as their subject: it happens


def is_state(span: Span) -> bool:
    """A place span that names a country or a capital: a state that can hold talks."""
    return state_of(span.text) is not None


def state_role(token: Any, trigger: Any) -> bool:
    """The argument is the subject of the trigger or the object of "with"/"between"/"among"
    on it, itself or as a conjunct; or either of a support verb whose object the trigger is
    ("Beijing will hold talks with Hanoi"). A state as a side is one that meets: not where
    someone goes ("left Seoul to meet ..."), what a title is of, who does something else
    around a meeting ("Israel resumed strikes after the talks between ..."), or the host or
    destination of a visit (`NO_STATE_SIDE`; the sides of "talks between" it hosts stay).
    """
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ in ("nsubj", "nsubjpass"):
        owner = token.head
        if owner.i == trigger.i and trigger.lemma_ in NO_STATE_SIDE:
            return False
    elif token.dep_ == "pobj" and token.head.lower_ in ("with", "between", "among"):
        owner = token.head.head
    else:
        return False
    if owner.i == trigger.i:
        return True
    if token.dep_ == "pobj" and trigger.dep_ in ("nsubj", "nsubjpass"):
        # "a summit will take place between A and B", "talks were held with B"
        return trigger.head.i == owner.i and owner.lemma_.lower() in SUPPORT_VERBS | HAPPEN
    supported = trigger.dep_ == "dobj" and trigger.head.i == owner.i
    return supported and owner.lemma_.lower() in SUPPORT_VERBS
