"""Bulk sharing (issue 14): one index less per written row where an index only repeated another.

Each dropped foreign-key index is the leading column of a unique constraint or index on the
same table, which serves the same lookups and cascades. The name-token digest keeps its
equality index (renamed, not rebuilt) and loses the `varchar_pattern_ops` twin that
`db_index=True` adds for LIKE, which nothing runs on a digest.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0004_alter_channelkey_kind_alter_sharedcheck_kind"),
        ("tenants", "0006_networkinvitation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="channelgrant",
            name="channel",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="grants",
                to="sharing.channelkey",
            ),
        ),
        migrations.AlterField(
            model_name="channelgrant",
            name="recipient",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenants.organisation"
            ),
        ),
        migrations.AlterField(
            model_name="envelope",
            name="check_row",
            field=models.ForeignKey(
                db_column="check_id",
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="envelopes",
                to="sharing.sharedcheck",
            ),
        ),
        migrations.AlterField(
            model_name="envelopekey",
            name="envelope",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="keys", to="sharing.envelope"
            ),
        ),
        migrations.AlterField(
            model_name="sharedcheck",
            name="recipient",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="records_received",
                to="tenants.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="sharedcheck",
            name="source",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="shared_checks",
                to="tenants.organisation",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="nametoken",
                    name="digest",
                    field=models.CharField(max_length=64),
                ),
                migrations.AddIndex(
                    model_name="nametoken",
                    index=models.Index(fields=["digest"], name="nametoken_digest"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=[
                        "DROP INDEX IF EXISTS sharing_nametoken_digest_614a7186_like",
                        "ALTER INDEX sharing_nametoken_digest_614a7186 RENAME TO nametoken_digest",
                    ],
                    reverse_sql=[
                        "ALTER INDEX nametoken_digest RENAME TO sharing_nametoken_digest_614a7186",
                        "CREATE INDEX sharing_nametoken_digest_614a7186_like ON sharing_nametoken "
                        "(digest varchar_pattern_ops)",
                    ],
                ),
            ],
        ),
    ]
