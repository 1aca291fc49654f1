from django import forms

from agreements.models import Level
from sharing.models import ShareMode


class SearchForm(forms.Form):
    name = forms.CharField(
        label="Speaker's name",
        max_length=200,
        required=False,
        help_text=(
            "Type the first and last name, and a hyphenated name in full (Mueller-Okafor, not Okafor). "
            "Middle names are optional, but a check is found only if it has every name you type. "
            "Titles, accents, umlauts (ü or ue), initials and word order do not matter."
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class DecideDetailForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="Answer", choices=[("1", "Approve: share full detail"), ("0", "Decline")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="Note to the asker (optional)", required=False, max_length=1000)


class SettingsForm(forms.Form):
    share_mode = forms.ChoiceField(label="When to share", choices=ShareMode.choices, widget=forms.RadioSelect)
    automatic_level = forms.TypedChoiceField(
        label="Level shared automatically",
        choices=[
            (Level.SUMMARY, "Summary (recommended: the least that serves the purpose)"),
            (Level.FULL, "Full, where an agreement allows it"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
