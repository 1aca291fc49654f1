"""Settings for the hub processes the ops tests start: the test settings with the start-up key check on.

The test settings turn the ASGI app's key check off (tests share one development key); a
restored database must pass it, or be refused, exactly as a deployment would.
"""

from hub.settings.test import *  # noqa: F403

HUB_STARTUP_KEY_CHECK = True
