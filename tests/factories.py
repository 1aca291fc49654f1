"""Factories for test data. Every name is fictional."""

from typing import Any

import factory

from tenants.models import User

GIVEN = ["Adaeze", "Bartek", "Chloe", "Deepak", "Eilidh", "Farid", "Grace", "Hamza", "Ines", "Jun", "Kwame", "Leila"]
FAMILY = ["Mbeki", "Kowalczyk", "Brennan", "Sharma", "MacLeod", "Nasser", "Osei", "Qureshi", "Silva", "Tanaka"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"{GIVEN[n % len(GIVEN)]} {FAMILY[(n // len(GIVEN)) % len(FAMILY)]}")
    email = factory.Sequence(lambda n: f"person{n}@test.example")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def verify_second_factor(client: object, user: User) -> None:
    """Mark `client`'s signed-in session as having passed the second factor, as the sign-in page does.

    Gives `user` a confirmed TOTP device when they have none, and records it in the session
    under django-otp's key, so `request.user.is_verified()` is true on later requests.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session  # type: ignore[attr-defined]
    session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id
    session.save()


def second_factor_device(user: User) -> Any:
    """The person's confirmed TOTP device (made when they have none): for sessions built by hand,
    `session[django_otp.DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id`."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    return device
