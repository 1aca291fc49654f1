"""Pages of this app on an organisation's host, under /agreements/."""

from django.urls import path

from agreements import views

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("register/", views.agreement_register, name="agreement_register"),
    path("new/", views.agreement_new, name="agreement_new"),
    path("<int:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("<int:agreement_id>/versions/<int:number>/", views.agreement_detail, name="agreement_version"),
    path("<int:agreement_id>/edit/", views.agreement_edit, name="agreement_edit"),
    path("<int:agreement_id>/propose/", views.agreement_propose, name="agreement_propose"),
    path("<int:agreement_id>/versions/<int:number>/sign/", views.agreement_sign, name="agreement_sign"),
    path("<int:agreement_id>/suspend/", views.agreement_suspend, name="agreement_suspend"),
    path("<int:agreement_id>/resume/", views.agreement_resume, name="agreement_resume"),
    path("<int:agreement_id>/terminate/", views.agreement_terminate, name="agreement_terminate"),
    path("<int:agreement_id>/diff/", views.agreement_diff, name="agreement_diff"),
    path("<int:agreement_id>/versions/<int:number>/export.json", views.agreement_export, name="agreement_export"),
]
