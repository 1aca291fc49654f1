from django.apps import AppConfig


class SpeakersConfig(AppConfig):
    name = "speakers"
    verbose_name = "External speaker and event requests"

    def ready(self) -> None:
        from speakers.rights import procedure_scopes
        from tenants.scopes import register_scope_provider

        # Which roles review and which decides escalations is each organisation's own procedure.
        register_scope_provider(procedure_scopes)
