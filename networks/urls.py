"""Pages under /network/ on an organisation's host."""

from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.members, name="members"),
    path("members/remove/", views.member_remove, name="member_remove"),
    path("invitations/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("memberships/", views.memberships, name="memberships"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/calendar.ics", views.calendar_feed, name="calendar"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:meeting_id>/papers/", views.paper_add, name="paper_add"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:meeting_id>/actions/", views.action_add, name="action_add"),
    path("meetings/<int:meeting_id>/calendar.ics", views.meeting_ics, name="meeting_ics"),
    path("papers/<int:paper_id>/", views.paper_download, name="paper"),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:action_id>/status/", views.action_status, name="action_status"),
    path("standing-items/", views.standing_items, name="standing_items"),
    path("search/", views.search, name="search"),
    path("mine/", views.for_member, name="for_member"),
]
