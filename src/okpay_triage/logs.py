"""The library's one logger, ``logging.getLogger("okpay_triage")``, silent by default.

The library logs through the standard `logging` module only, under this one name, and only
what may be shown or counted: tree, step and outcome ids, error codes, case ids, times. No
answer a user typed and no fact value ever goes into a record, masked or not. A
`logging.NullHandler` is attached, so a program that configures no logging sees nothing;
one that wants the records turns them on with ``logging.getLogger("okpay_triage")``
(``setLevel(logging.DEBUG)`` for every session event).
"""

from __future__ import annotations

import logging

__all__ = ["LOGGER"]

#: The library's logger: DEBUG for each session event, INFO for each case recorded,
#: WARNING for a subscriber or a case log that failed (the session goes on).
LOGGER = logging.getLogger("okpay_triage")
LOGGER.addHandler(logging.NullHandler())
