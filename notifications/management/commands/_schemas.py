"""Which organisations a notifications command runs for: all, or the one `--schema` names."""

from __future__ import annotations

from django.core.management.base import CommandError
from django_tenants.utils import get_public_schema_name

from tenants.models import Organisation


def organisations(schema: str | None) -> list[Organisation]:
    """Every organisation (not the public schema), or only the one with `schema`; CommandError if none has it."""
    found = Organisation.objects.exclude(schema_name=get_public_schema_name()).order_by("schema_name")
    if schema:
        found = found.filter(schema_name=schema)
        if not found.exists():
            raise CommandError(f"No organisation has the schema '{schema}'.")
    return list(found)
