from django import forms
from django.contrib.auth.forms import AuthenticationForm

from tenants.models import LinkKind, Organisation, OrganisationKind, Role, User

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length  # the column every address lands in (254)

ROLE_CHOICES = Role.choices
CREATABLE_KINDS = [(value, label) for value, label in OrganisationKind.choices if value != OrganisationKind.PLATFORM]


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    error_messages = {
        "invalid_login": "That email address and password do not match an account. Check both and try again.",
        "inactive": "This account has been disabled. Ask your organisation admin to re-enable it.",
    }


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=EMAIL_MAX_LENGTH)
    roles = forms.MultipleChoiceField(label="Roles", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label="Roles", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=200)
    password = forms.CharField(
        label="Choose a password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class OrganisationCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.CharField(max_length=40, help_text="Becomes the host name: <slug>.<base domain>.")
    kind = forms.ChoiceField(choices=CREATABLE_KINDS)
    validated_by = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER),
        required=False,
        help_text="For a franchise partner: its validating provider.",
    )
    first_admin_email = forms.EmailField(
        label="First admin's email address",
        max_length=EMAIL_MAX_LENGTH,
        help_text="They get an invitation link to become the organisation's admin, who then invites everyone else.",
    )


class OrganisationLinkForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Organisation.objects.exclude(kind=OrganisationKind.PLATFORM))
    kind = forms.ChoiceField(choices=LinkKind.choices)
    target = forms.ModelChoiceField(queryset=Organisation.objects.exclude(kind=OrganisationKind.PLATFORM))


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. 'termly report script'.")
