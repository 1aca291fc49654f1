from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partner reports and assurance"

    def ready(self) -> None:
        from partners import notices

        # Daily: partner reports overdue, at the university and at the partner.
        notices.register()
