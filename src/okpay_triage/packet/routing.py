"""Where a packet sends the user: priority, working hours, and the channel to use now.

Routing follows DOMAIN §2.4 with the configured working hours (`config.Config`):

* an outcome that needs no contact gets self-help, and says so;
* an urgent outcome always gets the fastest live channel (online chat, then phone), whatever
  the time, plus a written record (email, then in-app feedback) so the report is dated;
* an outcome that names its channel (``channel:`` in the tree) gets it, unless the channel
  is not offered, or is live and unstaffed now (then a written one, and the reason says so),
  or the case is urgent (a live channel first; a written one named becomes the record);
* a complaint or appeal (``complaint: true`` on the outcome, or ``Config.complaint_trees``)
  goes to a written channel;
* otherwise a high-priority case gets a live channel within working hours, and a normal or
  low one email; outside working hours a written channel, with the reply expected from the
  next working day, whose opening is computed (weekends and holidays skipped, make-up
  working days counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from okpay_triage.config import WEEKDAYS, Config
from okpay_triage.errors import PacketError
from okpay_triage.types import ChannelId, Priority
from okpay_triage.wording import MONTHS, WORDS, day_name, say

from .model import ChannelAdvice, made_clean


def within_hours(moment: datetime, config: Config) -> bool:
    """Whether `moment` (aware) falls in the configured working hours."""
    local = moment.astimezone(config.zone)
    return (
        config.is_working_day(local.date())
        and config.opens <= local.time().replace(tzinfo=None) < config.closes
    )


def next_opening(moment: datetime, config: Config) -> datetime:
    """When support next opens after `moment`: today's opening if it is still to come on a
    working day, else the opening of the next working day (holidays skipped, make-up working
    days counted). An aware datetime in the configured zone."""
    zone = config.zone
    local = moment.astimezone(zone)
    day = local.date()
    # Every run of non-working days is at most 6 weekdays plus the holidays long.
    for _ in range(len(config.holidays) + 8):
        if config.is_working_day(day):
            opening = datetime.combine(day, config.opens, tzinfo=zone)
            if opening > local:
                return opening
        day += timedelta(days=1)
    raise PacketError("the working hours configured leave no working day")  # pragma: no cover


def opening_words(opening: datetime, now: datetime, lang: str) -> str:
    """When support opens, said from `now`: ``today 09:00``, ``tomorrow 09:00``, else
    ``Monday 24 November 2025, 09:00`` / ``2025年11月24日（周一）09:00`` (local times)."""
    days = (opening.date() - now.astimezone(opening.tzinfo).date()).days
    clock = f"{opening:%H:%M}"
    if days in (0, 1):
        return say("packet.today" if days == 0 else "packet.tomorrow", lang, time=clock)
    name = day_name(opening.weekday(), lang)
    if lang == "zh":
        return f"{opening.year}年{opening.month}月{opening.day}日（{name}）{clock}"
    return f"{name} {opening.day} {MONTHS[opening.month - 1]} {opening.year}, {clock}"


def working_hours_text(config: Config, lang: str) -> str:
    """The working hours in words: ``Monday–Friday 09:00–18:00 (Asia/Shanghai)`` /
    ``周一至周五 09:00至18:00（Asia/Shanghai）``, said to be an example until configured."""
    names = [day_name(i, lang) for i in range(7)]
    index = sorted(WEEKDAYS.index(d) for d in config.working_days)
    if len(index) > 2 and index == list(range(index[0], index[-1] + 1)):
        days = say("packet.range", lang, first=names[index[0]], last=names[index[-1]])
    else:
        days = ("、" if lang == "zh" else ", ").join(names[i] for i in index)
    zone = zone_name(config.timezone, lang)
    if config.hours_are_example:
        zone = say("packet.hours.example", lang, zone=zone)
    hours = say(
        "packet.hours",
        lang,
        days=days,
        opens=config.opens.strftime("%H:%M"),
        closes=config.closes.strftime("%H:%M"),
        zone=zone,
    )
    hours += say("packet.hours.holidays", lang) if config.holidays else ""
    return hours + (say("packet.hours.workdays", lang) if config.workdays else "")


def zone_name(zone: str, lang: str) -> str:
    """A time zone as readers know it: ``北京时间`` for Asia/Shanghai in Chinese, else its
    IANA name."""
    key = f"packet.zone.{zone}"
    return say(key, lang) if key in WORDS else zone


# --------------------------------------------------------------------------- routing

#: Priority from (escalate, severity); see docs/packet.md.
PRIORITY: dict[str, dict[str, Priority]] = {
    "urgent": {"critical": "urgent", "high": "urgent", "medium": "urgent", "low": "urgent"},
    "yes": {"critical": "high", "high": "high", "medium": "normal", "low": "normal"},
    "if-unresolved": {"critical": "high", "high": "high", "medium": "normal", "low": "low"},
    "no": {"critical": "low", "high": "low", "medium": "low", "low": "low"},
}

_LIVE: frozenset[ChannelId] = frozenset({"chat", "phone"})
_ORDERS: dict[str, tuple[ChannelId, ...]] = {
    "urgent": ("chat", "phone", "email", "in_app"),
    "complaint": ("in_app", "email", "chat", "phone"),
    "high": ("chat", "phone", "email", "in_app"),
    "normal": ("email", "in_app", "chat", "phone"),
}


@dataclass(frozen=True, slots=True)
class Route:
    """The channel to use now, the written record to add (urgent cases), the others."""

    channel: ChannelAdvice
    record: ChannelAdvice | None
    alternatives: tuple[ChannelAdvice, ...]


def route(
    config: Config,
    lang: str,
    *,
    priority: Priority,
    escalate: str,
    complaint: bool,
    in_hours: bool,
    opening: str,
    preferred: ChannelId | None = None,
) -> Route:
    """The channel for an outcome now: `preferred` (the outcome's own) when it is offered
    and staffed or written, else the rules of the module docstring, saying why it changed."""
    if escalate == "no":
        self_help = made_clean(
            ChannelAdvice,
            channel="self_help",
            name=say("packet.name.self_help", lang),
            contact=None,
            how=say("packet.how.self_help", lang),
            reason=say("packet.why.self_help", lang),
            response_time=say("packet.rt.self_help", lang),
            open_now=True,
        )
        return Route(self_help, None, ())
    case = (
        "urgent"
        if priority == "urgent"
        else "complaint"
        if complaint
        else "high"
        if priority == "high"
        else "normal"
    )
    enabled = [c for c in _ORDERS[case] if config.channels.get(c).enabled]

    def is_open(channel: ChannelId) -> bool:
        return in_hours or config.channels.get(channel).always_open

    def usable(channel: ChannelId) -> bool:
        return case == "urgent" or channel not in _LIVE or is_open(channel)

    # A channel is usable now if it is written (queued) or live and staffed. In an emergency
    # live channels always come first, a staffed one (e.g. a 24-hour phone line) before one
    # that is not, the outcome's own before another.
    ordered = [c for c in enabled if usable(c)] + [c for c in enabled if not usable(c)]
    if case == "urgent":
        ordered.sort(key=lambda c: (c not in _LIVE, not is_open(c), c != preferred))
    wanted = preferred if preferred in enabled else None
    note = ""
    if preferred is not None and wanted is None:
        note = say("packet.why.outcome-off", lang, name=say(f"packet.name.{preferred}", lang))
    elif wanted is not None and case != "urgent":
        ordered.remove(wanted)
        if usable(wanted):
            ordered.insert(0, wanted)
        else:  # a live channel out of hours: a written one now, the outcome's own next
            ordered.insert(1, wanted)
            note = say("packet.why.outcome-closed", lang, name=say(f"packet.name.{wanted}", lang))
    chosen = ordered[0]
    if wanted in _LIVE and chosen != wanted and case == "urgent":
        note = say("packet.why.outcome-closed", lang, name=say(f"packet.name.{wanted}", lang))
    record: ChannelId | None = None
    if case == "urgent" and chosen in _LIVE:
        written = [c for c in ordered if c not in _LIVE]
        record = wanted if wanted in written else next(iter(written), None)
    if chosen == wanted:
        reason = say("packet.why.outcome", lang)
    elif case == "urgent":
        reason = say("packet.why.urgent" if chosen in _LIVE else "packet.why.urgent-written", lang)
    elif chosen in _LIVE:
        reason = say("packet.why.live" if case == "high" else "packet.why.live-only", lang)
    elif case == "complaint":
        reason = say("packet.why.complaint", lang)
    elif not in_hours:
        reason = say("packet.why.after_hours", lang)
    else:
        reason = say("packet.why.written", lang)
    if note:
        reason = note + ("" if lang == "zh" else " ") + reason

    def advice(channel: ChannelId, why: str) -> ChannelAdvice:
        settings = config.channels.get(channel)
        base = settings.response_time.get(lang) if settings.response_time else None
        base = base or say("packet.rt.none", lang)
        staffed = is_open(channel)
        if channel in _LIVE and not staffed:
            response = say("packet.rt.closed", lang, base=base, next=opening)
        elif channel not in _LIVE and not in_hours:
            response = say("packet.rt.queued", lang, base=base, next=opening)
        else:
            response = base
        contact = settings.contact
        return made_clean(
            ChannelAdvice,
            channel=channel,
            name=say(f"packet.name.{channel}", lang),
            contact=contact,
            how=say("packet.how.configured" if contact else f"packet.how.{channel}", lang),
            reason=why,
            response_time=response,
            open_now=staffed or channel not in _LIVE,
        )

    others = [c for c in ordered if c not in (chosen, record)]
    return Route(
        advice(chosen, reason),
        advice(record, say("packet.why.record", lang)) if record else None,
        tuple(advice(c, say(f"packet.alt.{c}", lang)) for c in others),
    )
