"""A strict little DOM of the HTML pages, for the page tests (tests/render, tests/cli).

`parse(html)` reads a page with the standard library's `html.parser` into `Node`s and fails on
any end tag that does not close the element open at that point (so a mark, cell or list that
a page broke would fail the test, where a browser would silently repair it). Only the void
elements need no end tag. `Node.text` is the text as a browser shows it (entities decoded).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip


@dataclass
class Node:
    """One element: tag, attributes (names lower-cased), children (Nodes and strings)."""

    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All the text inside, in document order."""
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def iter(self) -> Iterator[Node]:
        """This element and every element inside it, in document order."""
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list[Node]:
        """Elements of `tag` (any, if None) whose attributes are as given (`True`: present);
        attribute names use `_` for `-` (`data_item="m1"`).
        """
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and all((k in n.attrs) if v is True else n.attrs.get(k) == v for k, v in wanted.items())
        ]

    def classes(self) -> set[str]:
        """The element's classes."""
        return set((self.attrs.get("class") or "").split())


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        open_tag = self.stack[-1].tag
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>: broken HTML"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """The document of `html` (a page, or a fragment); fails on broken nesting."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    unclosed = [n.tag for n in builder.stack[1:]]
    assert not unclosed, f"elements never closed: {unclosed}"
    return builder.root


def item_text(doc: Node, item: str, *, span: str | None = None) -> str:
    """The text of the marks of `item` (`data-item`), one span's (`data-span`) if given, read
    in document order: each piece once, where marks of the item nest inside each other.
    """
    marks = doc.find_all("mark", data_item=item)
    if span is not None:
        marks = [m for m in marks if m.attrs.get("data-span") == span]
    inner = {id(c) for m in marks for c in m.iter() if c is not m}
    return "".join(m.text for m in marks if id(m) not in inner)
