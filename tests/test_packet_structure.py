"""Packet structure and routing that agrees with the outcome (packet issue items 6-8, 10).

Key facts first (the account identifier, then what the answers tell support in its own
third-person words), channels already tried and what the user asks for in their own
sections, readable local times, the subject with the transaction id and amount; an outcome's
own channel, complaints per outcome, holidays and make-up working days, the next opening
said from now, example hours labelled; the shareable preview masking personal data. The
tree is tests/data/good/packet-refund.yaml: the bundled trees gain these fields later.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from okpay_triage import Config, EscalationPacket, Session, build_packet, load_tree
from okpay_triage.packet.pieces import readable_time
from okpay_triage.packet.render import render
from okpay_triage.packet.routing import next_opening, opening_words, route, within_hours
from okpay_triage.tree.plan import CompiledTree, compile_tree

from .test_packet import drive

TREE = Path(__file__).parent / "data" / "good" / "packet-refund.yaml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Wednesday 2 December 2026, 02:26: before opening on a working day.
WED_EARLY = datetime(2026, 12, 2, 2, 26, tzinfo=SHANGHAI)
WED_DAY = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)
ANSWERS = [
    "yes",  # applied within the window: has a packet phrasing
    "no",  # asking again in the app was refused: a step tried, with a phrasing
    "zhang.wei@example.com",
    "TX20261130A1",
    "300元",
    "2026-11-30 15:00",
    "在线客服，工单号 ZD-4821",
    "请重新审核退款",
]


def plan() -> CompiledTree:
    return compile_tree(load_tree(TREE))


def refund(lang: str = "zh", last: str = "appeal", first: str = "yes") -> Session:
    session = Session.start(plan(), lang=lang)
    for answer in [first, *ANSWERS[1:], last]:
        session = session.answer(answer)
    assert session.finished
    return session


# --------------------------------------------------------------------------- structure


def test_key_facts_come_first_with_the_account() -> None:
    """The account identifier leads the key facts; the answers that change the case follow
    in support's third-person words, never the user's first-person option labels."""
    packet = build_packet(refund(), now=WED_DAY)
    ids = ["account", "transaction_id", "amount", "paid_at", "request_kind"]
    assert [f.id for f in packet.facts] == ids
    # A choice bound to a fact is shown in support's words, not the first-person label.
    assert packet.facts[-1].shown == "用户对拒绝退款提出申诉。"
    account = packet.facts[0]
    assert (account.type, account.sensitive) == ("email", True)
    assert [s.text for s in packet.statements] == [
        "用户称在退款期限内提出申请。",
        "用户在应用内再次申请，仍被拒绝。",
    ]
    text = packet.to_text()
    head = text.split("【问答记录】")[0]
    assert "是的，我按时申请了" not in head  # the labels: transcript only
    assert "我要申诉" not in head
    for body, contact in ((text, "【联系客服】"), (packet.to_markdown(), "## 联系客服")):
        facts = body.index("关键信息")
        assert facts < body.index("根据用户的回答") < body.index(contact)


def test_answers_without_a_phrasing_stay_in_the_transcript() -> None:
    """ "Not sure" has no packet phrasing: no statement, but the transcript keeps it."""
    packet = build_packet(refund("en", first="unsure"), now=WED_DAY)
    assert [s.node_id for s in packet.statements] == ["q_retry"]
    assert packet.transcript[0].answer == "Not sure"


def test_steps_tried_are_said_for_support() -> None:
    """A step tried reads as what happened, not as the question put to the user."""
    packet = build_packet(refund(), now=WED_DAY)
    (step,) = packet.steps_tried
    assert step.statement == "用户在应用内再次申请，仍被拒绝。"
    tried = packet.to_text().split("【已向用户给出的自助步骤及用户反馈】")[1].split("【")[0]
    assert "这样可以了吗" not in tried
    assert "打开订单，再次点击申请退款。" in tried


def test_contact_log_and_requested_response_have_their_own_sections() -> None:
    """Channels already tried (with the earlier ticket number) and what the user asks for
    are their own sections, not rows of the key facts."""
    packet = build_packet(refund("en"), now=WED_DAY)
    assert [f.id for f in packet.contact_log] == ["contact_log"]
    assert packet.requested_response is not None
    assert "contact_log" not in {f.id for f in packet.facts}
    for body in (packet.to_text().lower(), packet.to_markdown().lower()):
        assert "channels already tried and earlier tickets" in body
        assert "zd-4821" in body
        assert "what the user asks support to do" in body


def test_subject_states_problem_urgency_transaction_and_amount() -> None:
    """DOMAIN §4.2: the subject names the problem, the urgency, the transaction id and the
    amount; the email subject too, in both languages."""
    packet = build_packet(refund(), now=WED_DAY)
    assert packet.subject == (
        f"[普通] 退款被拒：申诉 · 交易ID TX20261130A1 · 300.00 CNY – {packet.case_id}"
    )
    assert packet.email_subject == (
        "[普通 NORMAL] 退款被拒：申诉 / Refund refused: appeal, TX20261130A1, 300.00 CNY"
        f" – {packet.case_id}"
    )


def test_times_are_readable_in_the_configured_zone() -> None:
    """Kept ISO times are shown as local time with the zone named."""
    zh = build_packet(refund(), now=WED_DAY)
    en = build_packet(refund("en"), now=WED_DAY)
    assert zh.facts[3].value == "2026-11-30T15:00+08:00"
    assert zh.facts[3].shown == "2026-11-30 15:00（北京时间）"
    assert en.facts[3].shown == "2026-11-30 15:00 (Asia/Shanghai)"
    assert "2026-11-30 15:00（北京时间）" in zh.to_text().split("【问答记录】")[1]
    london = build_packet(refund("en"), now=WED_DAY, config=Config(timezone="Europe/London"))
    assert london.facts[3].shown == "2026-11-30 07:00 (Europe/London)"


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        ("2026-11-30T15:00+08:00", "zh", "2026-11-30 15:00（北京时间）"),
        ("2026-11-30T07:00Z", "en", "2026-11-30 15:00 (Asia/Shanghai)"),
        ("~2026-11-30T15:00+08:00", "zh", "约 2026-11-30 15:00（北京时间）"),
        ("~2026-11-30T15:00+08:00", "en", "about 2026-11-30 15:00 (Asia/Shanghai)"),
        ("unknown", "zh", "不详（用户不记得或不确定）"),
        ("unknown", "en", "unknown (the user does not remember or is not sure)"),
        ("last Friday", "en", "last Friday"),
        # A day alone ("11月25日", "3 days ago") is shown as the day: no made-up midnight.
        ("2026-11-25", "zh", "2026-11-25"),
        ("2026-11-25", "en", "2026-11-25"),
        ("~2026-11-25", "en", "about 2026-11-25"),
        ("2026-02-30", "en", "2026-02-30"),
    ],
)
def test_readable_time(value: str, lang: str, shown: str) -> None:
    """One helper shows times: approximate and unknown ones, and days alone, included."""
    assert readable_time(value, "Asia/Shanghai", lang) == shown


# --------------------------------------------------------------------------- preview


def whole(packet: EscalationPacket) -> EscalationPacket:
    """The packet as it is once whole values are kept (another change: `keep: whole`):
    the account email and the transaction id whole, the transaction id personal data."""
    facts = tuple(
        f.model_copy(update={"value": "zhang.wei@example.com", "shown": "zhang.wei@example.com"})
        if f.id == "account"
        else f.model_copy(update={"sensitive": True})
        if f.id == "transaction_id"
        else f
        for f in packet.facts
    )
    transcript = tuple(
        e.model_copy(update={"answer": "zhang.wei@example.com"}) if e.fact == "account" else e
        for e in packet.transcript
    )
    return packet.model_copy(update={"facts": facts, "transcript": transcript})


def test_preview_masks_personal_data_and_the_packet_keeps_it_whole() -> None:
    """Support's packet carries the account and transaction id whole; the shareable
    preview masks them everywhere (facts, transcript, subjects) in every format."""
    packet = whole(build_packet(refund(), now=WED_DAY))
    for body in (packet.to_markdown(), packet.to_text()):
        assert "zhang.wei@example.com" in body.replace("\\", "")
        assert "TX20261130A1" in body
    for fmt in ("markdown", "text", "json", "email"):
        data = render(packet, fmt, preview=True).decode("utf-8", "replace")
        assert "zhang.wei" not in data, fmt
        assert "TX20261130A1" not in data, fmt
    preview = packet.to_text(preview=True)
    assert "z***@example.com" in preview
    assert "预览：个人信息已隐藏" in preview
    assert packet.preview().subject.startswith("[普通] 退款被拒：申诉 · 交易ID ****")
    assert "预览" not in packet.to_text()


# --------------------------------------------------------------------------- routing


def test_an_outcome_s_channel_is_recommended() -> None:
    """o_explain's steps say "online chat": the packet says chat too, within hours, though
    a normal case would otherwise get email."""
    packet = build_packet(refund("en", last="explain"), now=WED_DAY)
    assert packet.channel.channel == "chat"
    assert packet.channel.reason == "The advice for this outcome names this channel."


def test_an_outcome_s_closed_channel_is_adjusted_and_says_why() -> None:
    """Out of hours the chat is not staffed: a written channel now, saying why, and the
    outcome's own channel first among the others."""
    packet = build_packet(refund("en", last="explain"), now=WED_EARLY)
    assert packet.channel.channel == "email"
    assert packet.channel.reason.startswith("The advice names Online chat, but it is not staffed")
    assert packet.alternatives[0].channel == "chat"
    off = Config().model_copy(update={"channels": {"chat": {"enabled": False}}})
    packet = build_packet(refund("en", last="explain"), now=WED_DAY, config=off)
    assert packet.channel.channel == "email"
    assert packet.channel.reason.startswith("The advice names Online chat, but it is not offered")


def test_urgent_cases_keep_a_live_channel_and_the_outcome_s_record() -> None:
    """An urgent outcome that names email gets a live channel first and email as its
    written record; one that names phone gets the phone."""
    config = Config()
    night = route(
        config,
        "en",
        priority="urgent",
        escalate="urgent",
        complaint=False,
        in_hours=False,
        opening="x",
        preferred="email",
    )
    assert night.channel.channel == "chat"
    assert night.record is not None
    assert night.record.channel == "email"
    phone = route(
        config,
        "en",
        priority="urgent",
        escalate="urgent",
        complaint=False,
        in_hours=True,
        opening="",
        preferred="phone",
    )
    assert phone.channel.channel == "phone"
    assert phone.channel.reason == "The advice for this outcome names this channel."


def test_complaints_are_per_outcome() -> None:
    """In one tree, the appeal (complaint: true) goes to in-app complaints and the question
    does not; fee-dispute's unclear-fee question no longer counts as a complaint."""
    appeal = build_packet(refund("en"), now=WED_DAY)
    assert appeal.channel.channel == "in_app"
    explain = build_packet(refund("en", last="explain"), now=WED_DAY)
    assert explain.channel.channel != "in_app"
    assert not Config().is_complaint("fee-dispute", "o_fee_unclear")
    unclear = build_packet(drive("fee-dispute", "o_fee_unclear"), now=WED_DAY)
    assert "complaint" not in unclear.channel.reason.lower()


GOLDEN_WEEK = Config(
    holidays=tuple(date(2026, 10, d) for d in range(1, 8)),
    workdays=(date(2026, 10, 10),),  # Saturday: a make-up working day (调休)
)


@pytest.mark.parametrize(
    ("moment", "inside", "opening"),
    [
        (datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI), False, datetime(2026, 10, 8, 9, 0)),
        (datetime(2026, 10, 9, 19, 0, tzinfo=SHANGHAI), False, datetime(2026, 10, 10, 9, 0)),
        (datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI), True, None),
        (datetime(2026, 10, 11, 10, 0, tzinfo=SHANGHAI), False, datetime(2026, 10, 12, 9, 0)),
    ],
)
def test_holidays_and_make_up_working_days(
    moment: datetime, inside: bool, opening: datetime | None
) -> None:
    """National Day week is closed; the make-up Saturday after it is a working day."""
    assert within_hours(moment, GOLDEN_WEEK) is inside
    if opening is not None:
        assert next_opening(moment, GOLDEN_WEEK) == opening.replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("now", "en", "zh"),
    [
        (WED_EARLY, "today 09:00", "今天 09:00"),
        (datetime(2026, 12, 1, 20, 0, tzinfo=SHANGHAI), "tomorrow 09:00", "明天 09:00"),
        (
            datetime(2026, 12, 4, 19, 0, tzinfo=SHANGHAI),
            "Monday 7 December 2026, 09:00",
            "2026年12月7日（周一）09:00",
        ),
    ],
)
def test_next_opening_is_said_from_now(now: datetime, en: str, zh: str) -> None:
    """At 02:26 on a Wednesday support opens "today 09:00", not "the next working day"."""
    config = Config()
    opening = next_opening(now, config)
    assert opening_words(opening, now, "en") == en
    assert opening_words(opening, now, "zh") == zh
    packet = build_packet(refund("zh"), now=now)
    assert f"客服将于{zh} 开始服务" in packet.to_text()


def test_example_hours_are_labelled_until_configured() -> None:
    """The shipped hours are the sources' example and say so; real hours do not."""
    assert "示例时间" in build_packet(refund(), now=WED_DAY).working_hours
    real = Config(hours_are_example=False, opens=time(8, 0))
    packet = build_packet(refund("en"), now=WED_DAY, config=real)
    assert packet.working_hours == "Monday–Friday 08:00–18:00 (Asia/Shanghai)"
