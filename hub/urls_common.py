"""URLs served on every host: sign-out, password change, the API schema."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from hub.api_errors import NoSuchEndpoint

urlpatterns = [
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="tenants/password_change.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="tenants/password_change_done.html"),
        name="password_change_done",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Last: any other address under /api/ answers 404 in the API's error shape.
    path("api/", include([re_path(r"", NoSuchEndpoint.as_view())])),
]

handler403 = "hub.views.permission_denied"
handler404 = "hub.views.page_not_found"
handler500 = "hub.views.server_error"
