"""Forms of the network figures pages."""

from __future__ import annotations

from datetime import date

from django import forms

from partners.periods import Period, period_from_code, terms_ended_by
from tenants.models import Organisation

PERIOD_HELP = "A term that has ended (UK academic terms: autumn, spring, summer)."


def _term_choices(today: date) -> list[tuple[str, str]]:
    return [(p.code, p.label) for p in terms_ended_by(today, 6)]


class SendForm(forms.Form):
    """Choose the network and the term; the figures shown below are what will be sent."""

    network = forms.ChoiceField(label="Network", help_text="A network or group your organisation is a member of.")
    period = forms.ChoiceField(label="Term", help_text=PERIOD_HELP)

    def __init__(self, *args: object, networks: list[Organisation], today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.networks = {str(n.pk): n for n in networks}
        self.fields["network"].choices = [(str(n.pk), n.name) for n in networks]
        self.fields["period"].choices = _term_choices(today)

    def chosen(self) -> tuple[Organisation, Period]:
        return self.networks[self.cleaned_data["network"]], period_from_code(self.cleaned_data["period"])


class PublishForm(forms.Form):
    period = forms.ChoiceField(
        label="Term", help_text="Each member is sent the network's figures for this term beside its own."
    )

    def __init__(self, *args: object, today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["period"].choices = _term_choices(today)

    def chosen(self) -> Period:
        return period_from_code(self.cleaned_data["period"])
