"""Pages under /risks/ on an organisation's host."""

from django.urls import path

from risks import views

app_name = "risks"

urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.risk_new, name="risk_new"),
    path("<int:risk_id>/", views.risk_detail, name="risk"),
    path("<int:risk_id>/edit/", views.risk_edit, name="risk_edit"),
    path("actions/", views.action_plan, name="actions"),
    path("actions/new/", views.action_new, name="action_new"),
    path("actions/<int:risk_action_id>/edit/", views.action_edit, name="action_edit"),
    path("export/risks.csv", views.export_risks_csv, name="export_risks_csv"),
    path("export/actions.csv", views.export_actions_csv, name="export_actions_csv"),
    path("export/register.xlsx", views.export_xlsx, name="export_xlsx"),
    path("share/", views.share, name="share"),
    path("received/", views.received, name="received"),
]
