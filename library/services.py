"""Writes to the library: publish, edit and withdraw write-ups of good practice.

Every service takes the acting person and the organisation whose library it is (the current
schema), checks `library:publish` and, for an existing write-up, that it is theirs (attributed to
an organisation they speak for, `selectors.is_ours`) *before* writing anything, validates the
whole write-up at once (a ValidationError keyed by field, each message saying how to fix it),
and writes the row, its search document and its audit event in one transaction. The audit event
holds ids and codes only, never the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from library import models as m
from library import search, selectors
from library.choices import PracticeStatus, Theme
from library.models import Practice
from library.text import clean, has_a_letter
from tenants.models import Organisation, User
from tenants.scopes import Scope, require_scope

LIMITS = {
    "title": m.TITLE_LIMIT,
    "summary": m.SUMMARY_LIMIT,
    "practice": m.PRACTICE_LIMIT,
    "what_worked": m.WORKED_LIMIT,
    "contact_role": m.CONTACT_LIMIT,
}
NEEDED = {
    "title": "Give the write-up a title, e.g. 'Welfare officers in every school'.",
    "summary": "Write a short summary: two or three sentences on what the practice is.",
    "practice": "Describe the practice: what you do, who does it and how.",
    "what_worked": "Say what worked (and what did not), so others can learn from it.",
    "contact_role": "Name the role others should ask, e.g. 'Prevent lead' (a role, not a person).",
}
NO_THEME = "Choose at least one theme."


@dataclass(frozen=True)
class PracticeText:
    """What a write-up says. Text is cleaned (`library.text.clean`) before it is judged."""

    title: str
    summary: str
    practice: str
    what_worked: str
    contact_role: str
    themes: list[str] = field(default_factory=list)
    show_author: bool = False

    def cleaned(self) -> PracticeText:
        return PracticeText(
            title=clean(self.title, multiline=False),
            summary=clean(self.summary),
            practice=clean(self.practice),
            what_worked=clean(self.what_worked),
            contact_role=clean(self.contact_role, multiline=False),
            themes=list(dict.fromkeys(clean(t, multiline=False) for t in self.themes)),
            show_author=bool(self.show_author),
        )


def practice_errors(text: PracticeText) -> dict[str, str]:
    """`{field: message}` for everything wrong with an (already cleaned) write-up; empty when fine."""
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        value = getattr(text, name)
        if not value or not has_a_letter(value):
            errors[name] = NEEDED[name]
        elif len(value) > limit:
            errors[name] = f"Shorten this to {limit:,} characters or fewer (it has {len(value):,})."
    if "@" in text.contact_role or sum(ch.isdigit() for ch in text.contact_role) >= 6:
        errors["contact_role"] = (
            "Give a role, not a personal email address or phone number: readers ask your organisation, "
            "which passes the question on."
        )
    unknown = [t for t in text.themes if t not in Theme.values]
    if unknown:
        names = ", ".join(f"'{v}' ({label})" for v, label in Theme.choices)
        errors["themes"] = f"Unknown theme {', '.join(repr(t) for t in unknown)}. Choose from {names}."
    elif not text.themes:
        errors["themes"] = NO_THEME
    return errors


def _valid(text: PracticeText) -> PracticeText:
    cleaned = text.cleaned()
    errors = practice_errors(cleaned)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_ours(actor: User, organisation: Organisation, practice: Practice) -> None:
    require_scope(actor, organisation, Scope.LIBRARY_PUBLISH)
    if not selectors.is_ours(practice, organisation, actor):
        raise PermissionDenied("Only those who publish for the organisation it is from may change a write-up.")


def _audit(action: str, actor: User, organisation: Organisation, practice: Practice) -> None:
    audit_record(
        action=f"library.practice_{action}",
        actor=actor,
        organisation_id=organisation.pk,
        target=practice,
        detail={"attributed_to": practice.organisation_id, "status": practice.status, "themes": practice.themes},
    )


@transaction.atomic
def practice_create(
    *,
    actor: User,
    organisation: Organisation,
    text: PracticeText,
    speaks_for: Organisation | None = None,
    publish: bool = False,
) -> Practice:
    """A new write-up in `organisation`'s library, as a draft or (`publish`) published at once.

    `speaks_for` is the organisation it is attributed to: one of `selectors.speaks_for(organisation,
    actor)`; None means the only one (a ValidationError on `speaks_for` when there is a choice to
    make or the one named is not theirs). Raises PermissionDenied without `library:publish`.
    """
    require_scope(actor, organisation, Scope.LIBRARY_PUBLISH)
    cleaned = _valid(text)
    choices = selectors.speaks_for(organisation, actor)
    if speaks_for is None and len(choices) == 1:
        speaks_for = choices[0]
    if not choices:
        raise ValidationError(
            {"speaks_for": "You speak for no member organisation of this network, so you cannot publish here."}
        )
    if speaks_for is None or speaks_for.pk not in {o.pk for o in choices}:
        names = ", ".join(o.name for o in choices)
        raise ValidationError({"speaks_for": f"Choose the organisation this write-up is from: {names}."})
    now = timezone.now()
    practice = Practice.objects.create(
        **_fields(cleaned),
        organisation=speaks_for,
        author=actor,
        status=PracticeStatus.PUBLISHED if publish else PracticeStatus.DRAFT,
        created_at=now,
        updated_at=now,
        published_at=now if publish else None,
    )
    search.document_refresh(practice)
    _audit("published" if publish else "drafted", actor, organisation, practice)
    return practice


def _fields(text: PracticeText) -> dict[str, object]:
    return {
        "title": text.title,
        "summary": text.summary,
        "practice": text.practice,
        "what_worked": text.what_worked,
        "contact_role": text.contact_role,
        "themes": text.themes,
        "show_author": text.show_author,
    }


@transaction.atomic
def practice_edit(*, actor: User, organisation: Organisation, practice: Practice, text: PracticeText) -> Practice:
    """Change what a write-up of ours says; its state (draft, published, withdrawn) stays as it was.

    Raises PermissionDenied (not ours, or no `library:publish`) or ValidationError by field.
    """
    _require_ours(actor, organisation, practice)
    cleaned = _valid(text)
    for name, value in _fields(cleaned).items():
        setattr(practice, name, value)
    practice.updated_at = timezone.now()
    practice.save()
    search.document_refresh(practice)
    _audit("edited", actor, organisation, practice)
    return practice


@transaction.atomic
def practice_publish(*, actor: User, organisation: Organisation, practice: Practice) -> Practice:
    """Publish a draft (or republish a withdrawn write-up) of ours. ValidationError when already published."""
    _require_ours(actor, organisation, practice)
    if practice.status == PracticeStatus.PUBLISHED:
        raise ValidationError({"status": "This write-up is already published."})
    _valid(text_of(practice))  # a draft saved before a rule changed is judged again
    now = timezone.now()
    practice.status, practice.published_at, practice.withdrawn_at, practice.updated_at = (
        PracticeStatus.PUBLISHED, now, None, now
    )  # fmt: skip
    practice.save(update_fields=["status", "published_at", "withdrawn_at", "updated_at"])
    _audit("published", actor, organisation, practice)
    return practice


@transaction.atomic
def practice_withdraw(*, actor: User, organisation: Organisation, practice: Practice) -> Practice:
    """Withdraw a published write-up of ours: it leaves the library (we still see it, and may republish).

    ValidationError when it is not published (a draft is simply not published yet).
    """
    _require_ours(actor, organisation, practice)
    if practice.status != PracticeStatus.PUBLISHED:
        raise ValidationError({"status": "Only a published write-up can be withdrawn."})
    now = timezone.now()
    practice.status, practice.withdrawn_at, practice.updated_at = PracticeStatus.WITHDRAWN, now, now
    practice.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _audit("withdrawn", actor, organisation, practice)
    return practice


def text_of(practice: Practice) -> PracticeText:
    return PracticeText(
        title=practice.title,
        summary=practice.summary,
        practice=practice.practice,
        what_worked=practice.what_worked,
        contact_role=practice.contact_role,
        themes=list(practice.themes),
        show_author=practice.show_author,
    )
