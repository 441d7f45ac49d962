"""Renderings of escalation packets: golden files, and hostile text that must stay data.

Golden files live in tests/golden/. After an intended change, regenerate them with
``OKPAY_UPDATE_GOLDEN=1 python -m pytest tests/test_render.py`` and read the diff.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from okpay_triage import AnswerError, Config, EscalationPacket, build_packet
from okpay_triage.packet.render import (
    FORMATS,
    escape_markdown,
    format_for_path,
    header_value,
    render,
)
from okpay_triage.wording import format_when

from .test_packet import CASE, NUMBER_LIKE_CASE_IDS, drive
from .test_packet_structure import WED_DAY, WED_EARLY, refund

GOLDEN = Path(__file__).parent / "golden"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SUNDAY_3AM = datetime(2025, 11, 23, 3, 0, tzinfo=SHANGHAI)
SATURDAY_NIGHT = datetime(2025, 11, 22, 23, 30, tzinfo=SHANGHAI)
MONDAY = datetime(2025, 11, 24, 10, 30, tzinfo=SHANGHAI)

#: name: (tree, outcome, language, now)
SCENARIOS = {
    "urgent-security.zh": ("account-security", "o_unauthorised_activity", "zh", SUNDAY_3AM),
    "still-cannot-log-in.en": ("login-failure", "o_still_cannot_log_in", "en", SATURDAY_NIGHT),
    "balance-wrong.zh": ("failed-transaction", "o_balance_wrong", "zh", MONDAY),
    "lock-recovered.en": ("account-security", "o_lock_recovered", "en", MONDAY),
    "fee-appeal.en": ("fee-dispute", "o_fee_against_policy", "en", SATURDAY_NIGHT),
}


#: Packets of the test tree with an account, phrasings, a contact log and a request: an
#: appeal at 02:26 on a Wednesday (support opens today) and a chat question in hours.
STRUCTURE = {
    "refund-appeal.zh": ("zh", "appeal", WED_EARLY),
    "refund-explain.en": ("en", "explain", WED_DAY),
}


def golden_packet(name: str) -> EscalationPacket:
    """The packet of a golden scenario, with the reference this tool derives (stable)."""
    if name in STRUCTURE:
        lang, last, when = STRUCTURE[name]
        return build_packet(refund(lang, last=last), now=when)
    tree, outcome, lang, now = SCENARIOS[name]
    return build_packet(drive(tree, outcome, lang), now=now)


@pytest.mark.parametrize("suffix", ["md", "txt"])
@pytest.mark.parametrize("name", sorted(SCENARIOS) + sorted(STRUCTURE))
def test_golden(name: str, suffix: str) -> None:
    """Markdown and text renderings match the reviewed golden files exactly."""
    packet = golden_packet(name)
    rendered = packet.to_markdown() if suffix == "md" else packet.to_text()
    path = GOLDEN / f"{name}.{suffix}"
    if os.environ.get("OKPAY_UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


def test_golden_scenarios_cover_the_escalation_levels() -> None:
    """The golden files include urgent (zh), yes (en), if-unresolved (zh) and no (en)."""
    seen = {(golden_packet(n).outcome.escalate, golden_packet(n).lang) for n in SCENARIOS}
    assert {("urgent", "zh"), ("yes", "en"), ("if-unresolved", "zh"), ("no", "en")} <= seen


# --------------------------------------------------------------------------- Markdown


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain words 中文", "plain words 中文"),
        ("a***@example.com", r"a\*\*\*@example.com"),
        ("# not a heading", r"\# not a heading"),
        ("- not a list", r"\- not a list"),
        ("1. not a list", r"1\. not a list"),
        ("128.50 CNY", "128.50 CNY"),
        ("```\ncode", r"\`\`\`<br>code"),
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert(1)\>"),
        ("[x](javascript:alert(1))", r"\[x\](javascript\:alert(1))"),
        (
            "see https://evil.example and www.evil.example",
            r"see https\://evil.example and www\.evil.example",
        ),
        ("a | b", r"a \| b"),
        ("&lt;", r"\&lt;"),
        ("14:30 +08:00", "14:30 +08:00"),
        ("", ""),
    ],
)
def test_escape_markdown(text: str, escaped: str) -> None:
    """Markup in a value is escaped; ordinary text stays readable."""
    assert escape_markdown(text) == escaped


_SPECIALS = set("\\`*_[]<>|~&")


@given(st.text())
def test_escape_markdown_leaves_no_markup(text: str) -> None:
    """Whatever the text: one line, every markup character escaped, no link scheme, no
    block marker at the start, no HTML but our own <br>."""
    out = escape_markdown(text)
    assert "\n" not in out
    bare = re.sub(r"\\.", "", out.replace("<br>", " "))  # drop escape pairs, as Markdown does
    assert not _SPECIALS & set(bare), out
    assert "://" not in bare
    assert not re.search(r"(?i)javascript:", bare)
    assert not re.match(r"\s*([#+\-=>]|\d+[.)](\s|$))", out)


# --------------------------------------------------------------------------- hostile answers

FRAGMENTS = [
    "\r\nBcc: evil@example.com\r\n",
    "\nSubject: hi\n",
    "```",
    "~~~",
    "\n# Heading\n",
    "## sub",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "javascript:alert(1)",
    "https://evil.example/login",
    "| a | b |",
    "\n|---|---|\n",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\u202e",
    "\u200b",
    "\u2028",
    "\x85",
    "\ud800",
    "\x00",
    "---",
    "***",
    "1. ",
    "> quote",
    "=====",
    "<br>",
    "&lt;",
    "\\",
    "`",
    "x" * 10_000,
    "问题描述",
]
HOSTILE = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), min_size=1, max_size=8
).map(lambda parts: "Error E1 " + "".join(parts))


def _skeleton(markdown: str) -> list[str]:
    """The structure of a Markdown rendering: headings and table shapes, line by line."""
    shape = []
    for line in markdown.split("\n"):
        if line.startswith("#"):
            shape.append(line)
        elif line.startswith("|"):
            shape.append("|" * len(re.findall(r"(?<!\\)\|", line)))
        elif line.startswith(("```", "~~~", "    ")):
            shape.append("FENCE")
        else:
            shape.append(line[:2] if line[:2] in ("- ", "1.", "**") else "")
    return shape


@pytest.mark.parametrize(
    ("tree", "outcome"),
    [("failed-transaction", "o_failed_but_charged"), ("account-security", "o_scam_payment")],
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE)
def test_hostile_answers_stay_data(tree: str, outcome: str, text: str) -> None:
    """CR/LF + Bcc lines, fences, HTML, links, ANSI, RTL overrides, 10k characters and lone
    surrogates typed as free-text answers: the Markdown keeps its exact structure (headings,
    table rows, line count), nothing reaches an email header, and JSON stays valid."""
    try:
        hostile = drive(tree, outcome, text=text)
    except AnswerError:
        assume(False)  # refused at input (e.g. nothing but a secret); nothing to render
        return
    benign = drive(tree, outcome, text="plain words")
    now = datetime(2025, 11, 24, 10, 30, tzinfo=SHANGHAI)
    bad = build_packet(hostile, now=now, case_id=CASE)
    good = build_packet(benign, now=now, case_id=CASE)

    markdown = bad.to_markdown()
    assert _skeleton(markdown) == _skeleton(good.to_markdown())
    assert not re.search(r"(?<!\\)<(?!br>)", markdown)
    for rendering in (markdown, bad.to_text()):
        assert "\x1b" not in rendering
        assert "\u202e" not in rendering
        assert "\x00" not in rendering
        assert "\ud800" not in rendering

    message = bad.to_email(markdown=True)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    expected = email.message_from_bytes(
        good.to_email(markdown=True).as_bytes(), policy=email.policy.default
    )
    assert parsed.keys() == expected.keys()
    assert parsed["Subject"] == expected["Subject"] == bad.email_subject
    assert "Bcc" not in parsed

    read_back = EscalationPacket.model_validate(bad.model_dump())  # scrubbed as read data is
    for dumped in (bad.model_dump_json(), bad.to_json(), bad.to_json(indent=None)):
        assert EscalationPacket.model_validate(json.loads(dumped)) == read_back


# --------------------------------------------------------------------------- email


def test_email_subject_is_bilingual() -> None:
    """[紧急 URGENT] zh title / en title – case id, whatever the session language."""
    for lang in ("en", "zh"):
        packet = build_packet(
            drive("login-failure", "o_possible_takeover", lang), now=MONDAY, case_id=CASE
        )
        assert packet.email_subject == (
            f"[紧急 URGENT] 账户可能被他人登录 / Possible unauthorised access to the account "
            f"– {CASE}"
        )
        message = email.message_from_bytes(
            packet.to_email().as_bytes(), policy=email.policy.default
        )
        assert message["Subject"] == packet.email_subject
        assert message["Content-Language"] == ("zh-CN" if lang == "zh" else "en")


def test_email_with_markdown_alternative() -> None:
    """`markdown=True` adds the Markdown rendering as an alternative part; both UTF-8."""
    packet = build_packet(drive("fee-dispute", "o_fee_against_policy", "zh"), now=MONDAY)
    message = email.message_from_bytes(
        packet.to_email(markdown=True).as_bytes(), policy=email.policy.default
    )
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    assert plain is not None
    assert plain.get_content() == packet.to_text()
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/markdown"]
    for part in message.iter_parts():
        assert part.get_content_charset() == "utf-8"


def test_configured_contacts_in_markdown_are_literal() -> None:
    """A configured contact is shown as a code span: readable, never a link."""
    config = Config().model_copy(
        update={
            "channels": {
                "chat": {"contact": "https://help.okpay.example/chat"},
                "phone": {"contact": "+86 400-000-0000 (`ext` 2)"},
            }
        }
    )
    session = drive("failed-transaction", "o_failed_but_charged")
    markdown = build_packet(session, now=MONDAY, config=config, case_id=CASE).to_markdown()
    assert "- Contact: `https://help.okpay.example/chat`" in markdown
    assert "  - Contact: ``+86 400-000-0000 (`ext` 2)``" in markdown


def test_email_to_from_configuration_only() -> None:
    """To is the configured email contact; never an address from the answers."""
    session = drive(
        "failed-transaction", "o_failed_but_charged", text="mail me at victim@example.com"
    )
    packet = build_packet(session, now=MONDAY, case_id=CASE)
    assert "To" not in packet.to_email()
    config = Config().model_copy(update={"channels": {"email": {"contact": "help@okpay.example"}}})
    message = build_packet(session, now=MONDAY, config=config, case_id=CASE).to_email()
    assert message["To"] == "help@okpay.example"
    assert "victim@example.com" not in message.as_string()


@pytest.mark.parametrize(
    "text",
    [
        "退款\r\nBcc: x@example.com",
        "a\nb\rc\x00d\x1be\u2028f\u2029g\x85h\u202ei",
        "  spaced   out  ",
        "\ud800 lone",
    ],
)
def test_header_value_removes_line_breaks_and_controls(text: str) -> None:
    """No CR, LF or other control/separator character survives into a header value."""
    value = header_value(text)
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", value)
    assert value == value.strip()
    assert "  " not in value


# --------------------------------------------------------------------------- misc


@pytest.mark.parametrize("case_id", NUMBER_LIKE_CASE_IDS)
def test_case_id_is_verbatim_in_every_format(case_id: str) -> None:
    """The file bytes of every format carry the case id as written, in the subject line and
    the headers, even where its digits pass for a card or a mobile number."""
    session = drive("account-security", "o_unauthorised_activity", "zh")
    packet = build_packet(session, now=SUNDAY_3AM, case_id=case_id)
    for fmt in FORMATS:
        data = render(packet, fmt)
        if fmt == "email":
            message = email.message_from_bytes(data, policy=email.policy.default)
            assert message["Subject"] == packet.email_subject
            assert message["Subject"].endswith(f"– {case_id}")
            assert message["X-OKPAY-Case"] == case_id
            body = message.get_body(("plain",))
            assert body is not None
            first = str(body.get_content()).splitlines()[0]
        elif fmt == "json":
            loaded = json.loads(data)
            assert loaded["case_id"] == case_id
            assert loaded["email_subject"].endswith(f"– {case_id}")
            first = loaded["subject"]
        else:
            first = data.decode().splitlines()[0]
        assert first.endswith(f"– {case_id}"), fmt


def test_json_escapes_invisible_characters() -> None:
    """to_json writes bidi and zero-width characters as JSON escapes (same value)."""
    session = drive("failed-transaction", "o_failed_but_charged", text="ab\u202ecd\u200bef")
    packet = build_packet(session, now=MONDAY, case_id=CASE)
    dumped = packet.to_json()
    assert "\u202e" not in dumped
    assert "\\u202e" in dumped
    assert EscalationPacket.model_validate_json(dumped) == packet


def test_render_by_format_name() -> None:
    """`render` gives each format's file bytes; file names suggest a format."""
    packet = build_packet(drive("login-failure", "o_reset_done"), now=MONDAY, case_id=CASE)
    assert render(packet, "markdown").decode() == packet.to_markdown()
    assert render(packet, "text").decode() == packet.to_text()
    assert json.loads(render(packet, "json"))["case_id"] == CASE
    message = email.message_from_bytes(render(packet, "email"), policy=email.policy.default)
    assert message["X-OKPAY-Case"] == CASE
    assert [format_for_path(p) for p in ("a.md", "b.TXT", "c.json", "d.eml", "e")] == [
        "markdown",
        "text",
        "json",
        "email",
        "markdown",
    ]


def test_format_when() -> None:
    """Times are shown with their zone, in the reader's language."""
    moment = datetime(2025, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert format_when(moment, "en") == "2025-12-01 09:00 (Asia/Shanghai, UTC+08:00)"
    assert format_when(moment, "en", weekday=True) == "Monday 1 December 2025, 09:00 (UTC+08:00)"
    assert format_when(moment, "zh", weekday=True) == "2025年12月1日（周一）09:00（UTC+08:00）"
    india = datetime(2025, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert format_when(india, "zh") == "2025-12-01 09:00（Asia/Kolkata，UTC+05:30）"
