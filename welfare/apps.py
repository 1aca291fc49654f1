from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = "Welfare concerns, cases and referrals"

    def ready(self) -> None:
        from tenants.scopes import register_scope_provider
        from welfare.rights import deputy_scopes

        # The Prevent lead's named deputies (WelfareSettings.deputies) see every case and escalate.
        register_scope_provider(deputy_scopes)
