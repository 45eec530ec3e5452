"""Settings, split by topic. Every value comes from the environment and fails loudly when bad."""

from anjian.settings.api import *  # noqa: F403
from anjian.settings.base import *  # noqa: F403
from anjian.settings.database import *  # noqa: F403
from anjian.settings.security import *  # noqa: F403
from anjian.settings.tasks import *  # noqa: F403
