"""What a person sees on a page: the rendered HTML reduced to its visible text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.http import HttpResponse

_HIDDEN = {"script", "style", "head", "title", "template"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(response_or_html: HttpResponse | str) -> str:
    """The page's text as a reader sees it, whitespace collapsed (no tags, no attribute values)."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()
