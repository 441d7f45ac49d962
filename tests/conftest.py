"""Test-wide settings: the compiled-tree cache goes to a temporary folder, never ~/.cache."""

from __future__ import annotations

import os
import tempfile

os.environ["OKPAY_TRIAGE_CACHE"] = tempfile.mkdtemp(prefix="okpay-triage-cache-")
