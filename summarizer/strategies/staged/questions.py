"""Stage 3: the closed questions asked about one window, as a response model built for it.

The window's candidates (trigger sentences with two parties, see `parties`) are listed; for
each the model answers whether it is a meeting and, if so, its status (an enum), `when` (a
`Literal` of the window's time words, or null) and `city`/`country` (a `Literal` of its places).
llama.cpp turns the JSON schema into a grammar, so a name or date the window does not contain
cannot be produced. Every list has `maxItems` (small models loop on open lists).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import GenericAlias
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, create_model

from summarizer.backends.base import Message
from summarizer.pipeline import names, prompts
from summarizer.pipeline.article import Article
from summarizer.schema import Participant, Status, Strict
from summarizer.strategies.staged.candidates import is_prose
from summarizer.strategies.staged.spans import Sentence, Span, bound_only
from summarizer.strategies.staged.windows import Window
from summarizer.text.fold import fold
from summarizer.text.places import country_of, state_of

MAX_SIDES = 5
MAX_TOPICS = 2
TOPIC_CHARS = 48
BATCH_CANDIDATES = 3


@dataclass(frozen=True)
class Candidate:
    """A possible meeting: a trigger sentence and the sides its parse names as parties."""

    sentence: Sentence
    sides: tuple[str, ...]


@dataclass(frozen=True)
class Options:
    """What one window asks and what its answer may contain: the candidate meetings (parties
    chosen by code; `sides` maps their labels to participants), time words and places.
    """

    sides: dict[str, Participant]
    times: tuple[str, ...]
    places: tuple[str, ...]
    candidates: tuple[Candidate, ...] = ()

    @property
    def askable(self) -> bool:
        """A candidate with two sides: otherwise no meeting is stated and nothing is asked."""
        return bool(self.candidates)


@dataclass(frozen=True)
class Ask:
    """One model call: some windows and the merged options of their candidates."""

    windows: tuple[Window, ...]
    options: Options


def options_for(window: Window, article: Article) -> Options:
    """The candidates, time words and places of `window`, deduplicated; trigger sentences'
    spans first.
    """
    prose = [s for s in window.sentences if is_prose(s.text)]
    ordered = [s for s in prose if s.trigger] + [s for s in prose if not s.trigger]
    spans = [s for sentence in ordered for s in sentence.spans]
    sides: dict[str, Participant] = {}
    times = _unique(s.text for s in spans if s.label == "TIME" and not bound_only(s, article.text))
    places = _unique(s.text for s in spans if s.label in ("GPE", "LOC", "FAC"))
    countries = (country_of(s.text, article.text) for s in spans if s.label == "NORP")
    places = _unique([*places, *(c for c in countries if c)])
    candidates = []
    for sentence in window.triggers:
        labels = []
        for party in sentence.parties:
            found = _side(party, list(sentence.spans), article.text)
            if found is not None:
                sides.setdefault(*found)
                labels.append(found[0])
        labels = list(dict.fromkeys(labels))
        if len(labels) >= 2:
            candidates.append(Candidate(sentence, tuple(labels[:MAX_SIDES])))
    return Options(sides, times, places, tuple(candidates))


def _side(span: Span, spans: list[Span], article: str) -> tuple[str, Participant] | None:
    inside = [s for s in spans if span.start <= s.start and s.end <= span.end and s != span]
    if span.label == "PERSON":
        addressed = _addressed(span, article)
        if addressed is not None:
            return span.text, addressed
        [person] = names.canonicalize([Participant(name=span.text)], article)
        return person.name or span.text, person
    if span.label == "ORG":
        # the organization qualifies a title around it ("the Hamas leader"); a role noun that
        # only opens its name ("Union of Islamic Courts", "Council of Europe") is no title
        outer = [s for s in spans if s.label == "TITLE" and s.start <= span.start
                 and span.end <= s.end]  # fmt: skip
        return None if outer else (span.text, Participant(organization=span.text))
    if span.label == "GPE":  # a state as a side (`parties`): its government, by the name given
        return span.text, Participant(organization=span.text, country=state_of(span.text))
    if span.label == "TITLE":
        after = article[span.end : span.end + 6]
        following = [s for s in spans if s.label == "ORG" and span.end < s.start <= span.end + 6]
        qualified = after.startswith((" from ", " of "))  # "the president of Russia"
        of_org = following[0].text if following and qualified else None
        org = next((s.text for s in inside if s.label == "ORG"), of_org)
        norp = next((s.text for s in inside if s.label in ("NORP", "GPE")), None)
        title = span.text
        for part in (org, norp):
            title = title.replace(part, " ", 1) if part else title
        title = " ".join(title.replace("’", "'").split("'")[-1].split()) or span.text
        title = re.sub(r"\s+(?:of|from)$", "", title.removeprefix("s ").strip())
        gpe = norp and any(s.text == norp and s.label == "GPE" for s in inside)
        country = (norp if gpe else country_of(norp, article)) if norp else None
        resolved = None if qualified else _titled(span, spans, article)
        if resolved is not None:
            return span.text, resolved.model_copy(update={"title": title, "country": country})
        return span.text, Participant(title=title, organization=org, country=country)
    return None


def _addressed(span: Span, article: str) -> Participant | None:
    """The person a form of address stands for ("Her Majesty", "His Royal Highness": the one
    person the article so addresses before their name, "Her Majesty Queen Elizabeth II");
    None for any other side.
    """
    if fold(span.text.split()[-1]) not in names.ADDRESS:
        return None
    before = article[max(0, span.start - 4) : span.start].split()  # "Her", not "His"
    person = names.titled_person(f"{before[-1]} {span.text}", article) if before else None
    return names.canonicalize([Participant(name=person)], article)[0] if person else None


def _titled(span: Span, spans: list[Span], article: str) -> Participant | None:
    """The person a titled side is (`names.titled_person`: "the French Prime Minister" of a
    story that names "French Prime Minister Dominique de Villepin"); None where it is that of
    a person the sentence names itself. Not asked where the title goes on after the span
    ("the president of Russia": the span does not say whose).
    """
    person = names.titled_person(span.text, article)
    if person is None:
        return None
    named = [Participant(name=s.text) for s in spans if s.label == "PERSON"]
    if any(names.same_person(Participant(name=person), p) for p in named):
        return None
    return names.canonicalize([Participant(name=person)], article)[0]


def _unique(items: Any) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(fold(item), item)
    return tuple(seen.values())


def _choice(values: tuple[str, ...]) -> Any:
    """`Literal[values]` (or the null type when there are none)."""
    return Literal.__getitem__(values) if values else type(None)


def _list_of(item: Any) -> Any:
    """`list[item]` for an item type built at run time."""
    return GenericAlias(list, (item,))


def sides_label(sides: Sequence[str]) -> str:
    """How a candidate's sides are written in the prompt and in its answer (meetings and
    tensions alike): "A and B".
    """
    return " and ".join(sides)


def answer_model(options: Options) -> type[BaseModel]:
    """The response model for one call: an object with one answer per candidate, keyed `c1`,
    `c2`, ... in order. Each answer opens with the candidate's sides as a constant
    (`"sides": "A and B"`), which the grammar writes for the model, so its yes/no is decided
    right after the names it is about (small models lose track of positions in a list). A
    candidate that is no meeting is just `{"sides": ..., "meeting": false}`.
    """
    place = _choice(options.places)
    topic = Annotated[str, StringConstraints(min_length=2, max_length=TOPIC_CHARS)]
    fields: dict[str, Any] = {}
    for number, candidate in enumerate(options.candidates, 1):
        yes = dict(
            status=(Status, Field(description="held, scheduled, proposed, cancelled, postponed.")),
            when=(
                _choice(options.times) | None,
                Field(description="The time words of this meeting, from the options, or null."),
            ),
            city=(place | None, Field(description="City where they meet, or null.")),
            country=(place | None, Field(description="Country where they meet, or null.")),
            topics=(
                _list_of(topic),
                Field(max_length=MAX_TOPICS, description="Topics the passage states, or []."),
            ),
        )
        reply = closed_reply(
            ("Meeting", number, sides_label(candidate.sides), "The candidate's sides."),
            ("meeting", "The sentence states this meeting.", "Not a meeting."),
            yes,
        )
        fields[f"c{number}"] = (reply, Field(description=f"Candidate {number}."))
    return create_model("WindowAnswer", __base__=Strict, **fields)


def closed_reply(
    named: tuple[str, int, str, str], flag: tuple[str, str, str], yes: dict[str, Any]
) -> Any:
    """One candidate's answer type: `{"sides": <its sides, a constant>, <flag>: false}`, or
    the same with the flag true and the `yes` fields after it. `named` is the model name,
    the candidate's number, its sides and their description; `flag` the flag's key and its
    descriptions when true and when false. The grammar writes the sides for the model, so its
    yes/no is decided right after the names it is about.
    """
    kind, number, label, about = named
    key, said, denied = flag
    sides: dict[str, Any] = {"sides": (_choice((label,)), Field(description=about))}
    false: dict[str, Any] = {key: (Literal[False], Field(description=denied))}
    true: dict[str, Any] = {key: (Literal[True], Field(description=said))}
    no: type[BaseModel] = create_model(f"No{kind}{number}", __base__=Strict, **sides, **false)
    found: type[BaseModel] = create_model(
        f"{kind}{number}", __base__=Strict, **sides, **true, **yes
    )
    return no | found


def replies(answer: BaseModel, options: Options) -> list[Any]:
    """The answers to `options.candidates`, in order (None where one is missing)."""
    return [getattr(answer, f"c{n}", None) for n in range(1, len(options.candidates) + 1)]


def batch(asks: list[tuple[Window, Options]], size: int | None = None) -> list[Ask]:
    """Group consecutive windows into one call each until it holds `size` candidates
    (default `BATCH_CANDIDATES`): one call for most articles, a few for long ones.
    """
    size = size or BATCH_CANDIDATES
    groups: list[list[tuple[Window, Options]]] = []
    for window, options in asks:
        count = sum(len(o.candidates) for _, o in groups[-1]) if groups else size
        if count + len(options.candidates) > size and count:
            groups.append([])
        groups[-1].append((window, options))
    return [Ask(tuple(w for w, _ in g), merge_options([o for _, o in g])) for g in groups]


def merge_options(many: list[Options]) -> Options:
    """The options of several windows asked in one call: candidates in order, lists united."""
    sides: dict[str, Participant] = {}
    for options in many:
        sides |= {k: v for k, v in options.sides.items() if k not in sides}
    return Options(
        sides,
        _unique(t for o in many for t in o.times),
        _unique(p for o in many for p in o.places),
        tuple(c for o in many for c in o.candidates),
    )


def build_messages(ask: Ask, article: Article, prompt: prompts.Prompt) -> list[Message]:
    """The chat messages for one call: the fixed system prompt, then the windows' text with
    each candidate's sentence marked `[cN]`, the candidates' sides, and the options.
    """
    published = article.published.isoformat() if article.published else None
    options = ask.options
    passage = marked_passage(ask.windows[0], options, article.text)
    for before, window in itertools.pairwise(ask.windows):
        gap = article.text[before.end : window.start]
        passage += (gap if not gap.strip() else "\n[...]\n") + marked_passage(
            window, options, article.text
        )
    return prompt.render(
        passage=passage,
        published=published,
        candidates=[f"c{i}. {sides_label(c.sides)}" for i, c in enumerate(options.candidates, 1)],
        times=_listing(options.times),
        places=_listing(options.places),
    )


def marked_passage(window: Window, options: Options, article: str) -> str:
    """The window's text with `[cN] ` before the sentence of candidate N (no text repeated)."""
    marks = {c.sentence.start: i for i, c in enumerate(options.candidates, 1)}
    parts, cursor = [], window.start
    for sentence in window.sentences:
        parts.append(article[cursor : sentence.start])
        if sentence.start in marks:
            parts.append(f"[c{marks[sentence.start]}] ")
        cursor = sentence.start
    parts.append(article[cursor : window.end])
    return "".join(parts)


def _listing(values: tuple[str, ...]) -> str:
    """Options as the prompt lists them: `"A", "B"`, or `none`."""
    return ", ".join(f'"{v}"' for v in values) if values else "none"
