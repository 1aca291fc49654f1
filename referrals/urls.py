"""Pages under /referrals/ on an organisation's host. Ids only in paths: never a name."""

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.index, name="index"),
    path("cases/<int:case_id>/", views.case_sharing, name="case"),
    path("cases/<int:case_id>/summary/", views.summary_share, name="summary_share"),
    path("cases/<int:case_id>/transfer/", views.transfer_request, name="transfer_request"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:transfer_id>/approve/", views.transfer_approve, name="transfer_approve"),
    path("approvals/<int:transfer_id>/decline/", views.transfer_decline, name="transfer_decline"),
    path("transfers/<int:transfer_id>/withdraw/", views.transfer_withdraw, name="transfer_withdraw"),
    path("received/", views.received, name="received"),
]
