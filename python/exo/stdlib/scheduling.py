"""exo.stdlib.scheduling: the scheduling functions of exo.API_scheduling, re-exported
so programs written as `from exo.stdlib.scheduling import *` import unchanged."""

from ..API_scheduling import *  # noqa: F401,F403 (the re-export is the point)
from ..API_scheduling import __all__  # noqa: F401
