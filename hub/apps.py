from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Partnership Hub shell"

    def ready(self) -> None:
        # Registers the OpenAPI description of token authentication with drf-spectacular.
        import hub.api_schema  # noqa: F401
