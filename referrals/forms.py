"""Page forms. They parse and label input; every rule lives in the services."""

from __future__ import annotations

from django import forms

from tenants.models import Organisation


def _choices(organisations: list[Organisation]) -> list[tuple[str, str]]:
    return [("", "Choose…")] + [(str(o.pk), o.name) for o in organisations]


class SummaryForm(forms.Form):
    recipient = forms.ChoiceField(label="Send the summary to", required=False)

    def __init__(self, *args: object, recipients: list[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["recipient"].choices = _choices(recipients)


class TransferForm(forms.Form):
    recipient = forms.ChoiceField(label="Identify the person to", required=False)
    justification = forms.CharField(
        label="Why is identifying this person to them necessary?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Recorded with the transfer and sent with it. A second person must approve before anything is sent.",
    )

    def __init__(self, *args: object, recipients: list[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["recipient"].choices = _choices(recipients)


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="Why is it declined?", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The person who asked sees this.",
    )  # fmt: skip
