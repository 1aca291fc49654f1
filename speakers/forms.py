"""Page forms. They parse and label input; every rule lives in the services."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from sharing.names import NEEDS_A_LETTER, has_a_letter
from speakers.choices import (
    DECISION_OUTCOMES,
    EventFormat,
    MitigationProgress,
    MitigationTiming,
    RejectionCategory,
    RiskLevel,
    Status,
    WithinLaw,
)
from speakers.models.requests import MAX_EXPECTED_AUDIENCE
from speakers.selectors import REGISTER_SORTS
from speakers.services.csv_import import import_size_problem
from tenants.models import Role

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = {"rows": 3}


class EventForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    starts_at = forms.DateTimeField(label="Date and start time", required=False, widget=DATETIME,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])  # fmt: skip
    venue = forms.CharField(max_length=200, required=False, help_text="Room and building, or the online platform.")
    format = forms.ChoiceField(choices=EventFormat.choices, initial=EventFormat.IN_PERSON, widget=forms.RadioSelect)
    open_to_public = forms.BooleanField(label="Open to the public", required=False)
    livestreamed = forms.BooleanField(label="Livestreamed", required=False)
    recorded = forms.BooleanField(label="Recorded", required=False)
    expected_audience = forms.IntegerField(
        min_value=0, max_value=MAX_EXPECTED_AUDIENCE, required=False, help_text="An estimate is fine."
    )
    organising_body = forms.CharField(max_length=200, required=False, help_text="Department, team or society.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXT))
    short_notice_reason = forms.CharField(
        label="Reason for short notice", required=False, widget=forms.Textarea(attrs=TEXT),
        help_text="Only if the event is sooner than the procedure's minimum notice.",
    )  # fmt: skip


class SpeakerForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, help_text="As the speaker is publicly known.")
    affiliation = forms.CharField(max_length=200, required=False)
    profile_links = forms.CharField(label="Public profile links", required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}), help_text="One a line.")  # fmt: skip
    topic = forms.CharField(max_length=300, required=False)

    def clean_name(self) -> str:
        name = self.cleaned_data.get("name", "")
        if name.strip() and not has_a_letter(name):
            raise forms.ValidationError(NEEDS_A_LETTER)
        return name


# Any number of speakers: one block to start, "Add another speaker" and "Remove speaker N" post
# the form back to the page (no JavaScript needed). Django's absolute maximum (1,000) still applies.
SpeakerFormSet = forms.formset_factory(SpeakerForm, extra=0, min_num=1)


class AssessmentForm(forms.Form):
    risk_level = forms.ChoiceField(choices=RiskLevel.choices, widget=forms.RadioSelect)
    criteria_met = forms.MultipleChoiceField(
        label="Higher-risk criteria that apply", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Any of these makes the event higher-risk: it is then escalated to the senior decision-maker.",
    )  # fmt: skip
    risk_summary = forms.CharField(label="Risk summary", required=False, widget=forms.Textarea(attrs=TEXT))
    factor = forms.CharField(label="Risk factor", required=False, max_length=300)
    evidence = forms.CharField(label="Evidence", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label="Source of the evidence", required=False, max_length=300)
    source_date = forms.DateField(
        label="Date of the source", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    free_speech_considerations = forms.CharField(
        label="Freedom-of-speech considerations", required=False, widget=forms.Textarea(attrs=TEXT),
        help_text="The duty to secure lawful free speech is as real as the Prevent duty. "
        "Offensiveness or reputational risk alone are not grounds to restrict lawful speech.",
    )  # fmt: skip
    mitigations = forms.MultipleChoiceField(label="Proposed mitigations", required=False,
                                            widget=forms.CheckboxSelectMultiple)  # fmt: skip
    prevent_mitigations = forms.MultipleChoiceField(
        label="Of those, proposed because of a Prevent-related risk", required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Leave unticked those proposed for other reasons.",
    )  # fmt: skip

    def __init__(self, *args, criteria: list[str], catalogue: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria_met"].choices = [(c, c) for c in criteria]
        self.fields["mitigations"].choices = catalogue
        self.fields["prevent_mitigations"].choices = catalogue


class EscalateForm(forms.Form):
    decision_maker = forms.TypedChoiceField(label="Senior decision-maker", coerce=int)
    note = forms.CharField(label="What are they asked to decide, and why", widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision_maker"].choices = people


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(o.value, o.label) for o in DECISION_OUTCOMES], widget=forms.RadioSelect)
    reasons = forms.CharField(label="Reasons for the decision", required=False, widget=forms.Textarea(attrs=TEXT))
    imposed_mitigation_ids = forms.TypedMultipleChoiceField(
        label="Mitigations imposed as conditions", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    speech_within_law = forms.ChoiceField(label="Is the speech within the law?", required=False,
                                          choices=[("", "—")] + WithinLaw.choices)  # fmt: skip
    free_speech_steps = forms.CharField(
        label="Reasonably practicable steps to secure the speech", required=False, widget=forms.Textarea(attrs=TEXT)
    )
    restriction_proportionality = forms.CharField(
        label="If restricted: why the restriction is proportionate", required=False, widget=forms.Textarea(attrs=TEXT)
    )
    not_offence_or_reputation_alone = forms.BooleanField(
        label="The restriction does not rest on offensiveness or reputational risk alone", required=False
    )
    rejection_category = forms.ChoiceField(label="Rejection: reason category", required=False,
                                           choices=[("", "—")] + RejectionCategory.choices)  # fmt: skip
    rejection_explanation = forms.CharField(label="Rejection: explanation (up to 300 words)", required=False,
                                            widget=forms.Textarea(attrs=TEXT))  # fmt: skip
    security_costs_passed_on = forms.BooleanField(label="Security costs passed to the organiser", required=False)
    security_costs_circumstances = forms.CharField(label="Exceptional circumstances for passing on costs",
                                                   required=False, widget=forms.Textarea(attrs=TEXT))  # fmt: skip

    def __init__(self, *args, proposed: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["imposed_mitigation_ids"].choices = proposed


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    speaker_not_invited = forms.BooleanField(label="This is a decision not to invite the speaker", required=False)


class ProgressForm(forms.Form):
    progress = forms.ChoiceField(choices=MitigationProgress.choices)
    note = forms.CharField(required=False)


class RegisterForm(forms.Form):
    q = forms.CharField(label="Search title, speaker or organiser", required=False)
    status = forms.ChoiceField(required=False, choices=[("", "Any")] + Status.choices)
    risk = forms.ChoiceField(label="Risk", required=False, choices=[("", "Any")] + RiskLevel.choices)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label="Order", required=False, choices=list(REGISTER_SORTS.items()))


class ProcedureForm(forms.Form):
    reviewing_roles = forms.MultipleChoiceField(choices=Role.choices, widget=forms.CheckboxSelectMultiple)
    higher_risk_criteria = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), help_text="One criterion a line.")
    minimum_notice_working_days = forms.IntegerField(
        help_text="UK working days, Monday to Friday; bank holidays are not excluded."
    )
    senior_decision_maker_role = forms.ChoiceField(choices=Role.choices)
    decision_validity_months = forms.IntegerField(help_text="How long a shared decision stays current.")


class MitigationForm(forms.Form):
    label = forms.CharField(label="New mitigation", max_length=120)
    description = forms.CharField(required=False)
    timing = forms.ChoiceField(choices=MitigationTiming.choices)


class AuditSampleForm(forms.Form):
    date_from = forms.DateField(label="Decisions from", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="Decisions to", widget=forms.DateInput(attrs={"type": "date"}))
    size = forms.IntegerField(label="Sample size", min_value=1, initial=10)
    seed = forms.IntegerField(label="Seed (to repeat a sample)", required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="Columns as described on this page; all rows or none; at most 5 MB and 5,000 rows."
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        too_big = import_size_problem(upload.size)
        if too_big:
            raise forms.ValidationError(too_big)
        return upload
