"""Pages of speaker and event requests on an organisation's host, under /speakers/."""

from django.urls import path

from speakers.views import admin, requests, review

app_name = "speakers"

urlpatterns = [
    path("", requests.register, name="register"),
    path("new/", requests.request_form, name="new"),
    path("export.csv", requests.export_csv, name="export"),
    path("import/", admin.import_csv, name="import"),
    path("procedure/", admin.procedure, name="procedure"),
    path("procedure/mitigations/", admin.mitigation_add, name="mitigation_add"),
    path("procedure/mitigations/<int:mitigation_id>/toggle/", admin.mitigation_toggle, name="mitigation_toggle"),
    path("audit-sample/", admin.audit_sample, name="audit_sample"),
    path("audit-sample/export.csv", admin.audit_sample_export, name="audit_sample_export"),
    path("<int:pk>/", requests.detail, name="detail"),
    path("<int:pk>/edit/", requests.request_form, name="edit"),
    path("<int:pk>/withdraw/", requests.withdraw, name="withdraw"),
    path("<int:pk>/mitigations/<int:mitigation_id>/", requests.mitigation_progress, name="progress"),
    path("<int:pk>/assess/", review.assess, name="assess"),
    path("<int:pk>/escalate/", review.escalate, name="escalate"),
    path("<int:pk>/reescalate/", review.reescalate, name="reescalate"),
    path("<int:pk>/decide/", review.decide, name="decide"),
    path("<int:pk>/share/", review.share, name="share"),
]
