"""Per-request rights now come from the request's own assignments (organiser, escalated_to) and the
person's current scopes, not from django-guardian rows that outlived a role (issue 8, section 2).

Nothing needs copying: `EventRequest.organiser` and `EventRequest.escalated_to` already record the
assignments the rows mirrored. The rows are deleted explicitly first (so the intent is on record
even where the table is kept by a later squash), then the table goes.
"""

from django.db import migrations


def drop_object_permission_rows(apps, schema_editor):
    apps.get_model("speakers", "EventRequestUserObjectPermission").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("speakers", "0001_initial"),
    ]

    operations = [
        # Not reversible in substance: the rows would be recomputed from the assignments, not restored.
        migrations.RunPython(drop_object_permission_rows, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="EventRequestUserObjectPermission",
        ),
    ]
