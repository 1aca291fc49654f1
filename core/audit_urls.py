"""The audit trail's addresses: pages on an organisation's host (/audit/), its API
(/api/v1/audit/), and the platform's trail on the public site (/operator/audit/)."""

from django.urls import path

from core import audit_api, audit_views

tenant_pages = [
    path("", audit_views.organisation_trail, name="audit_trail"),
    path("export.csv", audit_views.organisation_export, name="audit_export"),
    path("checkpoint.json", audit_views.organisation_checkpoint, name="audit_checkpoint"),
    path("events.jsonl", audit_views.organisation_events, name="audit_events_export"),
    path("audit-verifier.pyz", audit_views.organisation_verifier, name="audit_verifier"),
]

tenant_api = [
    path("events/", audit_api.AuditEventListView.as_view(), name="api_audit_events"),
]

operator_pages = [
    path("", audit_views.platform_trail, name="operator_audit"),
    path("export.csv", audit_views.platform_export, name="operator_audit_export"),
    path("checkpoint.json", audit_views.platform_checkpoint, name="operator_audit_checkpoint"),
    path("events.jsonl", audit_views.platform_events, name="operator_audit_events_export"),
    path("audit-verifier.pyz", audit_views.platform_verifier, name="operator_audit_verifier"),
]
