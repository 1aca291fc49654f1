"""Settings are split by concern; pick one of dev, test or production via DJANGO_SETTINGS_MODULE."""
