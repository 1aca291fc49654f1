"""Input that PostgreSQL cannot store is refused at the edge, with 400 naming where it was.

PostgreSQL `text` cannot hold the NUL character (U+0000), and a lone UTF-16 surrogate
(U+D800–U+DFFF, which JSON's `\\ud800` escape can produce) cannot be encoded as UTF-8 at all.
Either one used to reach the database driver and come back as a 500. Two guards stop them
before any view runs:

* `UnstorableInputMiddleware` checks every query-string parameter and every form field
  (`application/x-www-form-urlencoded` and multipart text fields; uploaded files are the
  importer's business) on every path: the API answers 400 in its one error shape
  (`hub.api_errors`), pages answer 400 with a page naming the field.
* `StorableJSONParser` (DRF's JSON parser for the whole API) walks the parsed body, keys
  and values, and raises a 400 naming the dotted path, e.g. `terms.title`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from rest_framework import serializers
from rest_framework.parsers import JSONParser

Handler = Callable[[HttpRequest], HttpResponse]
MESSAGE = "Contains a character that cannot be stored (NUL or an unpaired surrogate); remove it."
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_storable(text: str) -> bool:
    """False when `text` holds U+0000 or a lone surrogate (U+D800–U+DFFF)."""
    return "\x00" not in text and not any("\ud800" <= ch <= "\udfff" for ch in text)


def unstorable_paths(value: Any, path: str = "") -> Iterator[str]:
    """Dotted paths (`terms.flows.0.kind`; `""` for the top level) of strings that cannot be stored."""
    if isinstance(value, str):
        if not is_storable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and not is_storable(key):
                yield child
            else:
                yield from unstorable_paths(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unstorable_paths(item, f"{path}.{index}" if path else str(index))


def _unstorable_fields(data: QueryDict) -> list[str]:
    return [
        key if is_storable(key) else repr(key)
        for key, values in data.lists()
        if not is_storable(key) or not all(is_storable(v) for v in values)
    ]


class StorableJSONParser(JSONParser):
    """DRF's JSON parser, refusing strings PostgreSQL cannot store with a 400 naming their path."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        bad = list(unstorable_paths(data))
        if bad:
            raise serializers.ValidationError({path or "non_field_errors": [MESSAGE] for path in bad})
        return data


class UnstorableInputMiddleware:
    """400 for a query parameter or form field holding NUL, before any view or form sees it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = _unstorable_fields(request.GET)
        if not fields and request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            fields = _unstorable_fields(request.POST)
        if not fields:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            from hub.api_errors import error_body

            return JsonResponse(error_body({name: [MESSAGE] for name in fields}, 400), status=400)
        return render(request, "400.html", {"fields": fields, "message": MESSAGE}, status=400)
