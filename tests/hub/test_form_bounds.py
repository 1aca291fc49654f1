"""Review 2 (finding 4), as a kind: a form field that lands in a bounded column must carry that bound.

An email address over 254 characters passed `forms.EmailField` (its own limit is 320) and came back
from PostgreSQL as a 500 (DataError: value too long for type character varying(254)). This walks
every form of every app and checks each text field against the column it lands in, so a new
field or form cannot reopen the hole. `LANDS_IN` names where each form's fields are stored; a
form missing from it fails the walk until someone says where its text goes."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

from django import forms
from django.db import models

from agreements.models import Agreement, AgreementFlow, AgreementVersion
from sharing.models import SharedCheck
from speakers.models import Assessment, Decision, EventRequest, Mitigation, RequestMitigation, RiskFactor, Speaker
from tenants.models import ApiToken, Invitation, Organisation, User

APPS = ("tenants", "agreements", "sharing", "speakers")
# form -> (models whose same-named columns its fields fill, {form field: (model, column)} for other names)
LANDS_IN: dict[str, tuple[tuple[type[models.Model], ...], dict[str, tuple[type[models.Model], str]]]] = {
    "SignInForm": ((), {"username": (User, "email")}),
    "InviteForm": ((Invitation,), {}),
    "RolesForm": ((), {}),
    "AcceptInvitationForm": ((User,), {}),
    "OrganisationCreateForm": ((Organisation,), {"first_admin_email": (Invitation, "email")}),
    "OrganisationLinkForm": ((), {}),
    "ApiTokenForm": ((ApiToken,), {}),
    "TemplateChoiceForm": ((), {}),
    "AgreementForm": ((AgreementVersion, Agreement), {}),
    "FlowForm": ((AgreementFlow,), {}),
    "ConfirmSuspendForm": ((), {}),
    "ConfirmTerminateForm": ((), {}),
    "SearchForm": ((), {"name": (Speaker, "name")}),
    "ReasonForm": ((), {}),
    "DecideDetailForm": ((), {}),
    "SettingsForm": ((), {}),
    "EventForm": ((EventRequest,), {}),
    "SpeakerForm": ((Speaker,), {}),
    "AssessmentForm": ((Assessment, RiskFactor), {}),
    "EscalateForm": ((), {}),
    "DecisionForm": ((Decision,), {}),
    "WithdrawForm": ((), {}),
    "ProgressForm": ((RequestMitigation,), {}),
    "RegisterForm": ((), {}),
    "ProcedureForm": ((), {}),
    "MitigationForm": ((Mitigation,), {}),
    "AuditSampleForm": ((), {}),
    "ImportForm": ((), {}),
}
HASHED = {"password"}  # stored as a fixed-length hash, never as typed
_ = SharedCheck  # shared checks are written by services from speaker names, not by a form


def _forms() -> Iterator[type[forms.BaseForm]]:
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                yield value


def _fields(cls: type[forms.BaseForm]) -> dict[str, forms.Field]:
    try:
        return dict(cls().fields)  # __init__ may set limits (the sign-in form's username)
    except TypeError:  # needs choices passed in; its declared fields are what matter here
        return dict(cls.base_fields)


def _column(models_: tuple[type[models.Model], ...], name: str) -> models.Field | None:
    for model in models_:
        try:
            return model._meta.get_field(name)
        except Exception:  # noqa: BLE001, S112 - FieldDoesNotExist: try the next model
            continue
    return None


def test_every_form_says_where_its_text_is_stored():
    missing = sorted(cls.__name__ for cls in _forms() if cls.__name__ not in LANDS_IN)
    assert not missing, f"add these forms to LANDS_IN: {missing}"


def test_every_form_text_field_is_no_longer_than_the_column_it_lands_in(db):
    problems = []
    checked = 0
    for cls in _forms():
        targets, aliases = LANDS_IN[cls.__name__]
        for name, field in _fields(cls).items():
            if not isinstance(field, forms.CharField) or name in HASHED:
                continue
            column = _column((aliases[name][0],), aliases[name][1]) if name in aliases else _column(targets, name)
            if not isinstance(column, models.CharField) or not column.max_length:
                continue  # a TextField or no column: unbounded in PostgreSQL
            checked += 1
            if field.max_length is None or field.max_length > column.max_length:
                problems.append(f"{cls.__name__}.{name}: max_length {field.max_length}, column {column.max_length}")
    assert not problems, problems
    assert checked >= 15, checked  # the walk really reached the bounded fields
