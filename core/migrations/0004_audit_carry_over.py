"""Carry events recorded under the old single hash chain into per-organisation chains, then make the tables append-only.

Needs the master key only if there are events to carry over (an existing installation); a new
database needs none. See core.audit.carry_over_legacy and README "Audit checkpoints".
"""

from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('hub.audit_maintenance', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'core.audit.audit_maintenance() is the documented way through, for tests and repairs';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_append_only();
CREATE TRIGGER core_auditcheckpoint_append_only BEFORE UPDATE OR DELETE ON core_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
CREATE TRIGGER core_auditcheckpoint_no_truncate BEFORE TRUNCATE ON core_auditcheckpoint
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_append_only();
CREATE TRIGGER core_auditchain_no_delete BEFORE DELETE ON core_auditchain
    FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
CREATE TRIGGER core_auditchain_no_truncate BEFORE TRUNCATE ON core_auditchain
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_append_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditcheckpoint_append_only ON core_auditcheckpoint;
DROP TRIGGER IF EXISTS core_auditcheckpoint_no_truncate ON core_auditcheckpoint;
DROP TRIGGER IF EXISTS core_auditchain_no_delete ON core_auditchain;
DROP TRIGGER IF EXISTS core_auditchain_no_truncate ON core_auditchain;
DROP FUNCTION IF EXISTS core_audit_append_only();
"""


def carry_over(apps, schema_editor):
    from core.audit import carry_over_legacy

    carry_over_legacy(apps.get_model("core", "AuditEvent"), apps.get_model("core", "AuditChain"))


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_audit_chains"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RunSQL(APPEND_ONLY, REMOVE),
    ]
