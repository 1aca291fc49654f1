"""Forms for agreement pages. They parse what people type; the services decide what is allowed."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from agreements.isa_templates import TEMPLATES
from agreements.models import Controllers, LawfulBasis, Purpose

FLOW_LINE = re.compile(
    r"^\s*(?P<kind>[\w]+)\s*:\s*(?P<senders>[^>]+?)\s*->\s*(?P<recipients>[^(]+?)\s*\((?P<level>\w+)\)\s*$"
)
FLOW_HELP = (
    "One flow per line: kind: senders -> recipients (level), e.g. "
    "“speaker_check: northmoor, eastbrook -> northmoor, eastbrook (summary)”. Kinds: speaker_check, referral, "
    "partner_report, network_figures. Levels: aggregate, summary, full."
)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _slugs(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def flows_to_text(flows: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{f['kind']}: {', '.join(f['senders'])} -> {', '.join(f['recipients'])} ({f['max_level']})" for f in flows
    )


def parse_flows(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    flows, problems = [], []
    for number, line in enumerate([line for line in text.splitlines() if line.strip()], start=1):
        match = FLOW_LINE.match(line)
        if match is None:
            problems.append(f"Line {number} should read “kind: senders -> recipients (level)”.")
            continue
        flows.append(
            {
                "kind": match["kind"],
                "senders": _slugs(match["senders"]),
                "recipients": _slugs(match["recipients"]),
                "max_level": match["level"],
            }
        )
    return flows, problems


class TemplateChoiceForm(forms.Form):
    template = forms.ChoiceField(
        label="Start from",
        choices=[("", "A blank agreement")] + [(t.code, t.name) for t in TEMPLATES.values()],
        required=False,
    )
    parties = forms.CharField(
        label="Parties",
        help_text="Host names (slugs) of every party, separated by commas, including your own organisation.",
    )


class AgreementForm(forms.Form):
    parties = forms.CharField(label="Parties", help_text="Slugs of every party, separated by commas.")
    title = forms.CharField(label="Title", max_length=200, required=False)
    purpose = forms.CharField(label="Purpose of the sharing", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    purposes = forms.MultipleChoiceField(
        label="Purposes records may be used for",
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis (UK GDPR Art. 6)", choices=[("", "—"), *LawfulBasis.choices], required=False
    )
    special_category_condition = forms.CharField(label="Art. 9 condition (special category data)", required=False)
    criminal_offence_condition = forms.CharField(label="Art. 10 basis (criminal offence data)", required=False)
    dpa_schedule1_condition = forms.CharField(label="DPA 2018 Schedule 1 condition", required=False)
    data_items = forms.CharField(label="Data items shared", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    flows = forms.CharField(
        label="Record kinds, directions and levels",
        help_text=FLOW_HELP,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    retention_days = forms.CharField(label="Retention at the recipient (days)", required=False)
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
    sharing_frequency = forms.CharField(label="Dates or intervals of sharing", required=False)
    start_date = forms.CharField(label="Start date", widget=DATE, required=False)
    review_date = forms.CharField(label="Review date", widget=DATE, required=False)
    expiry_date = forms.CharField(label="Expiry date", widget=DATE, required=False)
    change_note = forms.CharField(label="What changed (for a new version)", required=False)

    def terms(self) -> tuple[list[str], dict[str, Any]]:
        """(party slugs, terms) for the service; flow lines that do not parse are form errors."""
        data = dict(self.cleaned_data)
        flows, problems = parse_flows(data.pop("flows", ""))
        for problem in problems:
            self.add_error("flows", problem)
        data["flows"] = flows
        return _slugs(data.pop("parties", "")), data

    @classmethod
    def initial_from(cls, parties: list[str], terms: dict[str, Any]) -> dict[str, Any]:
        initial = {**terms, "parties": ", ".join(parties), "flows": flows_to_text(terms.get("flows", []))}
        for name in ("start_date", "review_date", "expiry_date"):
            if initial.get(name):
                initial[name] = str(initial[name])
        return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason (the other parties will see it)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class TerminateForm(ReasonForm):
    notice_days = forms.CharField(label="Notice period (days; 0 ends it at once)", initial="30", required=False)
