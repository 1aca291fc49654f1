"""Agreements API on an organisation's host. Each endpoint parses input, calls one service or selector.

Errors: 400 with `{"errors": {field: [messages]}}` naming each field at fault; 403 when the
caller lacks the role (nothing recorded); 404 for agreements this organisation is not party to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements import selectors, services
from agreements.models import Agreement, AgreementVersion
from agreements.states import version_status
from agreements.validation import TEXT_FIELDS
from tenants.scopes import Scope, require_scope


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


class TermsInput(serializers.Serializer[Any]):
    parties = serializers.ListField(child=serializers.CharField(), help_text="Slugs of every party, yours included.")
    terms = serializers.DictField(help_text=f"The agreement's terms: {', '.join(TEXT_FIELDS)}.")
    template = serializers.CharField(required=False, default="")
    change_note = serializers.CharField(required=False, default="")


class SignInput(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text="The version number you read and are signing.")


class ReasonInput(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, default="")
    notice_days = serializers.IntegerField(required=False, default=30)


def _errors(exc: ValidationError) -> Response:
    body = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return Response({"errors": body}, status=status.HTTP_400_BAD_REQUEST)


def _parse(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    if not serializer.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in serializer.errors.items()})
    return dict(serializer.validated_data)


def _agreement(request: Request, agreement_id: int) -> Agreement:
    agreement = selectors.agreement_for_party(request.tenant, agreement_id)
    if agreement is None:
        raise Http404
    return agreement


def _detail(request: Request, agreement_id: int, code: int = 200) -> Response:
    return Response(AgreementSerializer(_agreement(request, agreement_id)).data, status=code)


class AgreementsView(APIView):
    @extend_schema(responses=AgreementSerializer(many=True), summary="Agreements this organisation is party to")
    def get(self, request: Request) -> Response:
        require_scope(request.user, request.tenant, Scope.AGREEMENTS_READ)
        return Response(AgreementSerializer(selectors.agreements_for(request.tenant), many=True).data)

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
    post = extend_schema(request=None, responses=AgreementSerializer, summary="Send the draft for signature")(
        _action(services.agreement_propose)
    )


class SignView(APIView):
    post = extend_schema(
        request=SignInput, responses=AgreementSerializer, summary="Sign exactly this version (signatories only)"
    )(_action(services.agreement_sign, SignInput, {"version": "version_number"}))


class SuspendView(APIView):
    post = extend_schema(request=ReasonInput, responses=AgreementSerializer, summary="Suspend sharing now")(
        _action(lambda notice_days, **kw: services.agreement_suspend(**kw), ReasonInput)
    )


class ResumeView(APIView):
    post = extend_schema(request=None, responses=AgreementSerializer, summary="Lift your suspension")(
        _action(services.agreement_resume)
    )


class TerminateView(APIView):
    post = extend_schema(request=ReasonInput, responses=AgreementSerializer, summary="Give notice to terminate")(
        _action(services.agreement_terminate, ReasonInput)
    )


class DiffView(APIView):
    @extend_schema(responses=None, summary="Field-by-field comparison of two versions (?from=1&to=2)")
    def get(self, request: Request, agreement_id: int) -> Response:
        require_scope(request.user, request.tenant, Scope.AGREEMENTS_READ)
        agreement = _agreement(request, agreement_id)
        try:
            numbers = int(request.query_params.get("from", "")), int(request.query_params.get("to", ""))
        except ValueError:
            return Response({"errors": {"from": ["Give two version numbers as ?from=1&to=2."]}}, status=400)
        old, new = (selectors.agreement_version(agreement, n) for n in numbers)
        if old is None or new is None:
            raise Http404
        rows = selectors.version_diff(old, new)
        return Response(
            [{"field": r.field, "label": r.label, "old": r.old, "new": r.new, "changed": r.changed} for r in rows]
        )


class RegisterVersionSerializer(VersionSerializer):
    agreement = serializers.CharField(source="agreement.reference")
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
    @extend_schema(
        responses=RegisterVersionSerializer(many=True),
        summary="The register: every version of every agreement this organisation is party to",
    )
    def get(self, request: Request) -> Response:
        require_scope(request.user, request.tenant, Scope.AGREEMENTS_REGISTER)
        return Response(RegisterVersionSerializer(selectors.agreement_register(request.tenant), many=True).data)
