"""An organisation's own site (<slug>.<base domain>); every page is for its members only."""

from django.urls import include, path

from core.audit_urls import tenant_api as audit_api
from core.audit_urls import tenant_pages as audit_pages
from hub import views
from hub.urls_common import handler400, handler403, handler404, handler500  # noqa: F401
from hub.urls_common import urlpatterns as common
from tenants import views as tenant_views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/", tenant_views.members, name="members"),
    path("people/<int:membership_id>/roles/", tenant_views.member_roles, name="member_roles"),
    path("people/<int:membership_id>/remove/", tenant_views.member_remove, name="member_remove"),
    path("api-tokens/", tenant_views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", tenant_views.api_token_revoke, name="api_token_revoke"),
    path("agreements/", include("agreements.urls")),
    path("speakers/", include("speakers.urls")),
    path("exchange/", include("sharing.urls")),
    path("welfare/", include("welfare.urls")),
    path("referrals/", include("referrals.urls")),
    path("partners/", include("partners.urls")),
    path("network/", include("networks.urls")),
    path("library/", include("library.urls")),
    path("figures/", include("figures.urls")),
    path("training/", include("training.urls")),
    path("risks/", include("risks.urls")),
    path("return/", include("returns.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include(audit_pages)),
    path("api/v1/", include("tenants.api_urls")),
    path("api/v1/agreements/", include("agreements.api_urls")),
    path("api/v1/speakers/", include("speakers.api_urls")),
    path("api/v1/exchange/", include("sharing.api_urls")),
    path("api/v1/welfare/", include("welfare.api_urls")),
    path("api/v1/referrals/", include("referrals.api_urls")),
    path("api/v1/partners/", include("partners.api_urls")),
    path("api/v1/network/", include("networks.api_urls")),
    path("api/v1/library/", include("library.api_urls")),
    path("api/v1/figures/", include("figures.api_urls")),
    path("api/v1/training/", include("training.api_urls")),
    path("api/v1/risks/", include("risks.api_urls")),
    path("api/v1/return/", include("returns.api_urls")),
    path("api/v1/notifications/", include("notifications.api_urls")),
    path("api/v1/audit/", include(audit_api)),
    *common,
]
