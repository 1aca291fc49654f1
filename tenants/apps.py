from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from tenants import sessions  # noqa: F401  (connects the sign-out and deactivation receivers)
