"""Deployment settings for escalation packets: working hours, holidays, channels, contacts.

`model` holds the settings (`Config`, frozen and validated); `files` reads them from the
shipped defaults and a deployment's file (`load_config`).
"""

from __future__ import annotations

from okpay_triage.errors import ConfigError

from .files import MAX_CONFIG_BYTES, load_config, shipped_config_path
from .model import (
    CHANNEL_IDS,
    REFERENCE_KEY_VARIABLE,
    WEEKDAYS,
    ChannelConfig,
    ChannelId,
    Channels,
    Config,
    LocalText,
    OneLine,
    Weekday,
)

__all__ = [
    "CHANNEL_IDS",
    "MAX_CONFIG_BYTES",
    "REFERENCE_KEY_VARIABLE",
    "WEEKDAYS",
    "ChannelConfig",
    "ChannelId",
    "Channels",
    "Config",
    "ConfigError",
    "LocalText",
    "OneLine",
    "Weekday",
    "load_config",
    "shipped_config_path",
]
