"""Page forms. They parse and label input; every rule lives in the services."""

from __future__ import annotations

from django import forms

from partners.periods import Period


class AssembleForm(forms.Form):
    year = forms.ChoiceField(
        label="Academic year",
        help_text="1 August to 31 July. The hub counts our records and the reports our franchise partners sent us.",
    )

    def __init__(self, *args: object, years: list[Period], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            (y.academic_year, f"{y.label} ({y.start:%-d %b %Y} to {y.end:%-d %b %Y})") for y in years
        ]


class SignOffForm(forms.Form):
    gaps_acknowledged = forms.BooleanField(
        label="I have read the gaps flagged in this return",
        required=False,
        help_text="Signing off freezes the figures, their sources and the gaps exactly as shown.",
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
