"""Every table of every step in one metadata, for migrations and project archives.

It sits above the step packages so that the kernel never imports them.
"""

from sqlmodel import SQLModel

import actions.models  # noqa: F401
import groups.models  # noqa: F401
import indicators.models  # noqa: F401
import privacy.models  # noqa: F401
import surveys.models  # noqa: F401
import workshop.access_models
import workshop.models  # noqa: F401

metadata = SQLModel.metadata
