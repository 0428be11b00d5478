"""Coordinated sides: one titled phrase that names several sides ("Hamas and Fatah officials",
"talks between Thai and Cambodian military leaders", "the foreign ministers of Albania and
Croatia", "the delegations of Cyprus, Greece and Israel") is one side per modifier or place.
The parse keeps such a phrase whole; `parties` hands its parties here.
"""

from __future__ import annotations

import re

from summarizer.strategies.staged.spans import Sentence, Span

MODIFIERS = frozenset({"NORP", "GPE", "ORG"})  # what can qualify a titled side


def coordinated(parties: list[Span], sentence: Sentence) -> list[Span]:
    """A titled side with two coordinated modifiers is two sides: "talks between Thai and
    Cambodian military leaders", "Hamas and Fatah officials", "Israeli and Palestinian
    negotiators" (the parse keeps one phrase; each modifier names one side). The first side's
    span runs from its modifier to the title ("Thai ... military leaders").
    """
    out: list[Span] = []
    for party in parties:
        if party.label == "TITLE" and (each := _of_each(party, sentence)):
            out += each
            continue
        if party.label == "TITLE":
            second = next((s for s in sentence.spans if s.start == party.start
                           and s.label in MODIFIERS), None)  # fmt: skip
            before = sentence.text[: party.start - sentence.start]
            first = next((s for s in sentence.spans if s.label in MODIFIERS and second
                          and s.end + len(" and ") == party.start
                          and before.endswith(f"{s.text} and ")), None)  # fmt: skip
            if first and second:
                title = party.text[len(second.text) :].strip()
                out.append(Span(f"{first.text} {title}", first.start, party.end, "TITLE"))
            elif second:  # the phrase holds both: "Hamas and Fatah officials"
                inner = [s for s in sentence.spans if s.label in MODIFIERS
                         and party.start < s.start and s.end < party.end]  # fmt: skip
                joined = f"{second.text} and {inner[0].text} " if inner else None
                if joined and party.text.startswith(joined):
                    title = party.text[len(joined) :]
                    out += [Span(f"{m.text} {title}", m.start, party.end, "TITLE")
                            for m in (second, inner[0])]  # fmt: skip
                    continue
        out.append(party)
    return out


_OF_EACH = re.compile(r"\s+(?:of|from)\s+(?:both\s+)?(?:the\s+)?$")
_AND = re.compile(r",?\s+and\s+(?:the\s+)?$")
_COMMA = re.compile(r",\s+(?:the\s+)?$")


def _of_each(party: Span, sentence: Sentence) -> list[Span]:
    """A plural title "of" or "from" coordinated places or bodies is one side each: "the
    foreign ministers of Albania and Croatia", "leaders of Puntland and Jubaland", and a
    list ("ministers from Britain, Canada, France ... and the United States", "the
    delegations of Cyprus, Greece and Israel": the side "foreign ministers of Albania" ...).
    The list is its places joined by commas and ending in "and"; nothing for one place ("the
    ministers of Albania") or a singular title.
    """
    if not party.text.endswith("s"):
        return []
    text, at = sentence.text, sentence.start
    after = [s for s in sentence.spans if s.label in MODIFIERS and s.start >= party.end]
    if len(after) < 2 or not _OF_EACH.fullmatch(text[party.end - at : after[0].start - at]):
        return []
    items = [after[0]]
    for nxt in after[1:]:
        between = text[items[-1].end - at : nxt.start - at]
        if _AND.fullmatch(between):
            items.append(nxt)
            break  # "and" closes the list
        if not _COMMA.fullmatch(between):
            return []  # a list with no "and" ends in something else: no coordination
        items.append(nxt)
    else:
        return []
    # each side's span is its place's: what qualifies the title lies inside it (`questions`)
    return [Span(f"{party.text} of {s.text}", s.start, s.end, "TITLE") for s in items]
