from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Leaf services every app needs (crypto, audit, after-commit sends); imports no project app."""

    name = "core"
    verbose_name = "Core services"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the system checks)
