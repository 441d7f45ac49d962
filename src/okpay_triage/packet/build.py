"""The escalation packet: everything support needs from a finished session, privacy-safe.

`build_packet` turns a finished `Session` into an `EscalationPacket`, a frozen pydantic
model: a case reference, when it was made, which tree (id, version, content hash), the
outcome and a priority, the recommended contact channel with the reason and the expected
response time, a subject line (problem, urgency, transaction id and amount where known), a
short summary, the key facts (the account identifier first) and what the answers tell
support, the channels already tried and what the user asks for, the transcript, the
self-service steps the user already tried, what to attach, what is still missing, and a
privacy reminder. Every text is in the session's language, except the email subject, which
is bilingual.

The case reference is made from the session itself (`case_reference`): the same finished
session always gives the same reference, so a retried request mints no second case. An
external ticket id passed as `case_id` is used instead, and labelled as the ticket id.

Routing (channel, hours, priority) is `packet.routing`'s; the records are `packet.model`'s.

Contact details come only from the configuration; with none configured the packet tells the
user to use the contacts shown in the official OKPAY app or website. Every text in the packet
is a session's value, redacted when it entered the session (`session.values`, and checked so
when a saved session is read back), or no user's data at all (the tree's, the
configuration's and our own words), so the records are made with `model.made_clean` and no
text is redacted again, here or when it is rendered. The case reference is not user data,
and is kept verbatim in the subject lines around it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from okpay_triage.config import Config
from okpay_triage.errors import PacketError
from okpay_triage.types import Lang
from okpay_triage.wording import say

from .model import (
    CASE_ID_PATTERN,
    MissingFact,
    PacketAnswer,
    PacketFact,
    PacketOutcome,
    PacketStatement,
    TreeInfo,
    TriedStep,
    made_clean,
)
from .pieces import readable_time
from .render import EscalationPacket
from .routing import PRIORITY, next_opening, opening_words, route, within_hours, working_hours_text

if TYPE_CHECKING:
    from okpay_triage.session.engine import Session, TranscriptEntry
    from okpay_triage.tree.plan import CompiledTree

__all__ = ["ACCOUNT_FACTS", "build_packet", "case_reference"]

#: Fact ids that name the account today; any fact of type ``account`` does too.
ACCOUNT_FACTS: tuple[str, ...] = ("account", "account_email", "registered_phone")
_ACCOUNT_TYPES: tuple[str, ...] = ("account",)
#: Fact types that are personal data whether or not the tree marks them sensitive.
_PERSONAL_TYPES: tuple[str, ...] = ("account", "email", "phone")
_CONTACT_LOG = ("contact_log", "contact_history")
_REQUESTED = "requested_response"


def case_reference(session: Session, config: Config | None = None) -> str:
    """The reference this tool gives a finished session, such as ``OKP-7F3A9C2B41``.

    Derived from the session's saved identity (tree id, version and hash, language, the
    facts given up front and every answer), so the same session always gets the same
    reference, whenever and however often its packet is built, and different answers a
    different one. It carries no date: a retry the next day must give the same reference.

    With `Config.reference_key` set it is a keyed hash (HMAC-SHA256) of the whole identity:
    without the key no one can tell which account it was made for. Without a key it is a
    plain hash of the identity with every value kept whole (an account, a transaction id)
    in its masked form, so that it tells no more than the masked packet shows: a reference
    of a plain hash over the whole phone number would let anyone who knows the answers try
    phone numbers until one gives it.
    """
    config = config or Config()
    state = json.loads(session.to_json())
    key = config.reference_key
    if key is None:
        state = _masked_identity(state, session.plan)
    identity = json.dumps(state, sort_keys=True, ensure_ascii=False).encode("utf-8")
    if key is None:
        digest = hashlib.sha256(identity).hexdigest()
    else:
        digest = hmac.new(key.get_secret_value().encode("utf-8"), identity, "sha256").hexdigest()
    return f"{config.case_prefix}-{digest[:10].upper()}"


def _masked_identity(state: dict[str, Any], plan: CompiledTree) -> dict[str, Any]:
    """A saved session's state with each value kept whole replaced by its shown form."""
    from okpay_triage.session.values import shown_value

    def shown(fact_id: str | None, value: object) -> object:
        spec = plan.facts.get(fact_id) if fact_id else None
        return shown_value(spec, value) if spec and isinstance(value, str) else value

    state = dict(state)
    context = state.get("context")
    if isinstance(context, dict):
        state["context"] = {key: shown(key, value) for key, value in context.items()}
    answers = state.get("answers")
    if isinstance(answers, list):
        state["answers"] = [
            {**entry, "answer": shown(plan.steps[entry["node"]].fact, entry.get("answer"))}
            if isinstance(entry, dict) and entry.get("node") in plan.steps
            else entry
            for entry in answers
        ]
    return state


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
        case_id: an external ticket id (``ZD-12345``, ``12345``: a letter or digit, then up
            to 63 letters, digits and ``. _ : -``), labelled as the ticket id; default: the
            reference this tool derives from the session (`case_reference`).

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
    case_kind = "ticket"
    if case_id is None:
        case_id, case_kind = case_reference(session, config), "reference"
    elif not re.match(CASE_ID_PATTERN, case_id):
        raise PacketError(
            "case_id must be a ticket id such as ZD-12345 or 12345 (a letter or digit, then "
            f"up to 63 letters, digits or . _ : -), not {case_id!r}"
        )

    plan = session.plan
    pick = 1 if lang == "zh" else 0
    spec = plan.steps[outcome.id].outcome
    assert spec is not None  # the session is at an outcome
    priority = PRIORITY[outcome.escalate][outcome.severity]
    # The cause as support reads it (third person) where the tree gives one; the user's
    # wording ("you ...") otherwise.
    cause = spec.packet[pick] if spec.packet else outcome.cause
    in_hours = within_hours(created, config)
    opening = None if in_hours else next_opening(created, config)
    chosen = route(
        config,
        lang,
        priority=priority,
        escalate=outcome.escalate,
        complaint=spec.complaint or config.is_complaint(plan.id, outcome.id),
        in_hours=in_hours,
        opening=opening_words(opening, created, lang) if opening else "",
        preferred=spec.channel,
    )

    transcript = session.transcript
    facts = _facts(session, config)
    key_facts = tuple(f for f in facts if f.id not in (*_CONTACT_LOG, _REQUESTED))

    tx = next((f.shown for f in facts if f.type == "transaction_id"), None)
    # The transaction's amount only: a balance or a fee is not "the amount" of the case.
    amount = next((f.shown for f in facts if f.type == "money" and "amount" in f.id), None)
    known = [f"{say('label.subject-tx', lang)} {tx}"] if tx else []
    known += [amount] if amount else []
    known_both = [v for v in (tx, amount) if v]

    level = "record" if outcome.escalate == "no" else priority
    tag = say(f"packet.tag.{level}", lang)
    subject = " · ".join([f"[{tag}] {outcome.title}", *known]) + f" – {case_id}"
    tag_both = f"{say(f'packet.tag.{level}', 'zh')} {say(f'packet.tag.{level}', 'en')}"
    titles = f"[{tag_both}] {spec.title[1]} / {spec.title[0]}"
    # ASCII between the parts: the standard library's header folding can drop the space
    # beside a non-ASCII separator where it folds the line.
    email_subject = ", ".join([titles, *known_both]) + f" – {case_id}"
    summary = say(
        f"packet.summary.{outcome.escalate}",
        lang,
        title=outcome.title.strip().rstrip("。."),
        cause=_sentence(cause, lang),
    )

    said = _phrasings(plan, pick)
    answers = tuple(
        made_clean(
            PacketAnswer,
            node_id=entry.node_id,
            question=entry.prompt,
            answer=None if entry.answer is None else _shown_answer(plan, entry, config, lang),
            source=entry.source,
            fact=plan.steps[entry.node_id].fact,
        )
        for entry in transcript
    )
    statements = tuple(
        made_clean(
            PacketStatement,
            node_id=entry.node_id,
            text=said[(entry.node_id, entry.answer)],
            source=entry.source,
        )
        for entry in transcript
        if (entry.node_id, entry.answer) in said and plan.steps[entry.node_id].fact is None
    )
    tried = tuple(
        made_clean(
            TriedStep,
            node_id=entry.node_id,
            instructions=tuple(line[pick] for line in plan.steps[entry.node_id].info),
            question=entry.prompt,
            result=entry.shown,
            statement=said.get((entry.node_id, entry.answer)),
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
        case_kind=case_kind,
        created_at=created,
        timezone=config.timezone,
        lang=lang,
        tree=made_clean(
            TreeInfo,
            id=plan.id,
            version=plan.version,
            hash=plan.hash,
            title=plan.title[pick],
            replayed_from=session.replayed_from.version if session.replayed_from else None,
        ),
        outcome=made_clean(
            PacketOutcome,
            id=outcome.id,
            title=outcome.title,
            cause=cause,
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
        facts=key_facts,
        statements=statements,
        contact_log=tuple(f for f in facts if f.id in _CONTACT_LOG),
        requested_response=next((f for f in facts if f.id == _REQUESTED), None),
        transcript=answers,
        steps_tried=tried,
        attachments=tuple(outcome.attachments),
        missing_facts=tuple(
            made_clean(MissingFact, id=key, label=session.fact_label(key))
            for key in session.missing_facts
        ),
        privacy_reminder=say("packet.privacy", lang),
    )


def _facts(session: Session, config: Config) -> list[PacketFact]:
    """The collected facts, the account identifier first, then in the order collected."""
    plan = session.plan
    pick = 1 if session.lang == "zh" else 0
    by_user = {plan.steps[e.node_id].fact for e in session.transcript if e.source == "user"}
    # A choice is shown in support's words where the option has them, else by its label:
    # those of the question that set it (two questions may bind one fact with the same
    # option id in different words), the last one answered, as the fact's value is.
    option_labels: dict[tuple[str | None, str | None], str] = {}
    for entry in session.transcript:
        step = plan.steps[entry.node_id]
        if step.kind == "question" and step.fact:
            for (oid, label), phrasing in zip(
                step.options, step.phrasings or (None,) * len(step.options), strict=True
            ):
                option_labels[(step.fact, oid)] = (phrasing or label)[pick]
    facts = []
    for key, value in session.facts.items():
        spec = plan.facts.get(key)
        kind = spec.type if spec else "text"
        account = key in ACCOUNT_FACTS or kind in _ACCOUNT_TYPES
        shown = option_labels.get((key, value), value)
        if kind == "datetime":
            shown = readable_time(value, config.timezone, session.lang)
        elif kind == "money" and value.startswith("~"):  # about an amount, as the user said
            shown = say("packet.time.about", session.lang, time=value[1:])
        facts.append(
            made_clean(
                PacketFact,
                id=key,
                label=session.fact_label(key),
                value=value,
                shown=shown,
                source="user" if key in by_user else "context",
                type=kind,
                sensitive=bool(spec and spec.sensitive) or account or kind in _PERSONAL_TYPES,
            )
        )
    first = [f for f in facts if f.id in ACCOUNT_FACTS or f.type in _ACCOUNT_TYPES]
    return first + [f for f in facts if f not in first]


def _phrasings(plan: CompiledTree, pick: int) -> dict[tuple[str, str | None], str]:
    """(question id, option id) to what that answer tells support, where the tree says."""
    return {
        (step.id, oid): phrasing[pick]
        for step in plan.steps.values()
        for (oid, _), phrasing in zip(step.options, step.phrasings, strict=False)
        if phrasing is not None
    }


def _shown_answer(plan: CompiledTree, entry: TranscriptEntry, config: Config, lang: str) -> str:
    """An answer as the transcript shows it: a time readably in the configured zone."""
    step = plan.steps[entry.node_id]
    fact = plan.facts.get(step.fact) if step.fact else None
    if step.kind == "input" and fact is not None and fact.type == "datetime":
        return readable_time(entry.shown, config.timezone, lang)
    return entry.shown


def _sentence(line: str, lang: str) -> str:
    line = line.strip()
    if line.endswith(("。", ".", "!", "?", "！", "？")):
        return line
    return line + ("。" if lang == "zh" else ".")
