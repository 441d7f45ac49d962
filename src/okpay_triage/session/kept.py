"""Values as kept: how a reader is shown them, and whether two times are in order.

`shown` is what the command line's ✓ line and a packet show for a kept value; `check_order`
is the `not_before` rule. Neither parses what a user typed (`session.values` does), so this
module is cheap to import wherever a kept value is shown.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from okpay_triage.errors import AnswerError
from okpay_triage.tree.plan import FactSpec
from okpay_triage.types import Lang
from okpay_triage.wording import say

#: The kept form of a time the user does not remember ("不记得了", "I don't remember").
UNKNOWN = "unknown"


def shown(spec: FactSpec, value: str, lang: Lang) -> str:
    """A kept value as a reader sees it, in `lang`: a time with its zone
    (``2026-11-30 15:00（北京时间）``, ``about 2026-11-30 15:00 (UTC+00:00)``), ``不记得`` /
    ``not remembered`` for a time not remembered; any other value as kept (``300.00 CNY``)."""
    if spec.type == "money" and value.startswith("~"):  # about an amount
        return say("shown.about", lang, when=value[1:])
    if spec.type != "datetime":
        return value
    if value == UNKNOWN:
        return say("shown.unknown", lang)
    if value.startswith("~"):
        return say("shown.about", lang, when=shown(spec, value[1:], lang))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:  # a day alone
        return value
    offset = moment.utcoffset() or timedelta()
    if spec.assume_timezone == "Asia/Shanghai" and offset == timedelta(hours=8):
        zone = say("shown.beijing", lang)
    else:
        minutes = int(offset.total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        zone = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    clock = f"{moment:%Y-%m-%d %H:%M}"
    return f"{clock}（{zone}）" if lang == "zh" else f"{clock} ({zone})"


def check_order(value: str, earlier: str | None, earlier_spec: FactSpec, lang: Lang) -> None:
    """Refuse a kept time `value` that is before `earlier`, the value kept for its fact's
    `not_before` fact `earlier_spec` (None: not given). Exact times are compared to the
    minute; a day, or an approximate time, only by its day. A time not remembered is never
    refused.

    Raises:
        AnswerError: `value` is before `earlier`.
    """
    if earlier is None or UNKNOWN in (value, earlier):
        return
    this, that = _moment(value), _moment(earlier)
    if isinstance(this, datetime) and isinstance(that, datetime):
        before = this < that
    else:
        before = _day(this) < _day(that)
    if before:
        other, when = earlier_spec.label[lang == "zh"], shown(earlier_spec, earlier, lang)
        raise AnswerError(say("not-before", lang, other=other, when=when), code="bad-value")


def _moment(value: str) -> date | datetime:
    """A kept time as a moment, or a day; an approximate one as its day."""
    if value.startswith("~"):
        return _day(_moment(value[1:]))
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.date()


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
