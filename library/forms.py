"""Page forms. They parse and label input; every rule lives in library.services."""

from __future__ import annotations

from django import forms

from library import models as m
from library.choices import Theme
from library.services import PracticeText
from tenants.models import Organisation

# Generous bounds for the form, so an over-long text reaches the service, which says how long it is.
SLACK = 100


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Words", required=False, max_length=500,
        help_text="e.g. welfare officers, or \"room booking\". Accents and word endings do not matter.",
    )  # fmt: skip
    theme = forms.ChoiceField(label="Theme", required=False, choices=[("", "Any theme"), *Theme.choices])


class PracticeForm(forms.Form):
    speaks_for = forms.ChoiceField(
        label="On behalf of", required=False, help_text="The organisation this practice is from; it stays theirs."
    )
    title = forms.CharField(max_length=m.TITLE_LIMIT + SLACK, help_text="What the practice is, in a few words.")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=m.SUMMARY_LIMIT + SLACK,
        help_text="Two or three sentences that someone scanning the library reads first.",
    )  # fmt: skip
    practice = forms.CharField(
        label="The practice", widget=forms.Textarea(attrs={"rows": 8}), max_length=m.PRACTICE_LIMIT + SLACK,
        help_text="What you do, who does it and how. Describe, do not identify: no names of students or staff.",
    )  # fmt: skip
    what_worked = forms.CharField(
        label="What worked", widget=forms.Textarea(attrs={"rows": 5}), max_length=m.WORKED_LIMIT + SLACK,
        help_text="What made the difference, what did not work, and what you would change.",
    )  # fmt: skip
    contact_role = forms.CharField(
        label="Who to ask", max_length=m.CONTACT_LIMIT + SLACK,
        help_text="A role, e.g. 'Prevent lead' or 'Head of student welfare': not a personal email address.",
    )  # fmt: skip
    themes = forms.MultipleChoiceField(
        choices=Theme.choices, widget=forms.CheckboxSelectMultiple, required=False,  # the service says so
        help_text="One or more of the themes of the sector's case studies.",
    )  # fmt: skip
    show_author = forms.BooleanField(label="Also name me as a contact", required=False)

    def __init__(self, *args: object, choices: list[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.speaks_for_choices = {str(o.pk): o for o in choices}
        self.fields["speaks_for"].choices = [(str(o.pk), o.name) for o in choices]
        if len(choices) == 1:
            self.fields["speaks_for"].initial = str(choices[0].pk)
            self.fields["speaks_for"].widget = forms.HiddenInput()

    def text(self) -> PracticeText:
        data = self.cleaned_data
        return PracticeText(
            title=data["title"], summary=data["summary"], practice=data["practice"],
            what_worked=data["what_worked"], contact_role=data["contact_role"], themes=list(data["themes"]),
            show_author=data["show_author"],
        )  # fmt: skip

    def organisation(self) -> Organisation | None:
        return self.speaks_for_choices.get(self.cleaned_data.get("speaks_for") or "")
