"""Escalation packets: building, routing by working hours, and every outcome of every tree.

The helpers here (`OUTCOMES`, `drive`, `SAMPLES`) are shared with test_render.py and
test_cli_packet.py. `drive` reaches an outcome by a breadth-first search over the compiled
tree, so the answers are the same on every run.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from collections import deque
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from stdnum import luhn

from okpay_triage import (
    Config,
    EscalationPacket,
    PacketError,
    Session,
    TriageError,
    build_packet,
    bundled_tree_ids,
    load_tree,
)
from okpay_triage.packet.build import ACCOUNT_FACTS, case_reference
from okpay_triage.packet.model import scrub
from okpay_triage.packet.render import escape_markdown
from okpay_triage.packet.routing import PRIORITY, next_opening, within_hours
from okpay_triage.redaction import redact
from okpay_triage.tree.plan import CompiledTree, compile_tree

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Monday 24 November 2025, 10:30 in Shanghai: within working hours.
WEEKDAY = datetime(2025, 11, 24, 10, 30, tzinfo=SHANGHAI)
#: Saturday 22 November 2025, 23:30 in Shanghai: outside; support opens Monday 09:00.
SATURDAY_NIGHT = datetime(2025, 11, 22, 23, 30, tzinfo=SHANGHAI)
MONDAY_OPENING = datetime(2025, 11, 24, 9, 0, tzinfo=SHANGHAI)
CASE = "OKP-20251124-7F3A9C"
#: A test tree whose escalation is normal priority and names no channel (routing by priority).
ACCOUNT_TREE = str(Path(__file__).parent / "data" / "good" / "account.yaml")

#: A valid answer for an input step, by fact type (typed the way people type them).
SAMPLES = {
    "transaction_id": "TX20251121A7",
    "order_number": "OD55012345",
    "money": "¥1,280.50",
    "datetime": "2025-11-21 22:40",
    "email": "alice.wang+okpay@example.com",
    "account": "138 1234 5678",
    "phone": "+86 138 1234 5678",
    "text": "The app says: error E102, please try again later",
}
#: Free-text facts that read better with their own sample.
FACT_SAMPLES = {
    "device_browser": "iPhone 15, OKPAY app",
    "activity_description": "A login alert from an unknown device at 23:40",
    "suspicious_activity": "Two payments of 500 CNY at 02:10 that I did not make",
    "merchant": "Bright Mall online shop",
    "recipient_entered": "Wang Fang, account ending 4321",
    "recipient": "Zhang Wei, account ending 4821",
    "contact_log": "Online chat on 21 Nov at 23:00, ticket ZD-4821",
    "payment_reference": "Bank transfer ref 20251121-0042",
    "second_transaction_id": "TX20251121B8",
    "expected_balance": "1780.50 CNY",
    "intended_amount": "12.85 CNY",
    "credited_amount": "1000.00 CNY",
    "fee_charged": "12.80 CNY",
    "fee_expected": "5.00 CNY",
}
#: Free text typed in a Chinese session.
ZH_SAMPLES = {
    "text": "页面提示：错误 E102，请稍后再试",
    "device_browser": "iPhone 15，OKPAY 应用",
    "activity_description": "23:40 收到陌生设备的登录提醒",
    "suspicious_activity": "凌晨 02:10 有两笔 500 元的付款不是我本人操作",
    "merchant": "明亮商城网店",
    "recipient_entered": "王芳，尾号 4321 的账户",
    "recipient": "张伟，尾号 4821 的账户",
    "contact_log": "11月21日23点联系过在线客服，工单号 ZD-4821",
    "payment_reference": "银行转账流水号 20251121-0042",
}


def named_channel(session: Session, outcome_id: str) -> str | None:
    """The channel an outcome's own advice names (`channel:`), if it names one."""
    spec = session.plan.steps[outcome_id].outcome
    return spec.channel if spec is not None else None


def sample(plan: CompiledTree, fact_id: str, lang: str = "en") -> str:
    """A valid answer for an input step collecting `fact_id`."""
    fact = plan.facts[fact_id]
    if "last4" in fact_id:
        return "6789"
    if lang == "zh" and fact.type == "text":
        return ZH_SAMPLES.get(fact_id, ZH_SAMPLES["text"])
    if fact_id in FACT_SAMPLES:
        return FACT_SAMPLES[fact_id]
    return fact.choices[0] if fact.type == "choice" else SAMPLES[fact.type]


@cache
def reachable(tree_id: str) -> dict[str, frozenset[str]]:
    """For each node of a bundled tree, the outcomes reachable from it."""
    plan = compile_tree(load_tree(tree_id))
    found: dict[str, frozenset[str]] = {}

    def visit(node: str) -> frozenset[str]:
        if node not in found:
            step = plan.steps[node]
            below = [visit(target) for target in step.nexts]
            found[node] = frozenset({node} if step.outcome else set().union(*below))
        return found[node]

    visit(plan.start)
    return found


@cache
def outcome_paths(tree_id: str) -> dict[str, tuple[str, ...]]:
    """The shortest answer list to each outcome of a bundled tree (breadth-first). The
    search answers what a session asks, so a route step takes the branch that the answers
    before it decide."""
    plan = compile_tree(load_tree(tree_id))
    found: dict[str, tuple[str, ...]] = {}
    queue: deque[tuple[Session, tuple[str, ...]]] = deque([(Session.start(plan), ())])
    while queue:
        session, answers = queue.popleft()
        if session.finished:
            assert session.outcome is not None
            found.setdefault(session.outcome.id, answers)
            continue
        step = plan.steps[session.node.id]
        if step.kind == "question":
            picks = [option for option, _ in step.options]
        else:
            assert step.fact is not None
            picks = [sample(plan, step.fact)]
        queue.extend((session.answer(pick), (*answers, pick)) for pick in picks)
    return found


OUTCOMES = [(tree, outcome) for tree in bundled_tree_ids() for outcome in outcome_paths(tree)]


def drive(
    tree_id: str,
    outcome_id: str,
    lang: str = "en",
    *,
    text: str | None = None,
    facts: dict[str, Any] | None = None,
    skip_optional: bool = False,
    values: dict[str, str] | None = None,
) -> Session:
    """A session of `tree_id` at `outcome_id`: each question takes the first option from
    which the outcome can be reached (the next one, if a route step then leads elsewhere),
    each input a valid sample (`text` for free text, `values[fact]` for that fact)."""
    plan = compile_tree(load_tree(tree_id))
    reach = reachable(tree_id)

    def value(step_fact: str, optional: bool) -> str:
        if skip_optional and optional:
            return "skip"
        answer = sample(plan, step_fact, lang)
        if text is not None and plan.facts[step_fact].type == "text":
            answer = text
        if values and step_fact in values:
            answer = values[step_fact]
        return answer

    def walk(session: Session) -> Session | None:
        # A route step decides on answers given before it, so an option that can reach the
        # outcome may still lead elsewhere: try the options in order, go back on a miss.
        if session.finished:
            assert session.outcome is not None
            return session if session.outcome.id == outcome_id else None
        step = plan.steps[session.node.id]
        if step.kind != "question":
            assert step.fact is not None
            return walk(session.answer(value(step.fact, step.optional)))
        for (option, _), target in zip(step.options, step.nexts, strict=True):
            if outcome_id in reach[target] and (done := walk(session.answer(option))):
                return done
        return None

    found = walk(Session.start(load_tree(tree_id), lang=lang, facts=facts))
    assert found is not None, f"no walk reaches {outcome_id}"
    return found


def renderings(packet: EscalationPacket) -> dict[str, str]:
    """Every rendering as text (the email's body decoded)."""
    message = email.message_from_bytes(packet.to_email().as_bytes(), policy=email.policy.default)
    body = message.get_body(("plain",))
    assert body is not None
    return {
        "markdown": packet.to_markdown(),
        "text": packet.to_text(),
        "json": packet.model_dump_json(),
        "email": str(body.get_content()),
    }


def shown_in(value: str, kind: str) -> str:
    """How a (safe) value appears in one rendering."""
    if kind == "markdown":
        return escape_markdown(value)
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)[1:-1]
    return value


# --------------------------------------------------------------------------- every outcome


@pytest.mark.parametrize("now", [WEEKDAY, SATURDAY_NIGHT], ids=["weekday", "saturday-night"])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("tree_id", "outcome_id"), OUTCOMES)
def test_every_outcome_packet(tree_id: str, outcome_id: str, lang: str, now: datetime) -> None:
    """Every outcome of every bundled tree, in both languages, at a working-hours time and on
    a Saturday night: facts, missing facts and priority in all four renderings, sensible
    routing, and an email that parses back with the same subject and no injected header."""
    session = drive(tree_id, outcome_id, lang)
    packet = build_packet(session, now=now, case_id=CASE)
    outcome = session.outcome
    assert outcome is not None
    assert packet.outcome.id == outcome_id
    assert packet.lang == lang
    assert packet.tree.id == tree_id
    assert packet.tree.hash == session.plan.hash

    # Every collected fact in every rendering, the account identifier first; required but
    # missing ones listed.
    ids = [fact.id for fact in packet.facts]
    # The contact log and the request have their own sections, outside the key facts.
    own = [*packet.contact_log, *filter(None, [packet.requested_response])]
    assert sorted(ids + [fact.id for fact in own]) == sorted(session.facts)
    accounts = [i for i in ids if i in ACCOUNT_FACTS]
    assert ids[: len(accounts)] == accounts
    rendered = renderings(packet)
    for kind, body in rendered.items():
        for fact in (*packet.facts, *own):
            assert shown_in(fact.shown, kind) in body, (kind, fact)
            if fact in packet.facts:
                assert shown_in(fact.label, kind) in body, (kind, fact)
        for missing in session.missing_facts:
            assert shown_in(session.fact_label(missing), kind) in body, (kind, missing)
        assert CASE in body
    assert [m.id for m in packet.missing_facts] == session.missing_facts
    for fact in packet.facts:
        if fact.id.endswith("email"):
            assert "alice.wang" not in fact.value  # masked

    # Priority and channel.
    assert packet.priority == PRIORITY[outcome.escalate][outcome.severity]
    if outcome.escalate == "no":
        assert packet.channel.channel == "self_help"
        assert not packet.contact_needed
        assert packet.alternatives == ()
    elif outcome.escalate == "urgent":
        assert packet.priority == "urgent"
        assert packet.channel.channel == "chat"  # at any hour
        assert packet.written_record is not None
        assert packet.written_record.channel == "email"
    elif now == SATURDAY_NIGHT:
        assert packet.channel.channel in ("email", "in_app")
        assert packet.next_working_day == MONDAY_OPENING
        assert "24 November 2025" in packet.channel.response_time or "2025年11月24日" in (
            packet.channel.response_time
        )
    elif named_channel(session, outcome_id):  # the advice names it, in hours
        assert packet.channel.channel == named_channel(session, outcome_id)
    elif packet.priority == "high" and not Config().is_complaint(tree_id, outcome_id):
        assert packet.channel.channel == "chat"
    else:
        assert packet.channel.channel in ("email", "in_app")
    assert packet.within_working_hours == (now == WEEKDAY)
    assert (packet.next_working_day is None) == (now == WEEKDAY)
    # No contact is invented: none is configured by default.
    for advice in (packet.channel, packet.written_record, *packet.alternatives):
        assert advice is None or advice.contact is None
    assert packet.email_to is None

    # The email: bilingual subject, no To, nothing smuggled into the headers.
    message = email.message_from_bytes(packet.to_email().as_bytes(), policy=email.policy.default)
    assert message["Subject"] == packet.email_subject
    assert set(message.keys()) == {
        "Subject",
        "Date",
        "X-OKPAY-Case",
        "X-OKPAY-Priority",
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
        "Content-Language",
    }
    plan = session.plan
    spec = plan.steps[outcome_id].outcome
    assert spec is not None
    assert spec.title[0] in packet.email_subject
    assert spec.title[1] in packet.email_subject
    # Read back from JSON, a packet is the same: the account, kept whole for support,
    # survives the read, everything else was already scrubbed.
    assert EscalationPacket.model_validate_json(rendered["json"]) == packet


# --------------------------------------------------------------------------- building


def test_unfinished_session_is_refused() -> None:
    """A session without an outcome has no packet: a clear PacketError (a TriageError)."""
    session = Session.start(load_tree("login-failure"))
    with pytest.raises(PacketError, match="not reached a result") as caught:
        build_packet(session, now=WEEKDAY)
    assert isinstance(caught.value, TriageError)
    assert isinstance(caught.value, ValueError)


def test_unfinished_session_message_in_chinese() -> None:
    """The message is in the session language."""
    session = Session.start(load_tree("login-failure"), lang="zh")
    with pytest.raises(PacketError, match="尚未得出结果"):
        build_packet(session, now=WEEKDAY)


def test_naive_now_is_refused() -> None:
    """`now` without a time zone cannot be placed in working hours."""
    session = drive("login-failure", "o_reset_done")
    with pytest.raises(PacketError, match="aware"):
        build_packet(session, now=datetime(2025, 11, 24, 10, 30))


@pytest.mark.parametrize(
    "case_id",
    ["", "-12345", "ZD 12345", "工单12345", "Z" * 65, "OKP-20251124-7F3A9C\r\nBcc: x"],
)
def test_bad_case_id_is_refused(case_id: str) -> None:
    """An external ticket id must have the documented form (it goes into the subject)."""
    with pytest.raises(PacketError, match="case_id"):
        build_packet(drive("login-failure", "o_reset_done"), now=WEEKDAY, case_id=case_id)


def test_case_reference_is_derived_from_the_session() -> None:
    """Without `case_id`: OKP-<10 hex digits> made from the session, the same whenever the
    packet is built (a retried request the next day mints no second case), also for the
    session read back from its JSON; different answers give a different reference."""
    session = drive("login-failure", "o_reset_done")
    late = datetime(2025, 11, 23, 17, 0, tzinfo=UTC)
    refs = {
        build_packet(session, now=late).case_id,
        build_packet(session, now=late + timedelta(days=1)).case_id,
        build_packet(Session.from_json(session.to_json()), now=WEEKDAY).case_id,
        case_reference(session),
    }
    assert len(refs) == 1
    (ref,) = refs
    assert re.fullmatch(r"OKP-[0-9A-F]{10}", ref)
    assert build_packet(session, now=WEEKDAY).case_kind == "reference"
    others = {
        case_reference(drive("login-failure", outcome))
        for outcome in ("o_reset_done", "o_still_cannot_log_in")
    }
    assert len(others) == 2
    assert case_reference(drive("login-failure", "o_reset_done", "zh")) != ref


def test_case_reference_is_said_to_be_made_by_this_tool() -> None:
    """The reference is labelled as made by this tool, not as an OKPAY case or ticket."""
    en = build_packet(drive("login-failure", "o_still_cannot_log_in"), now=WEEKDAY)
    zh = build_packet(drive("login-failure", "o_still_cannot_log_in", "zh"), now=WEEKDAY)
    assert f"Reference (made by this tool): {en.case_id}" in en.to_text()
    assert f"参考编号（由本工具生成）：{zh.case_id}" in zh.to_text()
    assert "案件" not in zh.to_text() + zh.to_markdown()


@pytest.mark.parametrize("ticket", ["ZD-12345", "12345", "jira:SUP-77", "INC0012345.1"])
def test_external_ticket_ids_are_accepted(ticket: str) -> None:
    """A ticketing system's id is used as it is and labelled as the ticket id."""
    for lang, label in (("en", "Ticket ID: "), ("zh", "工单编号：")):
        session = drive("login-failure", "o_still_cannot_log_in", lang)
        packet = build_packet(session, now=WEEKDAY, case_id=ticket)
        assert packet.case_id == ticket
        assert packet.case_kind == "ticket"
        assert packet.subject.endswith(f"– {ticket}")
        assert f"{label}{ticket}" in packet.to_text()
        assert "made by this tool" not in packet.to_text()
        assert EscalationPacket.model_validate_json(packet.to_json()) == packet


def test_case_prefix_is_configurable() -> None:
    """The prefix comes from the configuration."""
    packet = build_packet(
        drive("login-failure", "o_reset_done"), now=WEEKDAY, config=Config(case_prefix="ACME")
    )
    assert re.fullmatch(r"ACME-[0-9A-F]{10}", packet.case_id)


def test_created_at_is_now_in_the_configured_zone() -> None:
    """A UTC `now` is kept as the same instant, shown in Asia/Shanghai."""
    now = datetime(2025, 11, 24, 2, 30, tzinfo=UTC)
    packet = build_packet(drive("login-failure", "o_reset_done"), now=now, case_id=CASE)
    assert packet.created_at == now
    assert packet.created_at.utcoffset() == timedelta(hours=8)
    assert "2025-11-24 10:30 (Asia/Shanghai, UTC+08:00)" in packet.to_text()


def test_default_now_is_the_current_time() -> None:
    """Without `now`, the packet is dated now."""
    before = datetime.now(UTC)
    packet = build_packet(drive("login-failure", "o_reset_done"))
    assert before <= packet.created_at <= datetime.now(UTC)


def test_packet_is_frozen_and_round_trips() -> None:
    """The packet is immutable and survives JSON exactly."""
    packet = build_packet(drive("fee-dispute", "o_fee_against_policy"), now=WEEKDAY, case_id=CASE)
    with pytest.raises(ValidationError):
        packet.priority = "low"  # type: ignore[misc]
    assert EscalationPacket.model_validate_json(packet.model_dump_json()) == packet
    data = json.loads(packet.model_dump_json())
    assert data["format"] == "okpay-triage/packet"
    assert data["created_at"] == "2025-11-24T10:30:00+08:00"


def test_facts_given_up_front_are_marked() -> None:
    """A fact passed to Session.start is listed with source "context" and marked as such."""
    session = drive("login-failure", "o_possible_takeover", facts={"account": "bob@example.com"})
    packet = build_packet(session, now=WEEKDAY, case_id=CASE)
    email_fact = next(f for f in packet.facts if f.id == "account")
    assert email_fact.source == "context"
    assert email_fact.value == "bob@example.com"  # the identifier, whole for support
    assert "Registered mobile number or email (given up front)" in packet.to_text()
    assert any(entry.source == "context" for entry in packet.transcript)


def test_steps_already_tried_come_from_answered_self_service_steps() -> None:
    """A question showing steps to try (info lines), answered by the user, is a step tried,
    with the instructions and the answer; a question bound to a fact is not."""
    session = drive("account-security", "o_lock_unresolved")
    packet = build_packet(session, now=WEEKDAY, case_id=CASE)
    assert [s.node_id for s in packet.steps_tried] == ["q_lock_recover"]
    tried = packet.steps_tried[0]
    assert tried.result == "No, it is still locked"
    assert len(tried.instructions) == 3
    assert tried.instructions[0].startswith("1. On the login screen")
    assert "q_concern" not in {s.node_id for s in packet.steps_tried}  # info, but a fact
    text = packet.to_text()
    assert "Did these steps get you back into your account?" in text
    assert "Result: No, it is still locked" in text


def test_skipped_optional_input_is_missing() -> None:
    """An optional input the user skips is listed as missing, and shown as skipped."""
    session = drive("failed-transaction", "o_failed_but_charged", skip_optional=True)
    packet = build_packet(session, now=WEEKDAY, case_id=CASE)
    assert packet.missing_facts, "the tree has an optional input on this path"
    assert any(entry.answer is None for entry in packet.transcript)
    for missing in packet.missing_facts:
        assert f"- {missing.label}" in packet.to_text()
    assert "(skipped)" in packet.to_text()


def test_no_contact_outcome_says_so() -> None:
    """An outcome that needs no support still has a packet, whose channel is self-help."""
    packet = build_packet(drive("login-failure", "o_reset_done"), now=WEEKDAY, case_id=CASE)
    assert packet.priority == "low"
    assert packet.channel.channel == "self_help"
    assert packet.written_record is None
    assert packet.subject.startswith("[FOR RECORD] ")
    assert "No contact needed: Self-help" in packet.to_text()


def test_privacy_reminder_in_every_rendering() -> None:
    """Never password, codes or a full ID number: said in every language and rendering."""
    for lang, words in (("en", "verification code"), ("zh", "验证码")):
        packet = build_packet(
            drive("login-failure", "o_lock_unresolved", lang), now=WEEKDAY, case_id=CASE
        )
        for body in renderings(packet).values():
            assert words in body
            assert ("ID-card" if lang == "en" else "身份证") in body


def test_secret_in_an_answer_never_reaches_the_packet() -> None:
    """A password typed into a free-text answer is dropped before it is kept, and a card
    number masked; the packet, which redacts again, has neither."""
    text = "password: hunter2!! card 6222 0202 0000 1234 567 and 4111 1111 1111 1111"
    session = drive("failed-transaction", "o_failed_but_charged", text=text)
    packet = build_packet(session, now=WEEKDAY, case_id=CASE)
    for body in (*renderings(packet).values(), packet.to_email().as_string()):
        assert "hunter2" not in body
        assert "4111 1111 1111 1111" not in body
        assert "4111111111111111" not in body
    assert "****1111" in packet.to_text()


def test_packet_fields_are_redacted_even_when_built_directly() -> None:
    """Defence in depth: a packet made by hand (or from JSON) is scrubbed too."""
    packet = build_packet(drive("login-failure", "o_reset_done"), now=WEEKDAY, case_id=CASE)
    data = json.loads(packet.model_dump_json())
    data["summary"] = "call 13812345678, card 4111 1111 1111 1111, 验证码 483920\x00\ud800"
    rebuilt = EscalationPacket.model_validate(data)
    assert "13812345678" not in rebuilt.summary
    assert "138****5678" in rebuilt.summary
    assert "****1111" in rebuilt.summary
    assert "483920" not in rebuilt.summary
    assert "\x00" not in rebuilt.summary
    assert "\ufffd" in rebuilt.summary  # the lone surrogate, replaced
    rebuilt.model_dump_json()  # always valid JSON


def test_a_built_packet_is_not_redacted_again(redaction_passes: list[str]) -> None:
    """Redaction runs once per value, as it enters the session: building a packet and
    rendering it make no redaction pass (while one built by hand is scrubbed, above)."""
    text = "password: hunter2!! card 4111 1111 1111 1111"
    session = drive("failed-transaction", "o_failed_but_charged", text=text)
    redaction_passes.clear()
    packet = build_packet(session, now=WEEKDAY, case_id=CASE)
    renderings(packet)
    packet.to_email().as_bytes()
    assert redaction_passes == []
    assert "card ****1111" in packet.to_text()


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        "邮箱 alice@example.com 卡号 6222020200001234567",
        "x" * 6000,
        "password: abc123 and +86 138 1234 5678",
    ],
)
def test_scrub_is_idempotent(text: str) -> None:
    """Scrubbing twice changes nothing."""
    once = scrub(text)
    assert scrub(once) == once
    assert len(once) <= 5000


def test_tree_text_survives_redaction() -> None:
    """No sentence of a bundled tree is changed by the packet's redaction pass (a full-width
    comma after 密码 was once taken for a password)."""
    for tree_id in bundled_tree_ids():
        plan = compile_tree(load_tree(tree_id))
        for step in plan.steps.values():
            texts = [step.prompt, *step.info, *(label for _, label in step.options)]
            if step.outcome:
                texts += [step.outcome.title, step.outcome.cause, *step.outcome.steps]
            for pair in texts:
                for line in pair:
                    assert scrub(line) == line, (tree_id, step.id, line)


# --------------------------------------------------------------------------- numbers kept

#: Case ids whose digits redaction reads as personal data: the reviewed one (13 digits that
#: pass the Luhn check, as about one random case id in ten does), one whose configured prefix
#: makes 16 Luhn-valid digits starting with a Visa 4, and one holding a mobile number.
NUMBER_LIKE_CASE_IDS = ["OKP-20261122-32072D", "A411-20261122-10002D", "X138-20261122-7F3A9C"]


def test_number_like_case_ids_do_look_like_numbers() -> None:
    """The case ids above really are the kind that were garbled: their digits are masked
    once they stand apart from the letter (glued to it, they are an identifier token)."""
    assert luhn.is_valid("2026112232072")
    assert luhn.is_valid("4112026112210002")
    assert redact("A 411-20261122-10002D") == "A ****0002D"
    assert redact("X 138-20261122-7F3A9C") == "X 138****1122-7F3A9C"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case_id", NUMBER_LIKE_CASE_IDS)
def test_case_id_is_verbatim_everywhere(case_id: str, lang: str) -> None:
    """The case id is system-generated, not user text: the subject lines, every rendering and
    the email headers show it as written, however its digits look, while a card typed by
    the user in the same packet is still masked."""
    text = "card 4111 1111 1111 1111 was charged"
    session = drive("failed-transaction", "o_failed_but_charged", lang, text=text)
    packet = build_packet(session, now=WEEKDAY, case_id=case_id)
    assert packet.case_id == case_id
    assert packet.subject.endswith(f"– {case_id}")
    assert packet.email_subject.endswith(f"– {case_id}")
    for kind, body in renderings(packet).items():
        assert shown_in(packet.subject, kind) in body, kind
        assert "4111 1111 1111 1111" not in body
        assert shown_in("card ****1111 was charged", kind) in body, kind
    assert packet.to_markdown().splitlines()[0] == f"# {escape_markdown(packet.subject)}"
    assert packet.to_text().splitlines()[0] == packet.subject
    assert f'"case_id": "{case_id}"' in packet.to_json()
    message = email.message_from_bytes(packet.to_email().as_bytes(), policy=email.policy.default)
    assert message["Subject"] == packet.email_subject
    assert message["X-OKPAY-Case"] == case_id
    assert EscalationPacket.model_validate_json(packet.model_dump_json()) == packet


def test_subject_read_back_keeps_the_case_id_and_masks_the_rest() -> None:
    """A packet read back from JSON keeps its case id in the subjects, and the rest of a
    subject is redacted as any text is."""
    case_id = "A411-20261122-10002D"
    packet = build_packet(drive("login-failure", "o_reset_done"), now=WEEKDAY, case_id=case_id)
    data = json.loads(packet.model_dump_json())
    data["subject"] = f"card 4111111111111111 – {case_id}"
    data["email_subject"] = f"密码 abc123 – {case_id}，手机 13812345678"
    rebuilt = EscalationPacket.model_validate(data)
    assert rebuilt.subject == f"card ****1111 – {case_id}"
    assert rebuilt.email_subject == f"密码 [removed] – {case_id}，手机 138****5678"
    assert rebuilt.to_text().splitlines()[0] == rebuilt.subject
    assert rebuilt.to_email()["Subject"] == rebuilt.email_subject


#: An order number and a transaction id that pass the Luhn check (one number in ten does)
#: but start where no payment card starts.
ORDER = "20261121000123"
TRANSACTION = "2026112212345678907"


@pytest.mark.parametrize("up_front", [False, True], ids=["typed", "given-up-front"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_luhn_valid_order_number_and_transaction_id_are_kept(lang: str, up_front: bool) -> None:
    """Typed or given up front, and in free text, such numbers are kept whole in the
    session, the packet's facts and transcript, and every rendering; a real card typed
    alongside is still masked."""
    assert luhn.is_valid(ORDER)
    assert luhn.is_valid(TRANSACTION)
    ids = {"order_number": ORDER, "transaction_id": TRANSACTION}
    note = f"order {ORDER}, transaction {TRANSACTION}, card 4111 1111 1111 1111"
    session = drive(
        "failed-transaction",
        "o_failed_but_charged",
        lang,
        text=note,
        facts=ids if up_front else None,
        values=None if up_front else ids,
    )
    assert session.facts["order_number"] == ORDER
    assert session.facts["transaction_id"] == TRANSACTION
    kept_note = f"order {ORDER}, transaction {TRANSACTION}, card ****1111"
    assert session.facts["error_message"] == kept_note
    packet = build_packet(session, now=WEEKDAY, case_id=CASE)
    facts = {fact.id: fact for fact in packet.facts}
    for fact_id, value in (*ids.items(), ("error_message", kept_note)):
        assert facts[fact_id].value == facts[fact_id].shown == value
    assert kept_note in [entry.answer for entry in packet.transcript]
    if not up_front:
        answers = [entry.answer for entry in packet.transcript]
        assert ORDER in answers
        assert TRANSACTION in answers
    for kind, body in renderings(packet).items():
        assert shown_in(kept_note, kind) in body, kind
        for number in (ORDER, TRANSACTION):
            assert body.count(number) >= 2, (kind, number)  # the fact and the free text
            assert f"****{number[-4:]}" not in body, (kind, number)
        assert "4111 1111 1111 1111" not in body


# --------------------------------------------------------------------------- working hours


def at(day: date, hour: int, minute: int = 0, zone: Any = SHANGHAI) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


MON, FRI, SAT, SUN = date(2025, 11, 24), date(2025, 11, 28), date(2025, 11, 29), date(2025, 11, 30)
NEXT_MON = date(2025, 12, 1)


@pytest.mark.parametrize(
    ("moment", "inside", "opening"),
    [
        (at(MON, 8, 59), False, at(MON, 9)),
        (at(MON, 9, 0), True, None),
        (at(MON, 17, 59), True, None),
        (at(MON, 18, 0), False, at(date(2025, 11, 25), 9)),
        (at(FRI, 18, 0), False, at(NEXT_MON, 9)),
        (at(SAT, 10, 0), False, at(NEXT_MON, 9)),
        (at(SUN, 23, 59), False, at(NEXT_MON, 9)),
        (at(SUN, 3, 0), False, at(NEXT_MON, 9)),
        # 01:30 UTC on Monday is 09:30 in Shanghai.
        (datetime(2025, 11, 24, 1, 30, tzinfo=UTC), True, None),
        # 10:00 UTC on Friday is 18:00 in Shanghai.
        (datetime(2025, 11, 28, 10, 0, tzinfo=UTC), False, at(NEXT_MON, 9)),
        # 09:00 on Monday in New York is 22:00 in Shanghai.
        (at(MON, 9, 0, ZoneInfo("America/New_York")), False, at(date(2025, 11, 25), 9)),
    ],
)
def test_working_hours(moment: datetime, inside: bool, opening: datetime | None) -> None:
    """Monday-Friday 09:00-18:00 Asia/Shanghai by default; 18:00 is outside; the next
    opening skips the weekend; `now` in any zone is converted first."""
    config = Config()
    assert within_hours(moment, config) is inside
    if opening is not None:
        found = next_opening(moment, config)
        assert found == opening
        assert found.tzinfo is not None
        assert found.utcoffset() == timedelta(hours=8)


def test_holidays_are_skipped() -> None:
    """A configured holiday has no hours, and the next opening skips it (and a weekend)."""
    config = Config(holidays=(date(2025, 12, 1), date(2025, 12, 2)))
    assert not within_hours(at(NEXT_MON, 10), config)
    assert next_opening(at(FRI, 18), config) == at(date(2025, 12, 3), 9)
    assert next_opening(at(NEXT_MON, 10), config) == at(date(2025, 12, 3), 9)


def test_other_time_zone_and_days() -> None:
    """Hours are read in the configured zone; working days are configurable."""
    config = Config(timezone="Europe/London", working_days=("sun", "mon"))
    assert within_hours(datetime(2025, 11, 30, 9, 0, tzinfo=UTC), config)  # Sunday, London
    assert next_opening(datetime(2025, 11, 24, 18, 0, tzinfo=UTC), config) == datetime(
        2025, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/London")
    )


# --------------------------------------------------------------------------- routing


def route(tree: str, outcome: str, now: datetime, config: Config | None = None) -> EscalationPacket:
    return build_packet(drive(tree, outcome), now=now, config=config, case_id=CASE)


@pytest.mark.parametrize(
    ("tree", "outcome", "now", "channel", "record"),
    [
        # Urgent: the fastest live channel plus a written record, at any hour.
        ("account-security", "o_unauthorised_activity", WEEKDAY, "chat", "email"),
        ("account-security", "o_unauthorised_activity", at(SUN, 3), "chat", "email"),
        ("failed-transaction", "o_wrong_details", SATURDAY_NIGHT, "chat", "email"),
        # High priority: live within hours, written outside them.
        ("failed-transaction", "o_failed_but_charged", WEEKDAY, "chat", None),
        ("failed-transaction", "o_failed_but_charged", at(MON, 8, 59), "email", None),
        ("failed-transaction", "o_failed_but_charged", at(FRI, 18), "email", None),
        # Normal: email; complaints and appeals: in-app feedback, at any hour.
        (ACCOUNT_TREE, "o_help", WEEKDAY, "email", None),
        ("fee-dispute", "o_fee_against_policy", WEEKDAY, "in_app", None),
        ("fee-dispute", "o_fee_against_policy", SATURDAY_NIGHT, "in_app", None),
        # An urgent outcome of a complaint tree is still an emergency.
        ("fee-dispute", "o_unrecognised_charge", SATURDAY_NIGHT, "chat", "email"),
        # No contact needed.
        ("login-failure", "o_reset_done", WEEKDAY, "self_help", None),
    ],
)
def test_routing_table(
    tree: str, outcome: str, now: datetime, channel: str, record: str | None
) -> None:
    """The routing table of docs/packet.md."""
    packet = route(tree, outcome, now)
    assert packet.channel.channel == channel
    assert (packet.written_record.channel if packet.written_record else None) == record


def test_urgent_outside_hours_says_when_agents_answer() -> None:
    """An emergency at 03:00 on Sunday: chat now, and the expected response is honest that
    an agent may only answer from Monday 09:00; the written record is queued."""
    packet = route("account-security", "o_unauthorised_activity", at(SUN, 3))
    assert packet.priority == "urgent"
    assert not packet.channel.open_now
    assert "whatever the time" in packet.channel.reason
    assert "tomorrow 09:00" in packet.channel.response_time  # Monday, said from Sunday
    assert packet.written_record is not None
    assert "once support opens" in packet.written_record.response_time
    assert packet.next_working_day == at(NEXT_MON, 9)
    assert [a.channel for a in packet.alternatives] == ["phone", "in_app"]  # fastest first


def test_after_hours_alternatives_list_live_channels_last() -> None:
    """Outside hours, the live channels come after the written ones, marked as closed."""
    packet = route("failed-transaction", "o_balance_wrong", SATURDAY_NIGHT)
    assert [a.channel for a in packet.alternatives] == ["in_app", "chat", "phone"]
    assert not packet.alternatives[1].open_now
    assert "may not answer until Monday 24 November 2025, 09:00" in (
        packet.alternatives[1].response_time
    )


def test_always_open_chat_is_used_after_hours() -> None:
    """A chat configured as staffed around the clock is recommended at night."""
    config = Config().model_copy(update={"channels": {"chat": {"always_open": True}}})
    packet = route("failed-transaction", "o_failed_but_charged", SATURDAY_NIGHT, config)
    assert packet.channel.channel == "chat"
    assert packet.channel.open_now


def test_urgent_prefers_a_staffed_live_channel() -> None:
    """At night, a 24-hour phone line beats a chat that is closed."""
    config = Config().model_copy(update={"channels": {"phone": {"always_open": True}}})
    night = route("account-security", "o_unauthorised_activity", at(SUN, 3), config)
    assert night.channel.channel == "phone"
    assert night.channel.open_now
    day = route("account-security", "o_unauthorised_activity", WEEKDAY, config)
    assert day.channel.channel == "chat"


def test_disabled_channels_are_never_offered() -> None:
    """With chat disabled, an emergency goes to the phone; email disabled, to in-app."""
    config = Config().model_copy(
        update={"channels": {"chat": {"enabled": False}, "email": {"enabled": False}}}
    )
    packet = route("account-security", "o_unauthorised_activity", WEEKDAY, config)
    assert packet.channel.channel == "phone"
    assert packet.written_record is not None
    assert packet.written_record.channel == "in_app"
    offered = {a.channel for a in packet.alternatives}
    assert not offered & {"chat", "email"}


@pytest.mark.parametrize(
    ("tree", "outcome", "disabled", "channel", "words"),
    [
        ("account-security", "o_unauthorised_activity", ("chat", "phone"), "email", "in writing"),
        ("fee-dispute", "o_fee_against_policy", ("in_app", "email"), "chat", "live channel"),
        (ACCOUNT_TREE, "o_help", ("in_app", "email"), "chat", "live channel"),
    ],
)
def test_reasons_fit_the_channel_left(
    tree: str, outcome: str, disabled: tuple[str, ...], channel: str, words: str
) -> None:
    """With the preferred channels disabled, the next one is chosen and the reason fits it."""
    config = Config().model_copy(
        update={"channels": {name: {"enabled": False} for name in disabled}}
    )
    packet = route(tree, outcome, WEEKDAY, config)
    assert packet.channel.channel == channel
    assert words in packet.channel.reason
    assert packet.written_record is None


def test_complaint_trees_are_configurable() -> None:
    """A single outcome can be routed as a complaint ('tree:outcome')."""
    config = Config(complaint_trees=("refund-denied:o_merchant_unreachable",))
    assert route("refund-denied", "o_merchant_unreachable", WEEKDAY, config).channel.channel == (
        "in_app"
    )
    # (the bundled appeals now say `complaint: true` themselves; this outcome does not)
    assert route(ACCOUNT_TREE, "o_help", WEEKDAY, config).channel.channel == "email"


def test_contacts_only_from_configuration() -> None:
    """Configured contacts are shown verbatim (not masked) and the email contact is the To;
    without them the packet points to the official app or website."""
    plain = route("failed-transaction", "o_failed_but_charged", WEEKDAY)
    assert "official OKPAY app or website" in plain.channel.how
    assert "@" not in plain.to_text().replace("a***@example.com", "")
    config = Config().model_copy(
        update={
            "channels": {
                "chat": {"contact": "https://help.okpay.example/chat"},
                "email": {"contact": "support@okpay.example"},
            }
        }
    )
    packet = route("failed-transaction", "o_failed_but_charged", WEEKDAY, config)
    assert packet.channel.contact == "https://help.okpay.example/chat"
    assert packet.email_to == "support@okpay.example"
    text = packet.to_text()
    assert "Contact: https://help.okpay.example/chat" in text
    assert "Contact: support@okpay.example" in text
    message = email.message_from_bytes(packet.to_email().as_bytes(), policy=email.policy.default)
    assert message["To"] == "support@okpay.example"


def test_working_hours_text_follows_the_configuration() -> None:
    """The packet states the configured hours."""
    config = Config(
        timezone="Europe/London",
        working_days=("mon", "wed", "fri"),
        opens=time(8, 30),
        closes=time(17, 0),
        holidays=(date(2025, 12, 25),),
    )
    packet = route("login-failure", "o_still_cannot_log_in", WEEKDAY, config)
    assert packet.working_hours == (
        "Monday, Wednesday, Friday 08:30–17:00 (Europe/London; example hours: check the "
        "official OKPAY app or website for the actual hours), except public holidays"
    )
    zh = build_packet(
        drive("login-failure", "o_still_cannot_log_in", "zh"), now=WEEKDAY, case_id=CASE
    )
    assert zh.working_hours == (
        "周一至周五 09:00至18:00（北京时间；示例时间，实际以官方 OKPAY 应用或网站为准）"
    )
    real = config.model_copy(update={"hours_are_example": False, "workdays": ["2025-12-27"]})
    assert route("login-failure", "o_still_cannot_log_in", WEEKDAY, real).working_hours == (
        "Monday, Wednesday, Friday 08:30–17:00 (Europe/London), except public holidays; "
        "open on make-up working days too"
    )


_TWO_ASKS = """
id: two-asks
version: "1"
title: {en: "Two asks", zh: "两问"}
start: q_kind
facts:
  want: {type: choice, label: {en: "Wanted", zh: "诉求"}, choices: [unsure, freeze]}
nodes:
  - id: q_kind
    kind: question
    prompt: {en: "Which?", zh: "哪个？"}
    options:
      - {id: a, label: {en: "A", zh: "甲"}, next: q_want_a}
      - {id: b, label: {en: "B", zh: "乙"}, next: q_want_b}
  - id: q_want_a
    kind: question
    fact: want
    prompt: {en: "What now?", zh: "怎么办？"}
    options:
      - id: unsure
        label: {en: "Not sure", zh: "不确定"}
        packet: {en: "The user is not sure whether to freeze.", zh: "用户不确定是否冻结。"}
        next: o_help
      - {id: freeze, label: {en: "Freeze", zh: "冻结"}, next: o_help}
  - id: q_want_b
    kind: question
    fact: want
    prompt: {en: "What now?", zh: "怎么办？"}
    options:
      - id: unsure
        label: {en: "Not sure", zh: "不确定"}
        packet: {en: "The user leaves the next step to support.", zh: "用户请客服建议下一步。"}
        next: o_help
      - {id: freeze, label: {en: "Freeze", zh: "冻结"}, next: o_help}
  - id: o_help
    kind: outcome
    title: {en: "Support", zh: "客服"}
    cause: {en: "Support acts.", zh: "客服处理。"}
    steps: [{en: "Wait.", zh: "请等待。"}]
    escalate: "yes"
    severity: medium
"""


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("a", "The user is not sure whether to freeze."),
        ("b", "The user leaves the next step to support."),
    ],
)
def test_a_choice_is_said_in_the_words_of_the_question_that_set_it(path: str, said: str) -> None:
    """Two questions bind one fact with the same option id in different words: the packet
    says what the question the user answered says (found by the trees' owner in fee-dispute,
    where the last question declaring the pair won)."""
    from okpay_triage.tree.load import parse_tree

    tree = parse_tree(_TWO_ASKS).tree
    assert tree is not None
    session = Session.start(tree).answer(path).answer("unsure")
    packet = build_packet(session, now=datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    assert [f.shown for f in packet.facts if f.id == "want"] == [said]
