from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risk register and action plan"

    def ready(self) -> None:
        from risks import notices

        # Daily: actions of the plan due, to their owners.
        notices.register()
