"""URLs served on every host: sign-out, password change, the API schema."""

from django.contrib.auth import views as auth_views
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from hub.api_errors import NoSuchEndpoint
from tenants.scopes import scope_exempt

_ACCOUNT = scope_exempt("the signed-in person's own account, on every host")

urlpatterns = [
    path("logout/", _ACCOUNT(auth_views.LogoutView.as_view(next_page="/")), name="logout"),
    path(
        "password/",
        _ACCOUNT(auth_views.PasswordChangeView.as_view(template_name="tenants/password_change.html")),
        name="password_change",
    ),
    path(
        "password/done/",
        _ACCOUNT(auth_views.PasswordChangeDoneView.as_view(template_name="tenants/password_change_done.html")),
        name="password_change_done",
    ),
    path(
        "api/schema/",
        scope_exempt("the API's public description; no organisation data")(SpectacularAPIView.as_view()),
        name="api_schema",
    ),
    # Last: any other address under /api/ answers 404 in the API's error shape.
    re_path(r"^api/", scope_exempt("no such endpoint: the API's 404")(NoSuchEndpoint.as_view())),
]

handler400 = "hub.views.bad_request"
handler403 = "hub.views.permission_denied"
handler404 = "hub.views.page_not_found"
handler500 = "hub.views.server_error"
