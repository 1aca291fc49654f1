from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "What crosses to a validating university about cases"

    def ready(self) -> None:
        from referrals.services import case_changed
        from welfare.events import on_case_changed

        # A case's summaries already sent follow its stage, outcome and status as they change.
        on_case_changed(case_changed)
