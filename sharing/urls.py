"""Pages of this app on an organisation's host (filled in by its issue)."""

urlpatterns: list = []
