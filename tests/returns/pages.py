"""Reading what a page shows: the text of a table, cell by cell (stdlib html.parser)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Table(HTMLParser):
    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid, self.depth, self.rows, self.cell = testid, 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (self.depth or dict(attrs).get("data-testid") == self.testid):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, testid: str) -> list[list[str]]:
    """The rows (header first) of the table marked data-testid=`testid`, each cell's text with spaces
    collapsed."""
    parser = _Table(testid)
    parser.feed(html)
    return parser.rows


def text(html: str) -> str:
    """The page's text with spaces collapsed (for `in` checks)."""

    class _Text(HTMLParser):
        parts: list[str] = []

        def handle_data(self, data):
            self.parts.append(data)

    parser = _Text()
    parser.parts = []
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
