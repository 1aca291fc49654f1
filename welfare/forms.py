"""Page forms. They parse and label input; every rule lives in the services."""

from __future__ import annotations

from collections.abc import Collection

from django import forms

from tenants.models import User
from welfare.choices import EntryKind, IdeologyCategory, Outcome, SubjectKind, TriageOutcome
from welfare.models import Case

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"rows": 4}
DEPUTIES_HINT = "They see every case and record stages and outcomes."


def _person_choices(people: list[User], blank: str = "") -> list[tuple[str, str]]:
    choices = [("", blank)] if blank else []
    return choices + [(str(p.pk), p.full_name or p.email) for p in people]


class ConcernForm(forms.Form):
    subject_kind = forms.ChoiceField(
        label="Who is the concern about?", choices=SubjectKind.choices, initial=SubjectKind.STUDENT,
        widget=forms.RadioSelect,
    )  # fmt: skip
    subject_given_name = forms.CharField(label="Their given name", max_length=100, required=False)
    subject_family_name = forms.CharField(label="Their family name", max_length=100, required=False)
    subject_number = forms.CharField(label="Student or staff number", max_length=40, required=False,
                                     help_text="If you know it.")  # fmt: skip
    subject_date_of_birth = forms.DateField(label="Date of birth", required=False, widget=DATE,
                                            help_text="If you know it.")  # fmt: skip
    observed_on = forms.DateField(label="When did you see or hear it?", required=False, widget=DATE,
                                  help_text="Not in the future.")  # fmt: skip
    what_happened = forms.CharField(label="What did you see or hear?", required=False,
                                    widget=forms.Textarea(attrs=TEXT),
                                    help_text="Facts, in your own words: what, where, who else was there.")  # fmt: skip
    immediate_risk = forms.BooleanField(label="Someone may be at immediate risk", required=False)
    immediate_risk_details = forms.CharField(label="The immediate risk", required=False,
                                             widget=forms.Textarea(attrs={"rows": 2}),
                                             help_text="If someone is in danger now, call 999 first.")  # fmt: skip


class TriageForm(forms.Form):
    outcome = forms.ChoiceField(label="Triage outcome", choices=TriageOutcome.choices, widget=forms.RadioSelect)
    case = forms.TypedChoiceField(label="Case to merge into", required=False, coerce=int, empty_value=None,
                                  help_text="Only when merging into an existing case.")  # fmt: skip
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Required when advice was given: say what advice.")  # fmt: skip

    def __init__(self, *args: object, cases: list[Case], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["case"].choices = [("", "—")] + [(str(c.pk), f"Case {c.pk}: {c.subject_name}") for c in cases]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why are you opening this case?", widget=forms.Textarea(attrs={"rows": 2}),
                             required=False,
                             help_text="Recorded and shown on the case to everyone who can see it.")  # fmt: skip


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of entry", choices=EntryKind.choices)
    occurred_on = forms.DateField(label="Date", required=False, widget=DATE, help_text="Not in the future.")
    text = forms.CharField(label="Entry", required=False, widget=forms.Textarea(attrs=TEXT),
                           help_text="For a document, describe it and say where it is kept.")  # fmt: skip


class PersonForm(forms.Form):
    person = forms.TypedChoiceField(label="Person", coerce=int, empty_value=None, required=False)

    def __init__(self, *args: object, people: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person"].choices = _person_choices(people, "Choose a person")


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", max_length=500, required=False)
    owner = forms.TypedChoiceField(label="Owner", coerce=int, empty_value=None, required=False)
    due_on = forms.DateField(label="Due on", required=False, widget=DATE)

    def __init__(self, *args: object, people: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].choices = _person_choices(people, "Choose an owner")


class CloseForm(forms.Form):
    closed_on = forms.DateField(label="Closed on", required=False, widget=DATE)
    note = forms.CharField(label="Closing note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EscalationForm(forms.Form):
    prevent_lead_involved_on = forms.DateField(label="Prevent lead involved on", required=False, widget=DATE)
    external_advice_sought_on = forms.DateField(label="External advice sought on", required=False, widget=DATE)
    formal_referral_made_on = forms.DateField(label="Formal external referral made on", required=False, widget=DATE)
    outcome = forms.ChoiceField(label="Outcome", choices=[("", "Not yet decided"), *Outcome.choices], required=False)
    prevent_referral_on = forms.DateField(label="Date of the referral to Prevent", required=False, widget=DATE,
                                          help_text="Only for a referral to Prevent.")  # fmt: skip
    prevent_referral_reference = forms.CharField(label="Prevent referral reference", max_length=60, required=False,
                                                 help_text="Only for a referral to Prevent.")  # fmt: skip
    ideology_category = forms.ChoiceField(
        label="Ideology category", choices=[("", "Not yet recorded"), *IdeologyCategory.choices], required=False
    )
    freedom_of_speech_notes = forms.CharField(
        label="Freedom of speech considerations", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Lawful views and expression are not, by themselves, a concern.",
    )  # fmt: skip
    context_notes = forms.CharField(label="Context", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="Date of the meeting", required=False, widget=DATE)
    title = forms.CharField(label="Title", max_length=200, required=False, initial="Students of concern meeting")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def case_label(case: Case, named: Collection[int]) -> str:
    """ "Case 12", with the subject's name only for a case opened with a reason in this session."""
    return f"Case {case.pk}: {case.subject_name}" if case.pk in named else f"Case {case.pk}"


class AgendaForm(forms.Form):
    case = forms.TypedChoiceField(label="Case", coerce=int, empty_value=None, required=False)

    def __init__(self, *args: object, cases: list[Case], named: Collection[int] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["case"].choices = [("", "Choose a case")] + [(str(c.pk), case_label(c, named)) for c in cases]


class AgreedActionForm(ActionForm):
    case = forms.TypedChoiceField(label="Case", coerce=int, empty_value=None, required=False)

    def __init__(
        self, *args: object, people: list[User], cases: list[Case], named: Collection[int] = (), **kwargs: object
    ) -> None:
        super().__init__(*args, people=people, **kwargs)
        self.fields["case"].choices = [("", "Choose a case")] + [(str(c.pk), case_label(c, named)) for c in cases]


class SettingsForm(forms.Form):
    deputies = forms.TypedMultipleChoiceField(label="Named deputies of the Prevent lead", coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=DEPUTIES_HINT)  # fmt: skip
    retention_days = forms.IntegerField(label="Keep closed cases for (days)", required=False,
                                        help_text="Six years is 2190 days.")  # fmt: skip

    def __init__(self, *args: object, people: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["deputies"].choices = _person_choices(people)
