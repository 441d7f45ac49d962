"""Session events for a host's logging, metrics and webhooks: `Triage`, `Case`, `Event`.

A `Session` is an immutable value and its moves are pure, so it cannot call anyone. A host
that wants to hear about sessions makes one `Triage` with its subscribers (plain callables
taking an `Event`; a `CaseLog` is one) and moves sessions through it: `start`, `answer`,
`back`, `packet`, `abandon`. Each returns what the `Session` method would, wrapped in a
`Case`, and tells every subscriber what happened:

    started, answered, refused, went-back, finished, packet-built, abandoned

A `Case` is the session plus what the case log needs and the session does not keep: a case
id (minted at `start`, or the host's own), when it started, when its current step was shown
and the seconds spent on each answered step. It is a value too and goes to JSON
(`Case.to_json`, about 150 bytes more than the session's), so a stateless chat backend
keeps sending one string back and forth and times survive between requests and across
servers. `Case.from_json` also takes a plain saved session (times then unknown).

A subscriber that raises does not stop the session: the error is logged (WARNING, its type
only) and the other subscribers still hear the event. Events carry ids, codes and times; the
session itself is there for a subscriber that wants more, and `session.shown_facts()` is
the form of its facts that may be shown.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from okpay_triage.errors import AnswerError, SessionError
from okpay_triage.logs import LOGGER
from okpay_triage.session.engine import Session

if TYPE_CHECKING:
    from okpay_triage.config import Config
    from okpay_triage.packet.render import EscalationPacket
    from okpay_triage.tree.model import Tree
    from okpay_triage.tree.plan import CompiledTree

__all__ = ["CASE_FORMAT", "Case", "Event", "EventKind", "Subscriber", "Triage"]

CASE_FORMAT = "okpay-triage/case"
EventKind = Literal[
    "started", "answered", "refused", "went-back", "finished", "packet-built", "abandoned"
]
#: The longest path a case keeps seconds for: far more steps than any tree has.
_MOST_STEPS = 1000


class Case:
    """A session with its case id and times, as `Triage` moves it and the case log keeps it.

    Attributes:
        session: the `Session`.
        case_id: the case's id, minted by `Triage.start` (``c-`` and 16 hex digits) or the
            host's own; None for a case restored from a plain saved session.
        started_at: when the session started (aware, UTC), or None if not known.
        shown_at: when its current step was shown, or None if not known.
        seconds: seconds spent on each answered step, by position in the transcript
            (None for an answer from context, or where not measured).
    """

    __slots__ = ("case_id", "seconds", "session", "shown_at", "started_at")

    def __init__(
        self,
        session: Session,
        *,
        case_id: str | None = None,
        started_at: datetime | None = None,
        shown_at: datetime | None = None,
        seconds: tuple[float | None, ...] = (),
    ) -> None:
        self.session = session
        self.case_id = case_id
        self.started_at = started_at
        self.shown_at = shown_at
        self.seconds = seconds

    def __repr__(self) -> str:
        return f"<Case {self.case_id} {self.session!r}>"

    def to_json(self) -> str:
        """The case as JSON: the saved session (`Session.to_json`) inside, with the times."""
        head = json.dumps(
            {
                "format": CASE_FORMAT,
                "version": 1,
                "case_id": self.case_id,
                "started_at": _iso(self.started_at),
                "shown_at": _iso(self.shown_at),
                "seconds": list(self.seconds),
            },
            separators=(",", ":"),
        )
        return f'{head[:-1]},"session":{self.session.to_json()}}}'

    @classmethod
    def from_json(cls, text: str | bytes, tree: Tree | CompiledTree | None = None) -> Case:
        """Restore a case saved by `to_json`, or a plain saved session (times unknown).

        Raises:
            SessionError: the text is not a saved case or session, its times or id are
                damaged, or `Session.from_json` refuses the session in it.
        """
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise SessionError("the case is not valid JSON", code="not-json") from None
        if type(data) is not dict or data.get("format") != CASE_FORMAT:
            return cls(Session.from_json(text, tree))
        if (
            set(data)
            != {"format", "version", "case_id", "started_at", "shown_at", "seconds", "session"}
            or data["version"] != 1
        ):
            raise SessionError("this is not a case okpay-triage saved", code="damaged")
        return cls(
            Session.from_json(_session_text(text, data["session"]), tree),
            case_id=_case_id(data["case_id"]),
            started_at=_time(data["started_at"]),
            shown_at=_time(data["shown_at"]),
            seconds=_seconds(data["seconds"]),
        )


class Event(NamedTuple):
    """Something that happened to a case.

    Attributes:
        kind: what happened (`EventKind`).
        case: the case after it (for ``refused``: as it was, unchanged).
        at: when (aware, UTC).
        step_id: the step answered, refused, gone back to, or left at; the outcome for
            ``finished`` and ``packet-built``.
        code: a refused answer's `AnswerError.code`.
        seconds: for ``answered``: the time spent on the step.
    """

    kind: EventKind
    case: Case
    at: datetime
    step_id: str | None = None
    code: str | None = None
    seconds: float | None = None


#: A subscriber: any callable taking an `Event` (its return value is ignored).
Subscriber = Callable[[Event], object]


class Triage:
    """Moves cases and tells subscribers; one per process is enough (it keeps no session).

    Args:
        subscribers: callables taking an `Event`, told in order.
        clock: the current time (aware); by default the system clock in UTC.
    """

    def __init__(
        self, *subscribers: Subscriber, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.subscribers: list[Subscriber] = list(subscribers)
        self._clock = clock or _utc_now

    def subscribe(self, subscriber: Subscriber) -> Subscriber:
        """Add a subscriber (usable as a decorator); return it."""
        self.subscribers.append(subscriber)
        return subscriber

    def start(
        self,
        tree: Tree | CompiledTree,
        *,
        lang: str = "en",
        facts: Mapping[str, object] | None = None,
        ignore_unknown_facts: bool = False,
        case_id: str | None = None,
    ) -> Case:
        """`Session.start` as a new case (a fresh case id unless `case_id` is given)."""
        session = Session.start(
            tree, lang=lang, facts=facts, ignore_unknown_facts=ignore_unknown_facts
        )
        now = self._clock()
        seconds: tuple[float | None, ...] = (None,) * session.depth  # answered from context
        case = Case(
            session,
            case_id=_case_id(case_id) if case_id is not None else f"c-{uuid.uuid4().hex[:16]}",
            started_at=now,
            shown_at=now,
            seconds=seconds,
        )
        self._emit(Event("started", case, now, session.node.id))
        if session.finished:  # facts up front answered every step
            self._emit(Event("finished", case, now, session.node.id))
        return case

    def answer(self, case: Case, value: str | int, *, now: datetime | None = None) -> Case:
        """`Session.answer` for the case, timing the step; `now` as there (and the event's
        time).

        Raises:
            AnswerError: the answer is refused (subscribers hear ``refused`` first).
        """
        at = now or self._clock()
        before = case.session
        try:
            after = before.answer(value, now=now)
        except AnswerError as error:
            self._emit(Event("refused", case, at, error.node_id or before.node.id, error.code))
            raise
        spent = None if case.shown_at is None else max((at - case.shown_at).total_seconds(), 0)
        added = after.depth - before.depth
        seconds = (*case.seconds[: before.depth], spent, *(None,) * (added - 1))
        moved = Case(
            after,
            case_id=case.case_id,
            started_at=case.started_at,
            shown_at=at,
            seconds=seconds[:_MOST_STEPS],
        )
        self._emit(Event("answered", moved, at, before.node.id, seconds=spent))
        if after.finished:
            self._emit(Event("finished", moved, at, after.node.id))
        return moved

    def back(self, case: Case) -> Case:
        """`Session.back` for the case; the step gone back to is timed afresh.

        Raises:
            AnswerError: there is no user answer to undo.
        """
        session = case.session.back()
        now = self._clock()
        moved = Case(
            session,
            case_id=case.case_id,
            started_at=case.started_at,
            shown_at=now,
            seconds=case.seconds[: session.depth],
        )
        self._emit(Event("went-back", moved, now, session.node.id))
        return moved

    def packet(
        self, case: Case, *, config: Config | None = None, **options: Any
    ) -> EscalationPacket:
        """`build_packet` for the finished case (`options` as there); subscribers hear
        ``packet-built``.

        Raises:
            PacketError: the case is not finished, or an option is invalid.
        """
        from okpay_triage.packet.build import build_packet

        built = build_packet(case.session, config=config, **options)
        self._emit(Event("packet-built", case, self._clock(), case.session.node.id))
        return built

    def abandon(self, case: Case) -> None:
        """Report that the user left the case before its outcome (a chat closed, a timeout);
        a finished case is not abandoned and nothing is told."""
        if not case.session.finished:
            self._emit(Event("abandoned", case, self._clock(), case.session.node.id))

    def _emit(self, event: Event) -> None:
        session = event.case.session
        LOGGER.debug(
            "%s case=%s tree=%s step=%s code=%s",
            event.kind,
            event.case.case_id,
            session.tree_id,
            event.step_id,
            event.code,
        )
        for subscriber in self.subscribers:
            try:
                subscriber(event)
            except Exception as error:
                # A subscriber's failure is the host's to see in its logs; the user's
                # session goes on. Only the type: a message may quote data.
                LOGGER.warning(
                    "subscriber %s failed on %s of case %s: %s",
                    getattr(subscriber, "__qualname__", type(subscriber).__qualname__),
                    event.kind,
                    event.case.case_id,
                    type(error).__name__,
                )


def _session_text(text: str | bytes, session: object) -> str:
    """The saved session inside a case's text, as `Case.to_json` wrote it (the last key):
    cut out rather than written again, a third of a request's time. Any other text that
    parsed is written again from `session`; either way `Session.from_json` checks it all."""
    whole = text.decode("utf-8", "surrogateescape") if isinstance(text, bytes) else text
    at = whole.rfind(',"session":')
    if at != -1 and whole.endswith("}}"):
        return whole[at + 11 : -1]
    return json.dumps(session)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _case_id(value: object) -> str | None:
    if value is None:
        return None
    if type(value) is not str or not 0 < len(value) <= 100 or not value.isprintable():
        raise SessionError("the case id is damaged", code="damaged")
    return value


def _time(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if type(value) is str and len(value) < 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SessionError("a time in the case is damaged", code="damaged")
    return moment.astimezone(UTC)


def _seconds(value: object) -> tuple[float | None, ...]:
    if type(value) is not list or len(value) > _MOST_STEPS:
        raise SessionError("the case's step times are damaged", code="damaged")
    return tuple(_one_second(v) for v in value)


def _one_second(value: object) -> float | None:
    if value is None:
        return None
    # json.loads makes exact ints and floats (and bools, which are no time): exact types.
    number = float(value) if type(value) in (int, float) else math.nan  # type: ignore[arg-type]
    if not math.isfinite(number) or number < 0:
        raise SessionError("the case's step times are damaged", code="damaged")
    return number
