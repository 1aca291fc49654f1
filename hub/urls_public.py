"""The public site (the base domain): sign in, choose an organisation, accept invitations, operate."""

from django.urls import include, path

from core.audit_urls import operator_pages as audit_operator_pages
from hub.admin import site as admin_site
from hub.urls_common import handler400, handler403, handler404, handler500  # noqa: F401
from hub.urls_common import urlpatterns as common
from tenants import oidc
from tenants import views as tenant_views
from tenants import views_two_factor as two_factor_views

urlpatterns = [
    path("", tenant_views.home, name="home"),
    path("login/", tenant_views.SignInView.as_view(), name="login"),
    # OpenID Connect sign-in (tenants.oidc); 404 unless configured. Register <public URL>/oidc/callback/.
    path("oidc/authenticate/", oidc.SignInStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.SignInCallbackView.as_view(), name="oidc_authentication_callback"),
    # Two-factor sign-in (tenants/views_two_factor.py): the code step and the person's own devices.
    path("login/code/", two_factor_views.verify, name="two_factor_verify"),
    path("account/two-factor/", two_factor_views.manage, name="two_factor"),
    path("account/two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("account/two-factor/recovery-codes/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
    path("account/two-factor/remove/", two_factor_views.remove, name="two_factor_remove"),
    path("invitations/<str:token>/", tenant_views.invitation_accept, name="invitation_accept"),
    path("operator/organisations/", tenant_views.operator_organisations, name="operator_organisations"),
    path("operator/audit/", include(audit_operator_pages)),
    # The Django admin for platform operators with the second factor passed (hub/admin.py).
    path("admin/", admin_site.urls),
    *common,
]
