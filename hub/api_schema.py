"""The OpenAPI schema describes every operation as it behaves: token auth and every error response.

* `OrganisationTokenScheme` tells drf-spectacular that `Authorization: Bearer <token>` is how
  the API authenticates (without it, each view warned that the authenticator was unknown).
* `HubAutoSchema` adds the error responses every operation can give, all in the one error shape
  of `hub.api_errors` (400 invalid input, 401 no or bad token, 403 a role or scope missing,
  404 missing or not visible to you, 405 wrong method, 415 not JSON), unless the operation
  already documents that status itself.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object

from hub.api_errors import ErrorSerializer

ERROR_RESPONSES = {
    "400": "Invalid input: `errors` names each field at fault and the limit it broke.",
    "401": "No token, or a token that is unknown, revoked, or for another organisation.",
    "403": "Your role in this organisation does not allow this.",
    "404": "Not found, or not visible to this organisation (the two look alike).",
    "405": "This method is not allowed here.",
    "415": "Send the body as `application/json`.",
}
BODILESS = {"GET", "HEAD", "DELETE", "OPTIONS"}


class OrganisationTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "tenants.api_auth.OrganisationTokenAuthentication"
    name = "organisationToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")  # noqa: S106 (a scheme name, not a secret)
        scheme["description"] = "A token from the organisation's API tokens page; it works on that host only."
        return scheme


class HubAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_RESPONSES.items():
            if code in responses or (code == "415" and self.method in BODILESS):
                continue
            response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            response["description"] = description
            responses[code] = response
        return responses
