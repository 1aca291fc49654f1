"""Every endpoint the hub serves, found by walking the URL configuration and the OpenAPI schema.

`tenant_routes()` and `public_routes()` walk `hub.urls_tenant` (an organisation's host) and
`hub.urls_public` (the base domain), resolving every `include`. `schema_operations()` asks
drf-spectacular's own generator, in-process, for every API operation it documents. Nothing
here is listed by hand, so an endpoint added anywhere is attacked by the next run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

from tenants.scopes import ScopeMap, declared_scopes, scopes_for_method

TENANT_URLCONF = "hub.urls_tenant"
PUBLIC_URLCONF = "hub.urls_public"
STANDARD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
# Every method an outsider is sent with: the standard ones and one that is never a handler.
OUTSIDER_METHODS = (*STANDARD, "OPTIONS")
_KWARG = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern, with the prefix of every include above it.

    `path` is Django's pattern text ("exchange/shared/<int:check_id>/"), `name` the namespaced
    URL name ("sharing:shared_detail"), `urlconf` the configuration it was found in.
    """

    path: str
    name: str
    callback: object
    urlconf: str

    @property
    def is_api(self) -> bool:
        return self.path.startswith(("api/", "^api/"))

    @property
    def kwargs(self) -> tuple[str, ...]:
        return tuple(_KWARG.findall(self.path))

    @property
    def declared(self) -> ScopeMap | None:
        return declared_scopes(self.callback)

    @property
    def exempt(self) -> str | None:
        """The reason a tenant URL needs no scope (`tenants.scopes.scope_exempt`), or None."""
        return getattr(self.callback, "scope_exempt", None)

    @property
    def view_class(self) -> type | None:
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    def openapi_path(self) -> str:
        """The path as the OpenAPI schema writes it: `/api/v1/x/{x_id}/` (`pk` as `id`: SCHEMA_COERCE_PATH_PK)."""
        return "/" + _KWARG.sub(lambda m: "{" + ("id" if m.group(1) == "pk" else m.group(1)) + "}", self.path)

    def url(self, values: dict[str, object]) -> str:
        """The path with each kwarg replaced by `values[kwarg]`; a regex pattern gets a concrete address."""
        if self.path.startswith("^"):
            return "/" + self.path.lstrip("^") + "no-such-endpoint/"
        return "/" + _KWARG.sub(lambda m: str(values[m.group(1)]), self.path)

    def __str__(self) -> str:
        return f"/{self.path}"


def _walk(patterns: list, urlconf: str, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, urlconf, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else prefix + str(entry.pattern)
            yield Route(prefix + str(entry.pattern), name, entry.callback, urlconf)


@cache
def tenant_routes() -> tuple[Route, ...]:
    """Every pattern an organisation's host serves (includes resolved)."""
    return tuple(_walk(get_resolver(TENANT_URLCONF).url_patterns, TENANT_URLCONF))


@cache
def public_routes() -> tuple[Route, ...]:
    """Every pattern the public site (the base domain) serves."""
    return tuple(_walk(get_resolver(PUBLIC_URLCONF).url_patterns, PUBLIC_URLCONF))


def implemented_methods(route: Route) -> frozenset[str] | None:
    """The standard methods a class-based view has a handler for (HEAD with GET), or None for a function view."""
    view = route.view_class
    if view is None:
        return None
    names = {m.upper() for m in view.http_method_names if hasattr(view, m)} & set(STANDARD)
    if "GET" in names:
        names.add("HEAD")  # Django's View.setup answers HEAD with the GET handler
    return frozenset(names)


def allowed_methods(route: Route) -> tuple[str, ...]:
    """The standard methods the route accepts: what its view implements and its declaration names.

    A function page declaring `"*"` accepts every standard method as far as the declaration goes
    (the view may still answer 405 itself); it is tried with GET, HEAD and POST, as the role matrix does.
    """
    implemented = implemented_methods(route)
    declared = route.declared
    if declared is None:
        methods = set(implemented or {"GET", "HEAD", "POST"})
    elif implemented is not None:
        methods = {m for m in implemented if scopes_for_method(declared, m) is not None}
    elif "*" in declared:
        methods = {"GET", "HEAD", "POST"} | {m for m in declared if m != "*"}
    else:
        methods = {m for m in STANDARD if scopes_for_method(declared, m) is not None}
    return tuple(m for m in STANDARD if m in methods)


def refused_method(route: Route) -> str:
    """One method the route does not accept (the first of DELETE, PUT, PATCH, POST, GET, then OPTIONS)."""
    allowed = set(allowed_methods(route))
    implemented = implemented_methods(route)
    for method in ("DELETE", "PUT", "PATCH", "POST", "GET"):
        if method in allowed:
            continue
        if implemented is None and route.declared is not None and scopes_for_method(route.declared, method):
            continue  # a function page whose declaration covers it: the view, not the rule, decides
        return method
    return "OPTIONS"


@cache
def schema_operations() -> dict[str, frozenset[str]]:
    """Every operation the OpenAPI schema documents: `{"/api/v1/x/{x_id}/": {"GET", "POST"}}`.

    Built by drf-spectacular's own generator, in-process, from the tenant URL configuration
    (where the API is served). HEAD is never documented; the schema's own view is not an operation.
    """
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf=TENANT_URLCONF).get_schema(request=None, public=True)
    return {path: frozenset(m.upper() for m in ops if m.upper() in STANDARD) for path, ops in schema["paths"].items()}


def public_schema_operations() -> dict[str, frozenset[str]]:
    """The operations the generator finds on the public site's configuration (expected: none)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf=PUBLIC_URLCONF).get_schema(request=None, public=True)
    return {path: frozenset(m.upper() for m in ops) for path, ops in schema["paths"].items()}
