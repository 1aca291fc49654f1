"""One error shape for the whole API, applied by one DRF exception handler.

Every error the API answers (400, 401, 403, 404, 405, 406, 415, 429) has this body:

    {"detail": "<one sentence a person can read>",
     "errors": {"<field>": ["<message>", ...], ...}}

* `errors` is always present. It names each field at fault by its dotted path in the request
  (`title`, `terms.purposes`, `speakers.0.name`, `factors.1.factor`, or a query parameter
  such as `q`); problems with the request as a whole are under `non_field_errors`. For
  errors that are not about a field (401, 403, 404, 405, 429) it is `{}`.
* `detail` repeats the field messages in one line for 400s (`title: Ensure this field has no
  more than 200 characters.`), or says what went wrong otherwise.

Sources it unifies: DRF's `ValidationError` (serializers), Django's `ValidationError` raised by
services (field-keyed or not), `SharingDenied` and Django's `Http404` (both answered 404 with a
plain "Not found.", like a missing record: no model name, and the reason is in the audit log,
never in the response), and DRF's own exceptions (authentication,
permission, not found, method, media type, throttling) with their headers kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from agreements.policy import SharingDenied
from hub.api_fields import StrictCharField

NON_FIELD = "non_field_errors"
Errors = dict[str, list[str]]


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every API error (documented in the OpenAPI schema for every operation)."""

    detail = StrictCharField(help_text="One sentence saying what went wrong.")
    errors = serializers.DictField(
        child=serializers.ListField(child=StrictCharField()),
        help_text="Messages keyed by the dotted path of the field at fault; `non_field_errors` for the "
        "request as a whole; `{}` when the error is not about a field.",
    )


def flatten(data: Any, path: str = "") -> Errors:
    """DRF's nested error structure as `{dotted path: [messages]}`."""
    if isinstance(data, dict):
        out: Errors = {}
        for key, value in data.items():
            if key in (NON_FIELD, "__all__"):
                name = path or NON_FIELD  # a list's or object's own error belongs to its field
            else:
                name = f"{path}.{key}" if path else str(key)
            for field, messages in flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
        return out
    if isinstance(data, list):
        if all(not isinstance(item, dict | list) for item in data):
            return {path or NON_FIELD: [str(item) for item in data]} if data else {}
        out = {}
        for index, item in enumerate(data):
            for field, messages in flatten(item, f"{path}.{index}" if path else str(index)).items():
                out.setdefault(field, []).extend(messages)
        return out
    return {path or NON_FIELD: [str(data)]}


def error_body(data: Any, status_code: int) -> dict[str, Any]:
    """The one error shape from whatever DRF or a service produced (see the module docstring)."""
    if isinstance(data, dict) and set(data) == {"detail"}:
        detail = str(data["detail"])
        return {"detail": detail, "errors": {NON_FIELD: [detail]} if status_code == 400 else {}}
    errors = flatten(data)
    if status_code != 400 and set(errors) == {NON_FIELD}:
        return {"detail": " ".join(errors[NON_FIELD]), "errors": {}}
    detail = "; ".join(
        f"{' '.join(messages)}" if field == NON_FIELD else f"{field}: {' '.join(messages)}"
        for field, messages in errors.items()
    )
    return {"detail": detail or "The request is not valid.", "errors": errors}


def _as_drf(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, SharingDenied | Http404):
        # Denied and missing look alike from outside; the reason is in the audit log. Django's
        # Http404 ("No SharedCheck matches the given query.") would name the model: plain "Not found.".
        return exceptions.NotFound()
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's `EXCEPTION_HANDLER`: every handled error leaves in the one shape; anything else is a 500."""
    response = drf_exception_handler(_as_drf(exc), context)
    if response is not None:
        response.data = error_body(response.data, response.status_code)
    return response


def bad_request(errors: Errors) -> exceptions.ValidationError:
    """A 400 naming `errors`' fields, for edges that check a query parameter by hand."""
    return exceptions.ValidationError(errors)


class NoSuchEndpoint(APIView):
    """The last URL under /api/: an address no endpoint serves is a 404 in the one shape, not an HTML page."""

    schema = None  # not an operation

    def _missing(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound("No API endpoint at this address; see /api/schema/ for the operations.")

    get = post = put = patch = delete = _missing


def call_service(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service for an API view: its Django `ValidationError` becomes DRF's (a 400 naming the fields)."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
