"""The API's text inputs take JSON strings only (README: "JSON values are type-checked").

DRF's `CharField` turns `5` into `"5"`; `hub.api_fields.StrictCharField` refuses it. The walk
below fails on any writable plain `CharField` in any serializer of the project, so a new
endpoint cannot bring the coercion back."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers

from hub.api_fields import BoundedDateTimeField, StrictCharField

API_MODULES = ("agreements.api", "sharing.api", "speakers.api", "speakers.serializers", "tenants.api")


def _project_serializers() -> Iterator[type[serializers.BaseSerializer[Any]]]:
    for name in API_MODULES:
        importlib.import_module(name)
    stack: list[type] = [serializers.Serializer]
    seen: set[type] = set()
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                if sub.__module__.split(".")[0] in {"agreements", "sharing", "speakers", "tenants", "hub"}:
                    yield sub


def _text_inputs(serializer: serializers.BaseSerializer[Any], path: str = "") -> Iterator[tuple[str, Any]]:
    for name, field in serializer.fields.items():
        where = f"{path}{name}"
        if field.read_only:
            continue
        if isinstance(field, serializers.ListField):
            field = field.child
        if isinstance(field, serializers.BaseSerializer):
            yield from _text_inputs(
                field.child if isinstance(field, serializers.ListSerializer) else field, where + "."
            )
        elif type(field) is serializers.CharField:
            yield where, field


def test_no_serializer_in_the_project_takes_text_through_a_coercing_charfield():
    found = []
    for cls in _project_serializers():
        fields = list(_text_inputs(cls()))
        found += [f"{cls.__module__}.{cls.__name__}.{where}" for where, _ in fields]
    assert not found, "plain CharField takes numbers as text: " + ", ".join(found)


@given(st.integers() | st.floats(allow_nan=False) | st.booleans() | st.lists(st.text(), max_size=2)
       | st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2))  # fmt: skip
def test_a_strict_text_field_refuses_any_json_value_that_is_not_a_string(value):
    with pytest.raises(serializers.ValidationError) as caught:
        StrictCharField(max_length=50).run_validation(value)
    assert "Not a valid string." in str(caught.value.detail)


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=50)
)
def test_a_strict_text_field_takes_any_storable_string(text):
    if text.strip():
        assert StrictCharField(max_length=50).run_validation(text) == text.strip()


@pytest.mark.parametrize("value", ["0191-03-01T17:43:31+02:34", "1847-12-01T00:00:00Z", "1899-12-31T23:00:00Z"])
def test_a_datetime_before_1900_is_refused_naming_the_field(value):
    field = BoundedDateTimeField()
    field.bind("starts_at", None)

    with pytest.raises(serializers.ValidationError, match="from the year 1900 on"):
        field.run_validation(value)


def test_a_datetime_from_1900_comes_back_with_an_rfc_3339_offset():
    field = BoundedDateTimeField()
    field.bind("starts_at", None)

    shown = field.to_representation(field.run_validation("1900-06-01T12:00:00Z"))

    assert shown.startswith("1900-06-01T12:00:00") and shown[-6:] in {"+00:00", "+01:00"} or shown.endswith("Z")


def test_every_model_datetime_in_a_model_serializer_is_bounded():
    from django.db import models

    assert serializers.ModelSerializer.serializer_field_mapping[models.DateTimeField] is BoundedDateTimeField
