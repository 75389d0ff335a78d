"""A rendered report parsed with the standard library, to pin its structure in tests."""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["ParsedPage", "parse_page"]

_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class ParsedPage(HTMLParser):
    """Elements (tag and attributes), and the text inside every element that has an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._stack: list[tuple[str, str | None]] = []
        self._texts: dict[str, list[str]] = {}
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag in _VOID:
            return
        element_id = attributes.get("id")
        if element_id:
            self._texts.setdefault(element_id, [])
        self._stack.append((tag, element_id))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
            return
        for _, element_id in self._stack:
            if element_id:
                self._texts[element_id].append(data)

    def text(self, element_id: str) -> str:
        """The text inside the element with ``element_id`` (whitespace collapsed)."""
        if element_id not in self._texts:
            raise KeyError(f"no element with id {element_id!r}")
        return " ".join(" ".join(self._texts[element_id]).split())

    def ids(self) -> set[str]:
        """Every element id of the page."""
        return set(self._texts) | {a["id"] for _, a in self.elements if "id" in a}

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Attributes of elements of ``tag`` whose attributes contain ``attrs``."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            a
            for t, a in self.elements
            if t == tag and all(k in a and v in [*a[k].split(), a[k]] for k, v in wanted.items())
        ]


def parse_page(html: str) -> ParsedPage:
    """Parse a whole report."""
    page = ParsedPage()
    page.feed(html)
    page.close()
    return page
