#!/usr/bin/env python
"""Django's command-line utility for Partnership Hub.

DJANGO_SETTINGS_MODULE must be set (`python3 dev.py` sets the development settings);
commands that use the master key first check it against the database (`hub.startup`).
"""

import sys


def main() -> None:
    from hub.startup import require_master_key_for_command, settings_module_or_exit

    settings_module_or_exit("manage.py", sys.argv)
    require_master_key_for_command(sys.argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
