"""The exchange's API on an organisation's host, under /api/v1/exchange/."""

from django.urls import path

from sharing import api

urlpatterns = [
    path("search/", api.SearchView.as_view(), name="api_exchange_search"),
    path("checks/<int:check_id>/", api.CheckView.as_view(), name="api_exchange_check"),
    path(
        "checks/<int:check_id>/detail-requests/",
        api.DetailRequestCreateView.as_view(),
        name="api_exchange_detail_request",
    ),
    path("shared/", api.SharedListView.as_view(), name="api_exchange_shared"),
    path("shared/<int:check_id>/openings/", api.OpeningsView.as_view(), name="api_exchange_openings"),
    path("shared/<int:check_id>/withdraw/", api.WithdrawView.as_view(), name="api_exchange_withdraw"),
    path(
        "detail-requests/<int:request_id>/decision/", api.DetailAnswerView.as_view(), name="api_exchange_detail_answer"
    ),
]
