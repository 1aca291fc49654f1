"""Page-number pagination for every API list: `?page=2&page_size=100`.

A list answers `{"count": <all rows>, "next": <url or null>, "previous": <url or null>,
"results": [...]}`. `page_size` defaults to `PAGE_SIZE` (50) and is capped at `MAX_PAGE_SIZE`
(200): a larger value is quietly reduced to 200. A `page_size` that is not a whole number
from 1 (`0`, `-5`, `abc`) is a 400 naming `page_size`, and a `page` that is not a whole
number from 1 a 400 naming `page`; a page past the last one is a 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from hub.api_errors import bad_request

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class HubPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE})."

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            return paginator.num_pages
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
            raise bad_request({self.page_query_param: ["Give a whole page number from 1 (or 'last')."]})
        return int(raw)

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not raw.strip("0"):
            raise bad_request(
                {self.page_size_query_param: [f"Give a whole number of rows per page from 1 to {MAX_PAGE_SIZE}."]}
            )
        return self.max_page_size if len(raw) > 9 else min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


def page_response(
    request: Request,
    view: Any,
    rows: Sequence[Any] | Any,
    serializer_class: type[serializers.BaseSerializer[Any]],
    **serializer_kwargs: Any,
) -> Response:
    """One page of `rows` (a queryset in a fixed order, or a list) serialised with `serializer_class`."""
    paginator = HubPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    data = serializer_class(page, many=True, **serializer_kwargs).data
    return paginator.get_paginated_response(data)
