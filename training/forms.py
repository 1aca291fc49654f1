"""Page forms. They parse and label input; every rule lives in the services."""

from __future__ import annotations

from django import forms

from core.dates import today
from training.models import MAX_REFRESHER_MONTHS, Kind, Tier


class CourseForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="As the learning system names it, e.g. 'Prevent awareness'.")
    code = forms.CharField(
        max_length=40, required=False, help_text="The learning system's course code, if any; the import matches it too."
    )
    tier = forms.ChoiceField(choices=Tier.choices, help_text="Awareness for all staff; enhanced for key roles; "
                             "face-to-face for specific groups such as security and student-facing teams.")  # fmt: skip
    kind = forms.ChoiceField(choices=Kind.choices, help_text="How the annual return counts it: induction, refresher, "
                             "or broader briefings and workshops.")  # fmt: skip
    refresher_months = forms.IntegerField(
        label="Refresher interval (months)", required=False, min_value=1, max_value=MAX_REFRESHER_MONTHS,
        help_text="A completion expires after this many months and the person is overdue again; leave empty if "
        "it never expires.",
    )  # fmt: skip
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RequirementForm(forms.Form):
    department = forms.CharField(
        max_length=120, required=False,
        help_text="Exactly as on the staff list (case does not matter); empty for every department.",
    )  # fmt: skip
    role = forms.CharField(
        label="Role or job family", max_length=120, required=False,
        help_text="e.g. 'Security'; empty for every role. Both empty: all staff.",
    )  # fmt: skip


class StaffForm(forms.Form):
    staff_id = forms.CharField(label="Staff number", max_length=40, help_text="From HR or the learning system.")
    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False, help_text="Optional: lets the import match a learning system's export.")
    department = forms.CharField(max_length=120)
    role = forms.CharField(label="Role or job family", max_length=120, help_text="e.g. 'Academic', 'Security'.")


class StaffEditForm(StaffForm):
    active = forms.BooleanField(
        label="On the staff list (untick when the person leaves)", required=False,
        help_text="People who have left are not counted in coverage; their completions stay recorded.",
    )  # fmt: skip


class CompletionForm(forms.Form):
    course = forms.ChoiceField()
    completed_on = forms.DateField(
        label="Completed on", widget=forms.DateInput(attrs={"type": "date"}), help_text="Not in the future."
    )

    def __init__(self, *args: object, courses: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "Choose a course"), *[(str(pk), title) for pk, title in courses]]
        self.fields["completed_on"].widget.attrs["max"] = today().isoformat()


class ImportForm(forms.Form):
    file = forms.FileField(
        label="The learning system's CSV export",
        help_text="Columns: staff id or email, course, completed date; optionally name, department, role, status.",
    )
    add_people = forms.BooleanField(
        label="Add people who are not on the staff list", required=False,
        help_text="Only from rows that give their staff id, name, department and role. Otherwise an unknown "
        "person is an error.",
    )  # fmt: skip
