"""API endpoints of this app, under /api/v1/agreements/ on an organisation's host."""

from django.urls import path

from agreements import api

urlpatterns = [
    path("", api.AgreementsView.as_view(), name="api_agreements"),
    path("register/", api.RegisterView.as_view(), name="api_agreement_register"),
    path("<int:agreement_id>/", api.AgreementView.as_view(), name="api_agreement"),
    path("<int:agreement_id>/versions/", api.VersionsView.as_view(), name="api_agreement_versions"),
    path("<int:agreement_id>/propose/", api.ProposeView.as_view(), name="api_agreement_propose"),
    path("<int:agreement_id>/sign/", api.SignView.as_view(), name="api_agreement_sign"),
    path("<int:agreement_id>/suspend/", api.SuspendView.as_view(), name="api_agreement_suspend"),
    path("<int:agreement_id>/resume/", api.ResumeView.as_view(), name="api_agreement_resume"),
    path("<int:agreement_id>/terminate/", api.TerminateView.as_view(), name="api_agreement_terminate"),
    path("<int:agreement_id>/diff/", api.DiffView.as_view(), name="api_agreement_diff"),
]
