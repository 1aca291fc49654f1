from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "The exchange"

    def ready(self) -> None:
        # Ending access is a key operation: every agreement lifecycle change reconciles the
        # exchange's keys inside its own transaction (see sharing.revocation).
        from agreements.events import on_flows_changed
        from sharing.revocation import on_flows_changed as exchange_keys_follow

        on_flows_changed(exchange_keys_follow)
