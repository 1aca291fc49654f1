"""Agreements API on an organisation's host. Each endpoint parses input, calls one service or selector.

Errors come in the API's one shape (`hub.api_errors`): 400 with `errors` naming each field at
fault (`terms.purposes`, `parties`); 403 when the caller lacks the role (nothing recorded); 404 for
agreements this organisation is not party to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements import selectors, services
from agreements.models import Agreement, AgreementVersion
from agreements.states import version_status
from agreements.validation import TEXT_FIELDS
from hub.api_errors import error_body, flatten
from hub.api_fields import TEXT_MAX_LENGTH, StrictCharField, integer_for, text_for
from hub.api_pagination import HubPagination, page_response
from tenants.scopes import Scope, require_scope

MAX_PARTIES = 50
MAX_FLOWS = 50


class VersionSerializer(serializers.ModelSerializer[AgreementVersion]):
    parties = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    readable = serializers.SerializerMethodField(
        help_text="Every term with its human label and readable value, as the pages and the signed document show it."
    )

    class Meta:
        model = AgreementVersion
        fields = [
            "number",
            "proposed_at",
            "fully_signed_at",
            "document_hash",
            "change_note",
            "parties",
            "signatures",
            *TEXT_FIELDS,
            "readable",
        ]

    def get_parties(self, version: AgreementVersion) -> list[str]:
        return [p.organisation.slug for p in version.parties.all()]

    def get_readable(self, version: AgreementVersion) -> list[dict[str, str]]:
        return selectors.readable_version(version)

    def get_signatures(self, version: AgreementVersion) -> list[dict[str, Any]]:
        return [
            {
                "organisation": s.organisation.slug,
                "signer_name": s.signer_name,
                "signer_role": s.signer_role,
                "signed_at": s.signed_at,
                "document_hash": s.document_hash,
                "key_fingerprint": s.key_fingerprint,
            }
            for s in version.signatures.all()
        ]


class AgreementSerializer(serializers.ModelSerializer[Agreement]):
    """`current_version` is the version in force (or, before any is, the first text being signed);
    `pending_version` is a proposed change that is not in force until every party has signed it."""

    state = serializers.SerializerMethodField()
    current_version = VersionSerializer()
    pending_version = VersionSerializer(allow_null=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "state",
            "template",
            "created_at",
            "suspended_at",
            "suspension_reason",
            "terminates_at",
            "termination_reason",
            "current_version",
            "pending_version",
        ]

    def get_state(self, agreement: Agreement) -> str:
        from agreements.states import agreement_state

        return agreement_state(agreement, timezone.now()).value


def _slugs() -> serializers.ListField:
    return serializers.ListField(child=StrictCharField(max_length=63), max_length=MAX_PARTIES)


class FlowInput(serializers.Serializer[Any]):
    kind = StrictCharField(max_length=40)
    senders = _slugs()
    recipients = _slugs()
    max_level = StrictCharField(max_length=20, help_text="aggregate, summary or full.")


def _term_field(name: str) -> serializers.Field:
    """Types and lengths of one term; the rules (required, choices, dates in order) are the service's."""
    special: dict[str, serializers.Field] = {
        "purposes": serializers.ListField(child=StrictCharField(max_length=40), max_length=20),
        "flows": serializers.ListField(child=FlowInput(), max_length=MAX_FLOWS),
        "retention_days": integer_for(AgreementVersion, "retention_days", allow_null=True),
        # required=False here: DRF rebuilds declared fields from their arguments (the line below is lost)
        "small_number_threshold": integer_for(
            AgreementVersion, "small_number_threshold", allow_null=True, required=False
        ),
        "dpia_done": serializers.BooleanField(),
    }
    if name in special:
        special[name].required = False
        return special[name]
    if name.endswith("_date"):
        return StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=10,
                                     help_text="YYYY-MM-DD")  # fmt: skip
    return text_for(AgreementVersion, name, required=False, allow_blank=True, allow_null=True)


TermsFields = type("TermsFields", (serializers.Serializer,), {name: _term_field(name) for name in TEXT_FIELDS})


class TermsInput(serializers.Serializer[Any]):
    parties = _slugs()
    terms = TermsFields(help_text=f"The agreement's terms: {', '.join(TEXT_FIELDS)}.")
    template = StrictCharField(required=False, default="", max_length=40)
    change_note = StrictCharField(required=False, default="", max_length=TEXT_MAX_LENGTH, allow_blank=True)


class SignInput(serializers.Serializer[Any]):
    version = integer_for(AgreementVersion, "number", help_text="The version number you read and are signing.")


class ReasonInput(serializers.Serializer[Any]):
    reason = StrictCharField(allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)
    notice_days = serializers.IntegerField(required=False, default=30, min_value=0, max_value=3650)


def _errors(exc: ValidationError) -> Response:
    body = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return Response(error_body(body, status.HTTP_400_BAD_REQUEST), status=status.HTTP_400_BAD_REQUEST)


def _parse(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    if not serializer.is_valid():
        raise ValidationError(flatten(serializer.errors))
    return dict(serializer.validated_data)


def _agreement(request: Request, agreement_id: int) -> Agreement:
    agreement = selectors.agreement_for_party(request.tenant, agreement_id)
    if agreement is None:
        raise Http404
    return agreement


def _detail(request: Request, agreement_id: int, code: int = 200) -> Response:
    return Response(AgreementSerializer(_agreement(request, agreement_id)).data, status=code)


class AgreementsView(APIView):
    required_scopes = {"GET": [Scope.AGREEMENTS_READ], "POST": [Scope.AGREEMENTS_DRAFT]}
    pagination_class = HubPagination

    @extend_schema(responses=AgreementSerializer(many=True), summary="Agreements this organisation is party to (paged)")
    def get(self, request: Request) -> Response:
        require_scope(request.user, request.tenant, Scope.AGREEMENTS_READ)
        return page_response(request, self, selectors.agreements_for(request.tenant), AgreementSerializer)

    @extend_schema(request=TermsInput, responses={201: AgreementSerializer}, summary="Draft a new agreement")
    def post(self, request: Request) -> Response:
        try:
            data = _parse(TermsInput, request)
            agreement = services.agreement_create(
                actor=request.user,
                organisation=request.tenant,
                parties=data["parties"],
                terms=data["terms"],
                template=data["template"],
            )
        except ValidationError as exc:
            return _errors(exc)
        return _detail(request, agreement.pk, status.HTTP_201_CREATED)


class AgreementView(APIView):
    required_scopes = {"GET": [Scope.AGREEMENTS_READ]}

    @extend_schema(
        responses=AgreementSerializer, summary="One agreement with its version in force and any pending version"
    )
    def get(self, request: Request, agreement_id: int) -> Response:
        require_scope(request.user, request.tenant, Scope.AGREEMENTS_READ)
        return _detail(request, agreement_id)


def _action(
    call: Callable[..., Any],
    serializer_class: type[serializers.Serializer[Any]] | None = None,
    rename: dict[str, str] | None = None,
) -> Callable[..., Response]:
    def post(self: APIView, request: Request, agreement_id: int) -> Response:
        agreement = _agreement(request, agreement_id)
        try:
            data = _parse(serializer_class, request) if serializer_class else {}
            kwargs = {(rename or {}).get(k, k): v for k, v in data.items()}
            call(actor=request.user, organisation=request.tenant, agreement=agreement, **kwargs)
        except ValidationError as exc:
            return _errors(exc)
        return _detail(request, agreement_id)

    return post


class VersionsView(APIView):
    required_scopes = {"POST": [Scope.AGREEMENTS_DRAFT]}

    @extend_schema(
        request=TermsInput,
        responses=AgreementSerializer,
        summary="Change the terms (a draft; for an agreement in force, the pending version)",
    )
    def post(self, request: Request, agreement_id: int) -> Response:
        agreement = _agreement(request, agreement_id)
        try:
            data = _parse(TermsInput, request)
            services.agreement_edit(
                actor=request.user,
                organisation=request.tenant,
                agreement=agreement,
                parties=data["parties"],
                terms=data["terms"],
                change_note=data["change_note"],
            )
        except ValidationError as exc:
            return _errors(exc)
        return _detail(request, agreement_id)


class ProposeView(APIView):
    required_scopes = {"POST": [Scope.AGREEMENTS_PROPOSE]}
    post = extend_schema(request=None, responses=AgreementSerializer, summary="Send the draft for signature")(
        _action(services.agreement_propose)
    )


class SignView(APIView):
    required_scopes = {"POST": [Scope.AGREEMENTS_SIGN]}
    post = extend_schema(
        request=SignInput, responses=AgreementSerializer, summary="Sign exactly this version (signatories only)"
    )(_action(services.agreement_sign, SignInput, {"version": "version_number"}))


class SuspendView(APIView):
    required_scopes = {"POST": [Scope.AGREEMENTS_END]}
    post = extend_schema(request=ReasonInput, responses=AgreementSerializer, summary="Suspend sharing now")(
        _action(lambda notice_days, **kw: services.agreement_suspend(**kw), ReasonInput)
    )


class ResumeView(APIView):
    required_scopes = {"POST": [Scope.AGREEMENTS_END]}
    post = extend_schema(request=None, responses=AgreementSerializer, summary="Lift your suspension")(
        _action(services.agreement_resume)
    )


class TerminateView(APIView):
    required_scopes = {"POST": [Scope.AGREEMENTS_END]}
    post = extend_schema(request=ReasonInput, responses=AgreementSerializer, summary="Give notice to terminate")(
        _action(services.agreement_terminate, ReasonInput)
    )


class DiffRowSerializer(serializers.Serializer[Any]):
    field = StrictCharField()
    label = StrictCharField(help_text="The term as a person reads it.")
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)
    changed = serializers.BooleanField()


VERSION_PARAMETERS = [
    OpenApiParameter(name, int, required=True, description=f"Version number ({name}).") for name in ("from", "to")
]


class DiffView(APIView):
    required_scopes = {"GET": [Scope.AGREEMENTS_READ]}

    @extend_schema(
        parameters=VERSION_PARAMETERS,
        responses=DiffRowSerializer(many=True),
        summary="Field-by-field comparison of two versions (?from=1&to=2)",
    )
    def get(self, request: Request, agreement_id: int) -> Response:
        require_scope(request.user, request.tenant, Scope.AGREEMENTS_READ)
        agreement = _agreement(request, agreement_id)
        try:
            numbers = int(request.query_params.get("from", "")), int(request.query_params.get("to", ""))
        except ValueError:
            return _errors(ValidationError({"from": ["Give two version numbers as ?from=1&to=2."]}))
        old, new = (selectors.agreement_version(agreement, n) for n in numbers)
        if old is None or new is None:
            raise Http404
        rows = selectors.version_diff(old, new)
        return Response(
            [{"field": r.field, "label": r.label, "old": r.old, "new": r.new, "changed": r.changed} for r in rows]
        )


class RegisterVersionSerializer(VersionSerializer):
    agreement = StrictCharField(source="agreement.reference")
    current = serializers.SerializerMethodField(help_text="This version is in force.")
    status = serializers.SerializerMethodField(
        help_text="in_force, negotiating, pending, superseded or not_adopted (see agreements.states.VersionStatus)."
    )

    class Meta(VersionSerializer.Meta):
        fields = ["agreement", "current", "status", *VersionSerializer.Meta.fields]

    def get_current(self, version: AgreementVersion) -> bool:
        return version.agreement.current_version_id == version.pk and version.fully_signed_at is not None

    def get_status(self, version: AgreementVersion) -> str:
        return version_status(version.agreement, version).value


class RegisterView(APIView):
    required_scopes = {"GET": [Scope.AGREEMENTS_REGISTER]}
    pagination_class = HubPagination

    @extend_schema(
        responses=RegisterVersionSerializer(many=True),
        summary="The register: every version of every agreement this organisation is party to (paged)",
    )
    def get(self, request: Request) -> Response:
        require_scope(request.user, request.tenant, Scope.AGREEMENTS_REGISTER)
        return page_response(request, self, selectors.agreement_register(request.tenant), RegisterVersionSerializer)
