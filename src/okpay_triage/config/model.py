"""Deployment settings for escalation packets: working hours, holidays, channels, contacts.

Nothing OKPAY-specific is known for sure (DOMAIN §0.3): the sources give an example of
working hours (weekdays 09:00-18:00), two hedged reply times ("usually within 24 hours" for
email and for an in-app complaint) and no contact address, phone number or URL at all. So
all of it is configuration, and the defaults invent nothing: with no contact configured, a
packet tells the user to use the contacts shown in the official OKPAY app or website.

The shipped defaults are written out in ``trees/_config.yaml`` (installed as
``okpay_triage/trees/_config.yaml``); `Config()` has exactly the same values, and a test
keeps the two equal. A deployment overrides them from Python
(``Config(holidays=[date(2026, 10, 1)])``, ``config.model_copy(update={...})``) or from a
YAML/JSON file that names only what differs, merged over the defaults
(``load_config("okpay.yaml")``).

Config files are untrusted input read like tree files: safe YAML only (no tags, anchors or
aliases, one document, duplicate keys refused), with every problem reported as
``file:line:column: code: message`` in a `ConfigError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time, tzinfo
from email.errors import HeaderParseError
from email.headerregistry import Address
from functools import lru_cache
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    StringConstraints,
    field_validator,
    model_validator,
)

from okpay_triage.errors import ConfigError
from okpay_triage.session.routes import Threshold, parse_threshold, threshold_text
from okpay_triage.text import breaks_line
from okpay_triage.types import ID_PATTERN, ChannelId

__all__ = [
    "CHANNEL_IDS",
    "REFERENCE_KEY_VARIABLE",
    "ChannelConfig",
    "ChannelId",
    "Channels",
    "Config",
    "ConfigError",
    "LocalText",
    "OneLine",
]

#: The environment variable that gives `Config.reference_key` to `load_config`.
REFERENCE_KEY_VARIABLE = "OKPAY_TRIAGE_REFERENCE_KEY"

#: The contact channels, fastest first.
CHANNEL_IDS: tuple[ChannelId, ...] = ("chat", "phone", "email", "in_app")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _no_controls(value: str) -> str:
    if breaks_line(value):
        raise ValueError("must be one line without control or bidi-override characters")
    return value


# One line of text; contacts are shown verbatim and may reach an email header (To).
OneLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_no_controls),
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


class LocalText(_Frozen):
    """A sentence in both languages."""

    en: OneLine
    zh: OneLine

    def get(self, lang: str) -> str:
        """The text in `lang` (``"zh"`` or anything else for English)."""
        return self.zh if lang == "zh" else self.en


class ChannelConfig(_Frozen):
    """One way of reaching support."""

    enabled: bool = Field(default=True, description="Offer this channel at all.")
    contact: OneLine | None = Field(
        default=None,
        description="The verified address, number or URL. Shown verbatim; the email "
        "channel's contact becomes the To of `packet.to_email()`. None: the packet tells the "
        "user to use the contacts shown in the official app or website.",
    )
    always_open: bool = Field(
        default=False,
        description="Staffed outside working hours too (e.g. a 24-hour chat). Live channels "
        "are otherwise recommended only within working hours, except in emergencies.",
    )
    response_time: LocalText | None = Field(
        default=None, description="What to expect, hedged; shown as the expected response."
    )

    @field_validator("contact", mode="before")
    @classmethod
    def _null(cls, value: object) -> object:
        # Config files keep scalars as written: YAML's null spellings arrive as text.
        if isinstance(value, str) and value.strip() in ("", "~", "null", "Null", "NULL"):
            return None
        return value


class Channels(_Frozen):
    """Every contact channel. Social media is deliberately absent (DOMAIN P-CH2)."""

    chat: ChannelConfig = ChannelConfig(
        response_time=LocalText(
            en="usually the fastest way: an agent answers live while online",
            zh="通常是最快的方式：客服在线时实时答复",
        )
    )
    phone: ChannelConfig = ChannelConfig(
        response_time=LocalText(
            en="live, while the support line is staffed",
            zh="客服热线有人值守时实时答复",
        )
    )
    email: ChannelConfig = ChannelConfig(
        response_time=LocalText(
            en="usually within 24 hours; complex problems may take longer",
            zh="通常在 24 小时内回复；复杂问题可能需要更长时间",
        )
    )
    in_app: ChannelConfig = ChannelConfig(
        response_time=LocalText(
            en="usually within 24 hours",
            zh="通常在 24 小时内处理并答复",
        )
    )

    def get(self, channel: ChannelId) -> ChannelConfig:
        """The settings of `channel`."""
        settings: ChannelConfig = getattr(self, channel)
        return settings


def _zone_name(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone {value!r} (e.g. Asia/Shanghai)") from None
    return value


#: A tree id (the ids trees are written with), or ``tree-id:outcome-id`` for one outcome.
TREE_REF_PATTERN = ID_PATTERN.removesuffix("$") + r"(?::[a-z0-9_-]+)?$"
TreeRef = Annotated[str, StringConstraints(pattern=TREE_REF_PATTERN)]

#: A threshold route steps compare with: ``5000 CNY`` (or a list, one amount per currency)
#: or an ISO 8601 duration (``P30D``); kept parsed, written back as it reads.
ThresholdSetting = Annotated[
    Threshold,
    BeforeValidator(parse_threshold),
    PlainSerializer(threshold_text),
]
ThresholdName = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]


class Config(_Frozen):
    """Where and when support can be reached, for routing escalation packets.

    Working days and hours in an IANA time zone (an example until `hours_are_example` is
    false), holidays and make-up working days, the channels with their contact details and
    reply times, and the reference prefix. The defaults are ``trees/_config.yaml``'s and
    invent no contact. Invalid values raise pydantic's `ValidationError` here, and a
    `ConfigError` with file positions from `load_config`.
    """

    timezone: Annotated[str, AfterValidator(_zone_name)] = Field(
        default="Asia/Shanghai", description="IANA time zone of the working hours."
    )
    working_days: tuple[Weekday, ...] = Field(
        default=("mon", "tue", "wed", "thu", "fri"), min_length=1
    )
    opens: time = Field(default=time(9, 0), description="Start of working hours (local).")
    closes: time = Field(default=time(18, 0), description="End of working hours (exclusive).")
    holidays: tuple[date, ...] = Field(
        default=(), description="Days without support hours (ISO dates, local)."
    )
    workdays: tuple[date, ...] = Field(
        default=(), description="Make-up working days (调休) outside working_days (ISO dates)."
    )
    hours_are_example: bool = Field(
        default=True, description="The hours are an example: packets say so. Set false."
    )
    channels: Channels = Channels()
    complaint_trees: tuple[TreeRef, ...] = Field(
        default=("fee-dispute:o_fee_differs_from_quote", "fee-dispute:o_fee_against_policy"),
        description="Older way to mark complaints (use `complaint: true` on the outcome): a "
        "tree id, or 'tree-id:outcome-id' for one outcome, routed to a written channel.",
    )
    case_prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{1,9}$")] = Field(
        default="OKP", description="References look like OKP-7F3A9C2B41."
    )
    thresholds: dict[ThresholdName, ThresholdSetting] = Field(
        default_factory=dict,
        description="The thresholds trees' route steps compare with, by the names trees "
        "give them: an amount and its currency ('5000 CNY', or a list with one amount per "
        "currency) or an ISO 8601 duration ('P30D', 'PT48H'). None is shipped: a tree "
        "never holds a policy number, and a route that names a threshold set nowhere is "
        "an error when a session reaches it.",
    )
    reference_key: SecretStr | None = Field(
        default=None,
        description="A secret of this deployment (16 characters or more) that keys case "
        "references, so a reference cannot be used to test guesses of the account it was "
        f"made for. Best given by the environment variable {REFERENCE_KEY_VARIABLE}.",
    )

    @field_validator("reference_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("reference_key must have 16 characters or more")
        return value

    @field_validator("working_days")
    @classmethod
    def _unique_days(cls, value: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a day is listed twice")
        return tuple(sorted(value, key=WEEKDAYS.index))

    @field_validator("holidays", "workdays")
    @classmethod
    def _sorted_holidays(cls, value: tuple[date, ...]) -> tuple[date, ...]:
        return tuple(sorted(set(value)))

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        if self.opens >= self.closes:
            raise ValueError("opens must be earlier than closes (hours within one day)")
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opens and closes are local times without a zone; set timezone")
        if not any(self.channels.get(c).enabled for c in CHANNEL_IDS):
            raise ValueError("at least one contact channel must be enabled")
        to = self.channels.email.contact
        if to is not None:
            try:
                Address(addr_spec=to)
            except (HeaderParseError, ValueError, IndexError):
                raise ValueError(
                    f"channels.email.contact must be a plain address such as "
                    f"support@example.com, not {to!r}"
                ) from None
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with `update` applied, validated like the constructor (pydantic's own
        `model_copy` does not validate). Nested mappings are merged:
        ``config.model_copy(update={"channels": {"email": {"contact": "a@b.example"}}})``.

        Raises:
            pydantic.ValidationError: an updated value is invalid.
        """
        if not update:
            return super().model_copy(deep=deep)
        return type(self).model_validate(merge_settings(self.model_dump(), dict(update)))

    @property
    def zone(self) -> tzinfo:
        """The configured time zone."""
        return _zone(self.timezone)

    def is_working_day(self, day: date) -> bool:
        """Whether support works on `day` (local): a working weekday that is not a holiday,
        or a make-up working day."""
        if day in self.workdays:
            return True
        return WEEKDAYS[day.weekday()] in self.working_days and day not in self.holidays

    def is_complaint(self, tree_id: str, outcome_id: str) -> bool:
        """Whether `complaint_trees` lists the outcome (outcomes say `complaint: true`)."""
        return tree_id in self.complaint_trees or f"{tree_id}:{outcome_id}" in (
            self.complaint_trees
        )


@lru_cache(maxsize=16)
def _zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def merge_settings(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`base` with `extra` over it: nested mappings merged key by key, anything else replaced."""
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = merge_settings(old, value)
        else:
            merged[key] = value
    return merged
