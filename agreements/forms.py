"""Forms for agreement pages. They parse what people choose; the services decide what is allowed.

Parties are chosen from the hub's organisations and flows from lists, one row per flow (a
formset). A row left entirely blank is ignored; a row partly filled refuses the whole save,
naming the row ("Flow 2: choose the level"), so nothing is ever dropped silently.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from agreements.isa_templates import TEMPLATES
from agreements.models import Controllers, LawfulBasis, Level, Purpose, RecordKind
from tenants.models import Organisation, OrganisationKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose group keeps the field's id (the wrapping element has it), so errors link to it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return id_ if index is None else super().id_for_label(id_, index)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


LEVEL_CHOICES = [(level.code, level.label) for level in Level]
FLOW_ROWS_EXTRA = 2


def organisation_choices() -> list[tuple[str, str]]:
    """Every organisation that can be a party, by name: (slug, name)."""
    rows = Organisation.objects.exclude(kind=OrganisationKind.PLATFORM).order_by("name").values_list("slug", "name")
    return list(rows)


class TemplateChoiceForm(forms.Form):
    template = forms.ChoiceField(
        label="Start from",
        choices=[("", "A blank agreement")] + [(t.code, t.name) for t in TEMPLATES.values()],
        required=False,
    )
    parties = forms.MultipleChoiceField(
        label="Parties", help_text="Every party, including your own organisation.", widget=Checkboxes
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = organisation_choices()


class AgreementForm(forms.Form):
    parties = forms.MultipleChoiceField(
        label="Parties", help_text="Every party, including your own organisation.", widget=Checkboxes
    )
    title = forms.CharField(label="Title", max_length=200, required=False)
    purpose = forms.CharField(label="Purpose of the sharing", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    purposes = forms.MultipleChoiceField(
        label="Purposes records may be used for",
        choices=Purpose.choices,
        widget=Checkboxes,
        required=False,
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis (UK GDPR Art. 6)", choices=[("", "—"), *LawfulBasis.choices], required=False
    )
    special_category_condition = forms.CharField(label="Art. 9 condition (special category data)", required=False)
    criminal_offence_condition = forms.CharField(label="Art. 10 basis (criminal offence data)", required=False)
    dpa_schedule1_condition = forms.CharField(label="DPA 2018 Schedule 1 condition", required=False)
    data_items = forms.CharField(label="Data items shared", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    retention_days = forms.CharField(label="Retention at the recipient (days)", required=False)
    small_number_threshold = forms.CharField(
        label="Small-number threshold",
        required=False,
        help_text='Counts below this (2 to 50; usually 5) are shown as "fewer than …" in shared figures.',
    )
    security = forms.CharField(label="Security expectations", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    controllers = forms.ChoiceField(label="Controllers", choices=[("", "—"), *Controllers.choices], required=False)
    legal_power = forms.CharField(
        label="Legal power relied on", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    necessity = forms.CharField(
        label="Why the sharing is necessary", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    dpia_done = forms.BooleanField(label="A DPIA has been carried out", required=False)
    dpia_outcome = forms.CharField(label="DPIA outcome", required=False)
    dpo_view = forms.CharField(label="Data protection officer's view", required=False)
    individual_rights = forms.CharField(
        label="How individuals' rights are handled", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    sharing_frequency = forms.CharField(label="Dates or intervals of sharing", required=False, max_length=200)
    start_date = forms.CharField(
        label="Start date", widget=DATE, required=False, help_text="In force from 00:00 UK time on this day."
    )
    review_date = forms.CharField(label="Review date", widget=DATE, required=False)
    expiry_date = forms.CharField(
        label="Expiry date",
        widget=DATE,
        required=False,
        help_text="In force until the end of this day, UK time; it must not have passed.",
    )
    change_note = forms.CharField(label="What changed (for a new version)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = organisation_choices()


class FlowForm(forms.Form):
    """One flow: which record kind, from whom, to whom, at most at which level."""

    kind = forms.ChoiceField(label="Record kind", choices=[("", "—"), *RecordKind.choices], required=False)
    senders = forms.MultipleChoiceField(label="Sent by", widget=Checkboxes, required=False)
    recipients = forms.MultipleChoiceField(label="Received by", widget=Checkboxes, required=False)
    max_level = forms.ChoiceField(label="Highest level", choices=[("", "—"), *LEVEL_CHOICES], required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["senders"].choices = choices or []
        self.fields["recipients"].choices = choices or []

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in ("kind", "senders", "recipients", "max_level"))

    def missing(self) -> list[str]:
        data = self.cleaned_data
        wanted = {
            "kind": "the record kind",
            "senders": "at least one sender",
            "recipients": "at least one recipient",
            "max_level": "the level",
        }
        return [text for name, text in wanted.items() if not data.get(name)]


class BaseFlowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        """Every row is blank or complete; a partly filled row names itself and refuses the whole save."""
        if any(self.errors):
            return
        problems = []
        for number, form in enumerate(self.forms, start=1):
            if form.is_blank():
                continue
            missing = form.missing()
            if missing:
                message = f"Flow {number}: choose {_and(missing)}."
                form.add_error(None, message)
                problems.append(message)
        if problems:
            raise ValidationError(problems)

    def flows(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": form.cleaned_data["kind"],
                "senders": list(form.cleaned_data["senders"]),
                "recipients": list(form.cleaned_data["recipients"]),
                "max_level": form.cleaned_data["max_level"],
            }
            for form in self.forms
            if not form.is_blank()
        ]


FlowFormSet = forms.formset_factory(FlowForm, formset=BaseFlowFormSet, extra=FLOW_ROWS_EXTRA)


class AgreementEditor:
    """The terms form and its flow rows, validated together: both valid or nothing is saved."""

    def __init__(self, data: Any = None, *, parties: list[str] | None = None, terms: dict[str, Any] | None = None):
        terms = terms or {}
        initial = {**terms, "parties": list(parties or [])}
        for name in ("start_date", "review_date", "expiry_date"):
            if initial.get(name):
                initial[name] = str(initial[name])
        initial.pop("flows", None)
        self.form = AgreementForm(data, initial=initial)
        choices = self.form.fields["parties"].choices
        flow_initial = [
            {**flow, "senders": list(flow["senders"]), "recipients": list(flow["recipients"])}
            for flow in terms.get("flows", [])
        ]
        self.flows = FlowFormSet(data, initial=flow_initial, prefix="flows", form_kwargs={"choices": choices})

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        return self.flows.is_valid() and form_ok

    def terms(self) -> tuple[list[str], dict[str, Any]]:
        """(party slugs, terms) for the service. Call after `is_valid()` returned True."""
        data = dict(self.form.cleaned_data)
        data["flows"] = self.flows.flows()
        return list(data.pop("parties", [])), data


class ConfirmSuspendForm(forms.Form):
    reason = forms.CharField(
        label="Reason (the other parties will see it)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    confirm = forms.BooleanField(
        label="I understand that sharing under this agreement stops at once, for every party, until we lift the "
        "suspension.",
        required=True,
        error_messages={"required": "Tick the box to confirm that you want to suspend sharing now."},
    )


class ConfirmTerminateForm(forms.Form):
    reason = forms.CharField(
        label="Reason (the other parties will see it)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    notice_days = forms.CharField(label="Notice period (days; 0 ends it at once)", initial="30", required=False)
    confirm = forms.BooleanField(
        label="I understand that the agreement ends when the notice runs out and cannot be changed or signed "
        "again; any pending version is withdrawn now.",
        required=True,
        error_messages={"required": "Tick the box to confirm that you want to give notice to terminate."},
    )
