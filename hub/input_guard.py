"""Input that PostgreSQL cannot store is refused at the edge, with 400 naming where it was.

PostgreSQL `text` cannot hold the NUL character (U+0000), and a lone UTF-16 surrogate
(U+D800–U+DFFF, which JSON's `\\ud800` escape can produce) cannot be encoded as UTF-8 at all.
Either one used to reach the database driver and come back as a 500. Two guards stop them
before any view runs:

* `UnstorableInputMiddleware` checks every query-string parameter on every path, and every
  form field (`application/x-www-form-urlencoded` and multipart text fields; uploaded files
  are the importer's business) on pages, answering 400 with a page naming the field. It
  does not read API bodies: under /api/ the view's own DRF parsers do, so a body type the
  endpoint does not take is a 415 and a malformed one a 400, both in the API's one error
  shape (`hub.api_errors`).
* `StorableJSONParser` (DRF's JSON parser for the whole API) refuses a body over
  `DATA_UPLOAD_MAX_MEMORY_SIZE` (413) or nested deeper than `MAX_JSON_DEPTH` (400) before
  `json.loads` sees it, then walks the parsed body, keys and values, and raises a 400
  naming the dotted path, e.g. `terms.title`. `StorableMultiPartParser` does the same for
  the text fields of a multipart body (the CSV import).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import DataAndFiles, JSONParser, MultiPartParser
from rest_framework.utils import json

Handler = Callable[[HttpRequest], HttpResponse]
MESSAGE = "Contains a character that cannot be stored (NUL or an unpaired surrogate); remove it."
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_JSON_DEPTH = 32  # arrays and objects inside one another; the deepest honest body nests 4
DEPTH_MESSAGE = f"The JSON body nests arrays and objects more than {MAX_JSON_DEPTH} deep; flatten it."
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class BodyTooLarge(exceptions.APIException):
    """413: the request body is larger than the API accepts."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON `text`, counted without recursion.

    Brackets inside strings do not count. For text that is not JSON the figure is meaningless
    but finite; the parser reports the syntax error afterwards.
    """
    depth = deepest = 0
    for match in _BRACKET.finditer(_JSON_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


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


def _refuse_unstorable(data: Any) -> None:
    bad = list(unstorable_paths(data))
    if bad:
        raise serializers.ValidationError({path or "non_field_errors": [MESSAGE] for path in bad})


def _too_large() -> BodyTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return BodyTooLarge(f"The request body is larger than {limit:,} bytes; send less.")


class StorableJSONParser(JSONParser):
    """DRF's JSON parser with limits: 413 over `DATA_UPLOAD_MAX_MEMORY_SIZE` bytes, 400 for nesting
    deeper than `MAX_JSON_DEPTH` (checked before `json.loads`, which would recurse), 400 naming the
    path of any string PostgreSQL cannot store."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise _too_large()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(f"JSON parse error - the body is not {encoding} text.") from exc
        if json_depth(text) > MAX_JSON_DEPTH:
            raise serializers.ValidationError({"non_field_errors": [DEPTH_MESSAGE]})
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
        except RecursionError as exc:  # belt and braces: the depth check above should have caught it
            raise serializers.ValidationError({"non_field_errors": [DEPTH_MESSAGE]}) from exc
        _refuse_unstorable(data)
        return data


class StorableMultiPartParser(MultiPartParser):
    """DRF's multipart parser, refusing text fields PostgreSQL cannot store with a 400 naming them
    (the edge middleware leaves API bodies to the view's parsers)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> DataAndFiles:
        parsed = super().parse(stream, media_type, parser_context)
        fields = _unstorable_fields(parsed.data)
        if fields:
            raise serializers.ValidationError({name: [MESSAGE] for name in fields})
        return parsed


class UnstorableInputMiddleware:
    """400 for a query parameter or form field holding NUL, before any view or form sees it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        fields = _unstorable_fields(request.GET)
        if not fields and not api and request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            fields = _unstorable_fields(request.POST)
        if not fields:
            return self.get_response(request)
        if api:
            from hub.api_errors import error_body

            return JsonResponse(error_body({name: [MESSAGE] for name in fields}, 400), status=400)
        return render(request, "400.html", {"fields": fields, "message": MESSAGE}, status=400)
