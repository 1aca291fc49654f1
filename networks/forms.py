"""Forms for the network pages: parse and label input; the rules are in networks.services."""

from __future__ import annotations

from django import forms

from networks.models import ActionStatus
from networks.selectors import member_organisations
from tenants.models import LinkKind, Organisation
from tenants.services import LINK_RULES


class InviteForm(forms.Form):
    invited = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation to invite",
        help_text="Its organisation admin accepts or declines on their own site; the invitation expires in 30 days.",
        empty_label="Choose an organisation",
    )
    message = forms.CharField(
        label="Message (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you are inviting them: the meetings, the good practice, the figures you share.",
    )

    def __init__(self, *args: object, network: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["invited"]
        field.queryset = Organisation.objects.exclude(kind="platform").exclude(pk=network.pk)
        # Offer only organisations that may join and are not members already (a member posted anyway
        # still gets the service's "already a member" message, which names it).
        members = member_organisations(network).values("pk")
        offered = field.queryset.filter(kind__in=LINK_RULES[LinkKind.MEMBER_OF][0]).exclude(pk__in=members)
        field.choices = [("", field.empty_label), *((o.pk, o.name) for o in offered.order_by("name"))]


class MeetingForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, help_text="For example 'Network meeting: spring term'.")
    starts_at = forms.DateTimeField(
        label="Starts at",
        help_text="Date and time, UK time, e.g. 2027-03-04 10:00.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    duration_minutes = forms.IntegerField(label="Length in minutes", initial=90, min_value=5, max_value=1440)
    location = forms.CharField(label="Place", max_length=200, required=False, help_text="A room and address.")
    online_link = forms.URLField(
        label="Online link",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="An https:// link to join online (optional).",
    )
    agenda = forms.CharField(
        label="Other agenda items",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line. Standing items (such as 'Prevent update') are added for you.",
    )
    record_past = forms.BooleanField(
        label="This meeting already took place (recording it for the record)", required=False
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="Agenda item", max_length=200)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    standing = forms.BooleanField(label="Standing item: add it to every meeting scheduled from now on", required=False)


class PaperForm(forms.Form):
    title = forms.CharField(label="Paper title", max_length=200)
    file = forms.FileField(
        label="File (optional)",
        required=False,
        help_text="PDF, Word (.docx), OpenDocument (.odt), Excel (.xlsx) or text; up to 5 MB.",
    )
    text = forms.CharField(
        label="Or the paper's text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Write a short paper here instead of uploading a file.",
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="Minutes", widget=forms.Textarea(attrs={"rows": 8}), required=False)


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Owner organisation",
        help_text="The member organisation that undertook to do it.",
        empty_label="Choose a member organisation",
        required=False,
    )
    due_on = forms.DateField(
        label="Due on", help_text="e.g. 2027-03-31", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    record_past = forms.BooleanField(label="Recording a past action (due date may be before today)", required=False)

    def __init__(self, *args: object, members: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = members


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)
    note = forms.CharField(label="Progress note (optional)", required=False, max_length=2000)


class StandingItemForm(forms.Form):
    title = forms.CharField(label="Standing item", max_length=200, help_text="For example 'Prevent update'.")
