"""Serializer fields whose limits come from the model column they fill, so the API says 400, not the database 500.

A `CharField(max_length=N)` column gets `max_length=N`; a `TextField` (unbounded in PostgreSQL)
gets `TEXT_MAX_LENGTH`, a limit no honest entry reaches; an integer column gets the bounds of
its validators or of the column type (a `PositiveIntegerField` holds at most 2147483647).
DRF's `CharField` already refuses NUL characters.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from rest_framework import serializers

TEXT_MAX_LENGTH = 20_000


def text_for(model: type[models.Model], name: str, **kwargs: Any) -> serializers.CharField:
    """A CharField as long as `model.name` allows (`TEXT_MAX_LENGTH` for a TextField)."""
    field = model._meta.get_field(name)
    kwargs.setdefault("max_length", getattr(field, "max_length", None) or TEXT_MAX_LENGTH)
    return serializers.CharField(**kwargs)


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
