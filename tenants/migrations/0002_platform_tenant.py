"""The public site is itself a row: django-tenants routes the base domain to the public schema."""

from django.conf import settings
from django.db import migrations


def create_platform(apps, schema_editor):
    Organisation = apps.get_model("tenants", "Organisation")
    Domain = apps.get_model("tenants", "Domain")
    platform, _ = Organisation.objects.get_or_create(
        schema_name="public", defaults={"name": "Partnership Hub", "slug": "platform", "kind": "platform"}
    )
    Domain.objects.get_or_create(domain=settings.HUB_BASE_DOMAIN, defaults={"tenant": platform, "is_primary": True})


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [migrations.RunPython(create_platform, migrations.RunPython.noop)]
