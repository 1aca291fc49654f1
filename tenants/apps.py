from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from tenants import checks, lockout, sessions  # noqa: F401  (system checks; lockout audit; sign-out receivers)
