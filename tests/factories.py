"""Factories for test data. Every name is fictional."""

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
