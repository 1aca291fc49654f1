"""Page forms. They parse and label input; every rule lives in the services."""

from __future__ import annotations

from django import forms

from partners.models import MAX_ATTENDEES
from partners.periods import Period

TEXT = {"rows": 4}
NO_NAMES = "Describe, do not identify: no names of students or staff."


class AssembleForm(forms.Form):
    period = forms.ChoiceField(label="Reporting period", help_text="A term, or the whole academic year.")

    def __init__(self, *args: object, periods: list[Period], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (p.code, f"{p.label} ({p.start:%-d %b %Y} to {p.end:%-d %b %Y})") for p in periods
        ]


class NarrativeForm(forms.Form):
    training_delivered = forms.CharField(
        label="Training delivered", required=False, widget=forms.Textarea(attrs=TEXT), max_length=10_000,
        help_text="Sessions, who attended and coverage against the training plan. " + NO_NAMES,
    )  # fmt: skip
    policy_changes = forms.CharField(
        label="Policy changes", required=False, widget=forms.Textarea(attrs=TEXT), max_length=10_000,
        help_text="Changes to the Prevent policy, risk assessment, action plan or external speaker procedure.",
    )  # fmt: skip
    open_actions = forms.CharField(
        label="Open actions", required=False, widget=forms.Textarea(attrs=TEXT), max_length=10_000,
        help_text="Actions from the risk assessment or action plan still open, with their due dates. " + NO_NAMES,
    )  # fmt: skip
    comments = forms.CharField(
        label="Anything else for the university", required=False, widget=forms.Textarea(attrs=TEXT),
        max_length=10_000, help_text=NO_NAMES,
    )  # fmt: skip


class TrainingForm(forms.Form):
    delivered_on = forms.DateField(label="Date delivered", widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(max_length=200, help_text="e.g. 'Prevent awareness refresher'.")
    audience = forms.CharField(max_length=200, help_text="Who attended, e.g. 'Student services staff'.")
    attendees = forms.IntegerField(label="Number who attended", min_value=1, max_value=MAX_ATTENDEES)


class PartnerTrainingForm(TrainingForm):
    partner = forms.ChoiceField(label="Delivered to the staff of")

    field_order = ["partner", "delivered_on", "topic", "audience", "attendees"]

    def __init__(self, *args: object, partners: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [(str(pk), name) for pk, name in partners]


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs=TEXT), max_length=5_000,
        help_text="Kept at this university; the partner does not see it through the hub.",
    )  # fmt: skip
