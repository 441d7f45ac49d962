"""The escalation packet: everything support needs from a finished session, privacy-safe.

`build_packet` turns a finished `Session` into an `EscalationPacket`, a frozen pydantic
model: a case id, when it was made, which tree (id, version, content hash), the outcome and a
priority, the recommended contact channel with the reason and the expected response time, a
subject line, a short summary, the facts (masked), the transcript, the self-service steps the
user already tried, what to attach, what is still missing, and a privacy reminder. Every text
is in the session's language, except the email subject, which is bilingual.

Routing (channel, hours, priority) is `packet.routing`'s; the records are `packet.model`'s.

Contact details come only from the configuration; with none configured the packet tells the
user to use the contacts shown in the official OKPAY app or website. Every text in the packet
is a session's value, redacted when it entered the session (`session.values`, and checked so
when a saved session is read back), or no user's data at all (the tree's, the
configuration's and our own words), so the records are made with `model.made_clean` and no
text is redacted again, here or when it is rendered. The case id is system-generated, not
user data, and is kept verbatim in the subject lines around it.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from okpay_triage.config import Config
from okpay_triage.errors import PacketError
from okpay_triage.types import Lang
from okpay_triage.wording import format_when, say

from .model import (
    CASE_ID_PATTERN,
    MissingFact,
    PacketAnswer,
    PacketFact,
    PacketOutcome,
    TreeInfo,
    TriedStep,
    made_clean,
)
from .render import EscalationPacket
from .routing import PRIORITY, next_opening, route, within_hours, working_hours_text

if TYPE_CHECKING:
    from okpay_triage.session.engine import Session

__all__ = ["build_packet", "new_case_id"]


def new_case_id(created: datetime, config: Config) -> str:
    """A random case id such as ``OKP-20261122-7F3A9C`` (the date is local)."""
    local = created.astimezone(config.zone)
    return f"{config.case_prefix}-{local:%Y%m%d}-{secrets.token_hex(3).upper()}"


def build_packet(
    session: Session,
    *,
    now: datetime | None = None,
    config: Config | None = None,
    case_id: str | None = None,
) -> EscalationPacket:
    """The escalation packet of a finished session.

    Args:
        session: a session that has reached an outcome.
        now: when the packet is made (aware); drives working-hours routing and is the
            packet's `created_at`, shown in the configured zone. Default: the current time.
        config: routing and contact settings; default `Config()` (the shipped defaults).
        case_id: a fixed case id (e.g. from a ticketing system, or for tests), in the form
            ``OKP-20261122-7F3A9C``; default: a new random one.

    Raises:
        PacketError: the session has not reached an outcome, `now` is naive, or `case_id`
            is not of the documented form.
    """
    config = config or Config()
    lang: Lang = "zh" if session.lang == "zh" else "en"
    outcome = session.outcome
    if outcome is None:
        raise PacketError(
            "本次诊断尚未得出结果，无法生成上报资料；请先回答剩余的问题"
            f"（当前步骤：{session.node.id}）。"
            if lang == "zh"
            else "the session has not reached a result yet, so there is no packet to build; "
            f"answer the remaining questions first (it is at step '{session.node.id}')"
        )
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None or now.utcoffset() is None:
        raise PacketError(
            "now must be an aware datetime (with a time zone), e.g. "
            "datetime.now(timezone.utc); a naive time is ambiguous for working hours"
        )
    created = now.astimezone(config.zone)
    if case_id is None:
        case_id = new_case_id(created, config)
    elif not re.match(CASE_ID_PATTERN, case_id):
        raise PacketError(f"case_id must look like OKP-20261122-7F3A9C, not {case_id!r}")

    plan = session.plan
    pick = 1 if lang == "zh" else 0
    spec = plan.steps[outcome.id].outcome
    assert spec is not None  # the session is at an outcome
    priority = PRIORITY[outcome.escalate][outcome.severity]
    in_hours = within_hours(created, config)
    opening = None if in_hours else next_opening(created, config)
    chosen = route(
        config,
        lang,
        priority=priority,
        escalate=outcome.escalate,
        complaint=config.is_complaint(plan.id, outcome.id),
        in_hours=in_hours,
        opening=format_when(opening, lang, weekday=True) if opening else "",
    )

    tag = say("packet.tag.record" if outcome.escalate == "no" else f"packet.tag.{priority}", lang)
    subject = f"[{tag}] {outcome.title} – {case_id}"
    tag_both = f"{say('packet.tag.record', 'zh')} {say('packet.tag.record', 'en')}"
    if outcome.escalate != "no":
        tag_both = f"{say(f'packet.tag.{priority}', 'zh')} {say(f'packet.tag.{priority}', 'en')}"
    email_subject = f"[{tag_both}] {spec.title[1]} / {spec.title[0]} – {case_id}"
    summary = say(
        f"packet.summary.{outcome.escalate}",
        lang,
        title=outcome.title.strip().rstrip("。."),
        cause=_sentence(outcome.cause, lang),
    )

    transcript = session.transcript
    by_user = {plan.steps[e.node_id].fact for e in transcript if e.source == "user"}
    option_labels = {
        (step.fact, oid): label[pick]
        for step in plan.steps.values()
        if step.kind == "question" and step.fact
        for oid, label in step.options
    }
    facts = tuple(
        made_clean(
            PacketFact,
            id=key,
            label=session.fact_label(key),
            value=value,
            shown=option_labels.get((key, value), value),
            source="user" if key in by_user else "context",
        )
        for key, value in session.facts.items()
    )
    answers = tuple(
        made_clean(
            PacketAnswer,
            node_id=entry.node_id,
            question=entry.prompt,
            answer=None if entry.answer is None else entry.shown,
            source=entry.source,
        )
        for entry in transcript
    )
    tried = tuple(
        made_clean(
            TriedStep,
            node_id=entry.node_id,
            instructions=tuple(line[pick] for line in plan.steps[entry.node_id].info),
            question=entry.prompt,
            result=entry.shown,
        )
        for entry in transcript
        if entry.source == "user"
        and plan.steps[entry.node_id].kind == "question"
        and plan.steps[entry.node_id].info
        and plan.steps[entry.node_id].fact is None
    )
    email_contact = config.channels.email.contact if config.channels.email.enabled else None
    return made_clean(
        EscalationPacket,
        case_id=case_id,
        created_at=created,
        timezone=config.timezone,
        lang=lang,
        tree=made_clean(
            TreeInfo, id=plan.id, version=plan.version, hash=plan.hash, title=plan.title[pick]
        ),
        outcome=made_clean(
            PacketOutcome,
            id=outcome.id,
            title=outcome.title,
            cause=outcome.cause,
            steps=tuple(outcome.steps),
            escalate=outcome.escalate,
            severity=outcome.severity,
        ),
        priority=priority,
        contact_needed=outcome.escalate != "no",
        within_working_hours=in_hours,
        working_hours=working_hours_text(config, lang),
        next_working_day=opening,
        channel=chosen.channel,
        written_record=chosen.record,
        alternatives=chosen.alternatives,
        subject=subject,
        email_subject=email_subject,
        email_to=email_contact,
        summary=summary,
        facts=facts,
        transcript=answers,
        steps_tried=tried,
        attachments=tuple(outcome.attachments),
        missing_facts=tuple(
            made_clean(MissingFact, id=key, label=session.fact_label(key))
            for key in session.missing_facts
        ),
        privacy_reminder=say("packet.privacy", lang),
    )


def _sentence(line: str, lang: str) -> str:
    line = line.strip()
    if line.endswith(("。", ".", "!", "?", "！", "？")):
        return line
    return line + ("。" if lang == "zh" else ".")
