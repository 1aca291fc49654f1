from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Partnership Hub shell"

    def ready(self) -> None:
        # Registers the OpenAPI description of token authentication with drf-spectacular.
        import hub.api_schema  # noqa: F401
        from hub.api_fields import use_strict_text_in_model_serializers

        use_strict_text_in_model_serializers()
