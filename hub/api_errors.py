"""One API error shape: a service's Django ValidationError becomes 400 with the fields it names."""

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from agreements.policy import SharingDenied


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=400)
    if isinstance(exc, SharingDenied):
        # Denied and missing look alike from outside; the reason is in the audit log.
        return Response({"detail": "Not found."}, status=404)
    return drf_exception_handler(exc, context)
