"""Forms of the risk register pages. Rules live in risks.services; these parse and label."""

from __future__ import annotations

from typing import Any

from django import forms

from risks.models import ActionStatus, Category, Rating, Risk, RiskStatus
from tenants.models import Organisation, User

LIKELIHOOD = [(1, "1 – Rare"), (2, "2 – Unlikely"), (3, "3 – Possible"), (4, "4 – Likely"), (5, "5 – Almost certain")]
IMPACT = [(1, "1 – Negligible"), (2, "2 – Minor"), (3, "3 – Moderate"), (4, "4 – Major"), (5, "5 – Severe")]


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class RiskForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="A short statement of what could happen, e.g. 'A speaker event goes ahead unassessed'.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Causes and consequences, in a few lines."
    )
    category = forms.ChoiceField(
        choices=Category.choices, help_text="The theme of the sector's case studies it belongs to."
    )
    likelihood = forms.TypedChoiceField(
        choices=LIKELIHOOD, coerce=int, help_text="How likely it is with the controls in place now."
    )
    impact = forms.TypedChoiceField(choices=IMPACT, coerce=int, help_text="How serious it would be if it happened.")
    owner = OwnerField(queryset=User.objects.none(), help_text="The member of staff who answers for this risk.")
    existing_controls = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="What is already in place to reduce it."
    )
    planned_controls = forms.CharField(
        label="Further controls planned",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What will be added; track each as an action in the action plan.",
    )
    review_on = forms.DateField(
        label="Next review", widget=DateInput(), help_text="The date the owner reviews it next."
    )
    status = forms.ChoiceField(choices=RiskStatus.choices, initial=RiskStatus.OPEN)
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Kept in the risk's history with the change, e.g. 'Reviewed at the Prevent group, 12 March'.",
    )

    def __init__(self, *args: Any, organisation: Organisation, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from risks.selectors import owners

        self.fields["owner"].queryset = owners(organisation)  # type: ignore[attr-defined]
        if editing:
            self.fields["reason"].help_text = "Required when anything changes: " + str(self.fields["reason"].help_text)

    @staticmethod
    def initial_for(risk: Risk) -> dict[str, Any]:
        names = ["title", "description", "category", "likelihood", "impact", "existing_controls", "planned_controls",
                 "review_on", "status"]  # fmt: skip
        return {**{n: getattr(risk, n) for n in names}, "owner": risk.owner_id}


class ActionForm(forms.Form):
    title = forms.CharField(max_length=300, label="Action", help_text="What will be done.")
    risk = forms.ModelChoiceField(
        queryset=Risk.objects.none(),
        required=False,
        empty_label="Standalone (not about one risk)",
        help_text="The risk this action reduces, if any.",
    )
    owner = OwnerField(queryset=User.objects.none(), help_text="The person who will do it (required).")
    due_on = forms.DateField(label="Due", widget=DateInput(), help_text="Today or later for a new action.")
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.NOT_STARTED)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    recording_past = forms.BooleanField(
        label="Agreed earlier: record it with its original due date, even if that has passed", required=False
    )

    def __init__(self, *args: Any, organisation: Organisation, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from risks.selectors import owners, risks_all

        self.fields["owner"].queryset = owners(organisation)  # type: ignore[attr-defined]
        self.fields["risk"].queryset = risks_all()  # type: ignore[attr-defined]
        if editing:
            del self.fields["recording_past"]
            self.fields["due_on"].help_text = "Moving a due date: today or later."


class FilterForm(forms.Form):
    """The register's filters (GET). Unknown values are ignored, not errors."""

    status = forms.ChoiceField(
        choices=[("current", "Open and accepted"), *RiskStatus.choices, ("all", "All")], required=False
    )
    category = forms.ChoiceField(choices=[("", "Every category"), *Category.choices], required=False)
    rating = forms.ChoiceField(choices=[("", "Every rating"), *Rating.choices], required=False)
    likelihood = forms.TypedChoiceField(choices=[("", "Any likelihood"), *LIKELIHOOD], coerce=int, required=False)
    impact = forms.TypedChoiceField(choices=[("", "Any impact"), *IMPACT], coerce=int, required=False)


class ShareForm(forms.Form):
    network = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Send to",
        empty_label=None,
        help_text="A network or Silver group we are a member of.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from risks.selectors import member_networks

        self.fields["network"].queryset = member_networks(organisation)  # type: ignore[attr-defined]
