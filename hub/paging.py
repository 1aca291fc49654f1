"""One way to cut a long list into pages, for every page of the hub.

`?page=` (or another parameter) picks the page; a page number that is not a number, or past
the end, shows the nearest page rather than an error, so an old link still lands somewhere.
The template `hub/pagination.html` renders the links, keeping the other query parameters
(sort order, the other list's page) as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

PER_PAGE = 25


def page_of(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[Any],
    *,
    per_page: int = PER_PAGE,
    param: str = "page",
    number: int | str | None = None,
) -> Page:
    """The requested page of `items` (a QuerySet is cut in SQL, with one COUNT).

    `number` overrides the query parameter (a POSTed page number, for searches whose terms
    must stay out of URLs). The Page gets `previous_query` / `next_query` (query strings, or
    "" at either end) and `param` for the template.
    """
    page = Paginator(items, per_page).get_page(number if number is not None else request.GET.get(param))
    page.param = param  # type: ignore[attr-defined]
    page.previous_query = _query(request.GET, param, page.previous_page_number()) if page.has_previous() else ""  # type: ignore[attr-defined]
    page.next_query = _query(request.GET, param, page.next_page_number()) if page.has_next() else ""  # type: ignore[attr-defined]
    return page


def _query(current: QueryDict, param: str, number: int) -> str:
    params = current.copy()
    params[param] = str(number)
    return "?" + params.urlencode()
