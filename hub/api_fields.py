"""Serializer fields whose limits come from the model column they fill, so the API says 400, not the database 500.

A `CharField(max_length=N)` column gets `max_length=N`; a `TextField` (unbounded in PostgreSQL)
gets `TEXT_MAX_LENGTH`, a limit no honest entry reaches; an integer column gets the bounds of
its validators or of the column type (a `PositiveIntegerField` holds at most 2147483647).
DRF's `CharField` already refuses NUL characters.

Every text input of the API is a `StrictCharField`: DRF's `CharField` turns a JSON number
(`{"reason": 5}`) or boolean into text; this one answers 400 "Not a valid string." naming the
field, as the README's "JSON values are type-checked" promises. `tests/hub/test_api_fields.py`
walks every serializer and fails on a writable plain `CharField`.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from rest_framework import serializers

TEXT_MAX_LENGTH = 20_000


class StrictCharField(serializers.CharField):
    """A `CharField` that takes only a JSON string: a number, boolean, list or object is a 400
    ("Not a valid string.") naming the field, never coerced to text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


EARLIEST_YEAR = 1900


class BoundedDateTimeField(serializers.DateTimeField):
    """A `DateTimeField` that refuses dates before 1900 (400 naming the field).

    Before 1848 Europe/London's offset is local mean time (-00:01:15): such a value would come back
    in a form that is not RFC 3339 (schemathesis found one), and no hub record is that old."""

    default_error_messages = {"too_early": f"Give a date and time from the year {EARLIEST_YEAR} on."}

    def to_internal_value(self, value: Any) -> Any:
        parsed = super().to_internal_value(value)
        if parsed.year < EARLIEST_YEAR:
            self.fail("too_early")
        return parsed


def use_strict_text_in_model_serializers() -> None:
    """Make every `ModelSerializer` build `StrictCharField` for text columns (called once from
    `HubConfig.ready`), so an input serializer generated from a model cannot coerce either."""
    mapping = serializers.ModelSerializer.serializer_field_mapping
    for column in (models.CharField, models.TextField):
        mapping[column] = StrictCharField
    mapping[models.DateTimeField] = BoundedDateTimeField


def text_for(model: type[models.Model], name: str, **kwargs: Any) -> StrictCharField:
    """A StrictCharField as long as `model.name` allows (`TEXT_MAX_LENGTH` for a TextField)."""
    field = model._meta.get_field(name)
    kwargs.setdefault("max_length", getattr(field, "max_length", None) or TEXT_MAX_LENGTH)
    return StrictCharField(**kwargs)


def integer_for(model: type[models.Model], name: str, **kwargs: Any) -> serializers.IntegerField:
    """An IntegerField bounded like `model.name`: its own validators, else the column's range."""
    field = model._meta.get_field(name)
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    for validator in field.validators:
        if isinstance(validator, MaxValueValidator):
            high = min(high, validator.limit_value) if high is not None else validator.limit_value
        if isinstance(validator, MinValueValidator):
            low = max(low, validator.limit_value) if low is not None else validator.limit_value
    kwargs.setdefault("min_value", low)
    kwargs.setdefault("max_value", high)
    return serializers.IntegerField(**kwargs)


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """A row id: a whole number from 1 up to the largest a bigint primary key holds."""
    return serializers.IntegerField(min_value=1, max_value=9_223_372_036_854_775_807, **kwargs)
