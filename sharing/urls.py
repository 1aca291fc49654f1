"""Pages of the exchange on an organisation's host, under /exchange/."""

from django.urls import path

from sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.search, name="search"),
    path("checks/<int:check_id>/", views.check_detail, name="check"),
    path("shared/", views.shared_register, name="shared"),
    path("shared/<int:check_id>/", views.shared_detail, name="shared_detail"),
    path("shared/<int:check_id>/withdraw/", views.shared_withdraw, name="shared_withdraw"),
    path("requests/", views.detail_requests, name="requests"),
    path("requests/<int:request_id>/decide/", views.detail_request_decide, name="request_decide"),
    path("settings/", views.exchange_settings, name="settings"),
]
