"""Pages under /welfare/ on an organisation's host. Ids only in paths: never a name."""

from django.urls import path

from welfare.views import cases, concerns, meetings, settings

app_name = "welfare"

urlpatterns = [
    path("", concerns.home, name="home"),
    path("concerns/new/", concerns.concern_new, name="concern_new"),
    path("triage/", concerns.triage_list, name="triage_list"),
    path("triage/<int:concern_id>/", concerns.triage, name="triage"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<int:case_id>/", cases.case_detail, name="case"),
    path("cases/<int:case_id>/entries/", cases.entry_add, name="entry_add"),
    path("cases/<int:case_id>/team/", cases.team_add, name="team_add"),
    path("cases/<int:case_id>/team/remove/", cases.team_remove, name="team_remove"),
    path("cases/<int:case_id>/actions/", cases.action_add, name="action_add"),
    path("cases/<int:case_id>/actions/<int:action_id>/", cases.action_done, name="action_done"),
    path("cases/<int:case_id>/close/", cases.close, name="close"),
    path("cases/<int:case_id>/escalation/", cases.escalation, name="escalation"),
    path("cases/<int:case_id>/referral-form.json", cases.referral_form, name="referral_form"),
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/agenda/", meetings.agenda_add, name="agenda_add"),
    path("meetings/<int:meeting_id>/actions/", meetings.action_agree, name="action_agree"),
    path("settings/", settings.welfare_settings, name="settings"),
]
