from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Information-sharing agreements"

    def ready(self) -> None:
        from agreements import notices

        # Daily: agreements due for review, and those that ended (notifications.tasks.sweep).
        notices.register()
