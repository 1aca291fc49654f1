"""The delivery settings form: one choice per kind of notification."""

from __future__ import annotations

from typing import Any

from django import forms

from notifications.kinds import Delivery, Kind


class PreferencesForm(forms.Form):
    """One radio choice (hub only / email each / daily digest) per `Kind`, named by the kind's value."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=current.get(kind.value),
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[str, str]:
        """{kind: delivery} as chosen (call after `is_valid`)."""
        return {kind.value: self.cleaned_data[kind.value] for kind in Kind}
