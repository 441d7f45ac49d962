"""The account identifier, and identifiers kept whole for support (packet review items 1-2,
BAD_INPUTS 22-23, 32, 39, 42).

An account's registered mobile or email is accepted in the forms people type, kept whole
(normalised) in the session and in the packet to support, and masked wherever it is only
shown: the terminal echo, ``--json`` events, `shown_facts()`, the transcript's `shown`. A
fact's `keep` says the same for transaction ids, order numbers, recipient names and card
tails; free text stays redacted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from okpay_triage import AnswerError, Session, SessionError, bundled_tree_ids, load_tree
from okpay_triage.cli import cli
from okpay_triage.config import REFERENCE_KEY_VARIABLE, Config, ConfigError, load_config
from okpay_triage.errors import TreeError
from okpay_triage.packet.build import build_packet, case_reference
from okpay_triage.redaction import redact
from okpay_triage.session.saved import forget
from okpay_triage.session.values import mask, parse_value, shown_value
from okpay_triage.testing import fact_values
from okpay_triage.testing.values import account_values
from okpay_triage.tree.checks import check_tree
from okpay_triage.tree.plan import FactSpec, compile_tree

DATA = Path(__file__).parent / "data" / "good"
ACCOUNT_TREE = DATA / "account.yaml"
TREE = load_tree(ACCOUNT_TREE)
PLAN = compile_tree(TREE)
ACCOUNT = PLAN.facts["account"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MAINLAND = [
    "13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "+86 138 1234 5678",
    "+86-138-1234-5678",
    "+8613812345678",
    "0086 138 1234 5678",
    "8613812345678",
    "(138) 1234-5678",
    "+86 (138) 1234-5678",
    "１３８１２３４５６７８",
    "＋８６ １３８ １２３４ ５６７８",
    " 138.1234.5678 ",
    # The code in parentheses, as contact cards write it (review 3).
    "(+86)13812345678",
    "(+86) 138 1234 5678",
    "（＋８６）１３８１２３４５６７８",
]


def account(text: str, lang: str = "en") -> str:
    return parse_value(ACCOUNT, text, lang).value  # type: ignore[arg-type]


def start(**facts: str) -> Session:
    return Session.start(TREE, facts=facts or None)


def restored(text: str) -> Session:
    """`Session.from_json` with the full checks (no state remembered from saving it)."""
    forget()
    return Session.from_json(text, TREE)


def finish(session: Session, *answers: str) -> Session:
    for answer in answers:
        session = session.answer(answer)
    return session


#: Answers to every step of the account tree after the account: id, order, recipient,
#: card tail, a sensitive note, a description holding a phone number.
REST = ("TX13812345678", "OD12345678", "张伟 4821", "4821", "Zhang Wei 6688", "call 13900001111")


class TestParsing:
    """The account step takes a mobile number (any common format, ``+86`` or not) or an
    email, and refuses anything else with a message naming both forms."""

    @pytest.mark.parametrize("text", MAINLAND)
    def test_mainland_mobiles_in_every_form(self, text: str) -> None:
        assert account(text) == "+8613812345678"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("+852 9123 4567", "+85291234567"),
            ("+44 7911 123456", "+447911123456"),
            ("+1 (415) 555-2671", "+14155552671"),
            ("0044 7911 123456", "+447911123456"),
        ],
    )
    def test_international_numbers_with_their_code(self, text: str, expected: str) -> None:
        assert account(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Alice@Example.COM", "Alice@example.com"),
            ("bob+wallet@QQ.com", "bob+wallet@qq.com"),
            ("ｃａｒｏｌ＠ｅｘａｍｐｌｅ．ｃｏｍ", "carol@example.com"),
            ("  dan@163.com ", "dan@163.com"),
        ],
    )
    def test_emails_keep_their_local_part_and_lower_the_domain(
        self, text: str, expected: str
    ) -> None:
        assert account(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "12345",
            "1381234567",  # ten digits
            "23812345678",  # not a mobile prefix
            "020 1234 5678",  # a mainland landline: accounts are registered by mobile
            "+44 7700 900123",  # not a valid number
            "call 13812345678",
            "138****5678",
            "s***@qq.com",
            "a@b",
            "name@",
            "TX13812345678",
            "13812345678@",
            "skip",
            "跳过",
        ],
    )
    def test_refused_with_both_forms_named(self, text: str) -> None:
        for lang, words in (("en", ("mobile number", "email")), ("zh", ("手机号码", "邮箱"))):
            with pytest.raises(AnswerError) as refused:
                account(text, lang)
            assert refused.value.code == "bad-value"
            assert all(word in str(refused.value) for word in words)
            # Its examples describe the forms rather than give numbers or addresses, which
            # redaction (every message shown is redacted) would mask into forms it refuses.
            assert redact(str(refused.value)) == str(refused.value)

    @SETTINGS
    @given(account_values())
    def test_every_typed_form_is_kept_normalised(self, typed: str) -> None:
        """Generated mobiles (every format, full-width too), international numbers and
        emails: kept normalised, read again unchanged, shown masked."""
        kept = account(typed)
        assert account(kept) == kept
        if "@" in kept:
            domain = kept.partition("@")[2]
            assert domain == domain.lower()
        else:
            assert kept.startswith("+")
            assert kept[1:].isdigit()
        shown = shown_value(ACCOUNT, kept)
        assert shown == mask("account", kept) == redact(shown)
        assert kept not in shown
        assert "****" in shown or "***@" in shown

    @SETTINGS
    @given(st.data())
    def test_fact_values_gives_accounts(self, data: st.DataObject) -> None:
        """`okpay_triage.testing.fact_values` generates valid account values."""
        typed = data.draw(fact_values(ACCOUNT))
        assert account(typed)

    def test_mask_by_shape(self) -> None:
        assert mask("account", "+8613812345678") == "138****5678"
        assert mask("account", "Alice@example.com") == "A***@example.com"
        assert mask("account", "+447911123456") == "+44 ****3456"


class TestSession:
    """Kept whole in `Session.facts` and the saved JSON, masked in everything shown."""

    def test_whole_in_facts_masked_where_shown(self) -> None:
        session = finish(start(), "138 1234 5678", *REST)
        assert session.finished
        facts = session.facts
        assert facts["account"] == "+8613812345678"
        shown = dict(session.shown_facts())
        assert shown["Registered mobile or email"] == "138****5678"
        entry = session.transcript[0]
        assert (entry.answer, entry.shown, entry.source) == (
            "+8613812345678",
            "138****5678",
            "user",
        )
        assert "+8613812345678" in session.to_json()
        assert all(redact(value) == value for value in shown.values())

    def test_keep_whole_and_masked_identifiers(self) -> None:
        """keep: whole keeps an id, a recipient name and a card tail as given; keep: masked
        (and a sensitive fact by default) keeps them masked; free text stays redacted."""
        facts = finish(start(), "alice@example.com", *REST).facts
        assert facts["transaction_id"] == "TX13812345678"  # shaped like a phone: intact
        assert facts["order_number"] == "****5678"  # keep: masked
        assert facts["recipient"] == "张伟 4821"  # the review's lost recipient name
        assert facts["card_last4"] == "4821"
        assert facts["note"] == "****6688"  # sensitive, so kept masked by default
        assert facts["description"] == "call 139****1111"  # free text: redacted

    def test_shown_masks_every_whole_value(self) -> None:
        session = finish(start(), "alice@example.com", *REST)
        shown = dict(session.shown_facts())
        assert shown["Registered mobile or email"] == "a***@example.com"
        assert shown["Recipient"] == "张* 4821"  # the name masked, the last four shown
        assert shown["Card last four"] == "4821"  # no more than a tail already
        assert "TX13812345678" not in shown.values()
        assert "张伟 4821" not in [e.shown for e in session.transcript]

    def test_a_card_number_at_a_whole_id_step_is_still_masked(self) -> None:
        """Kept whole means what support asked for: a card number typed where an id is
        asked is not that, and is masked like any other."""
        session = finish(start(), "13812345678", "4111111111111111")
        assert session.facts["transaction_id"] == "****1111"
        assert session.notices

    def test_free_text_in_a_whole_text_fact_is_redacted(self) -> None:
        session = finish(start(), "13812345678", "TX12345", "skip", "张伟 13900001111")
        assert session.facts["recipient"] == "张伟 139****1111"

    def test_skip_only_when_optional(self) -> None:
        for word in ("skip", "跳过"):
            with pytest.raises(AnswerError):
                start().answer(word)
        session = finish(start(), "13812345678", "TX12345", "跳过")
        assert "order_number" not in session.facts

    @pytest.mark.parametrize(
        ("given", "kept", "shown"),
        [
            ("138 1234 5678", "+8613812345678", "138****5678"),
            ("+86 138-1234-5678", "+8613812345678", "138****5678"),
            ("Alice@Example.com", "Alice@example.com", "A***@example.com"),
        ],
    )
    def test_given_up_front_skips_the_step(self, given: str, kept: str, shown: str) -> None:
        """A logged-in user's identifier, passed by the caller: the step is skipped and the
        transcript says it came from context."""
        session = start(account=given)
        assert session.node.id == "i_tx"
        first = session.transcript[0]
        assert (first.node_id, first.answer, first.source, first.shown) == (
            "i_account",
            kept,
            "context",
            shown,
        )
        assert session.facts["account"] == kept
        assert restored(session.to_json()) == session

    def test_invalid_value_up_front_is_refused(self) -> None:
        with pytest.raises(AnswerError) as refused:
            start(account="not a phone")
        assert refused.value.code == "bad-fact"


class TestPacket:
    """Every rendering of the packet to support holds the identifier whole; its transcript
    (like everything shown) masks it."""

    def test_whole_in_every_rendering_for_support(self) -> None:
        session = finish(start(), "138 1234 5678", *REST)
        packet = build_packet(session)
        facts = {fact.id: fact for fact in packet.facts}
        assert facts["account"].value == facts["account"].shown == "+8613812345678"
        assert facts["transaction_id"].value == "TX13812345678"
        assert facts["recipient"].value == "张伟 4821"
        for rendered in (
            packet.to_markdown(),
            packet.to_text(),
            packet.to_email().as_string(),
            packet.model_dump_json(),
        ):
            assert "+8613812345678" in rendered
            assert "13900001111" not in rendered  # free text stays masked


class TestSavedSessions:
    """Whole values may be saved unmasked but must read again exactly (item 32, 39)."""

    def saved(self, *answers: str, **facts: str) -> dict[str, Any]:
        session = finish(start(**facts), *answers)
        return json.loads(session.to_json())  # type: ignore[no-any-return]

    @SETTINGS
    @given(account_values())
    def test_every_account_resumes(self, typed: str) -> None:
        session = finish(start(), typed, "TX12345")
        assert restored(session.to_json()) == session
        given = start(account=typed)
        assert restored(given.to_json()) == given

    @pytest.mark.parametrize(
        "edited",
        [
            "13812345678",  # not as the engine keeps it (+8613812345678)
            "+86 138 1234 5678",
            "138****5678",  # masked: the engine never masks a whole value
            "s***@qq.com",
            "ALICE@EXAMPLE.COM",  # the engine lower-cases the domain
            "not an account",
            "+8613812345678 extra",
        ],
    )
    @pytest.mark.parametrize("where", ["answers", "context"])
    def test_hand_edited_account_is_refused(self, edited: str, where: str) -> None:
        if where == "answers":
            data = self.saved("13812345678")
            data["answers"][0]["answer"] = edited
        else:
            data = self.saved(account="13812345678")
            data["context"]["account"] = edited
        with pytest.raises(SessionError) as refused:
            restored(json.dumps(data, ensure_ascii=False))
        assert refused.value.code == "bad-value"

    @SETTINGS
    @given(account_values())
    def test_generated_unnormalised_edits_are_refused(self, typed: str) -> None:
        """A value typed as people type it (not as the engine keeps it) edited into the file."""
        kept = account(typed)
        if typed == kept:
            return
        data = self.saved("13812345678")
        data["answers"][0]["answer"] = typed
        with pytest.raises(SessionError) as refused:
            restored(json.dumps(data, ensure_ascii=False))
        assert refused.value.code == "bad-value"

    @pytest.mark.parametrize(
        ("index", "edited"),
        [
            (2, "13812345678"),  # a phone where the order number is kept masked
            (5, "Zhang Wei 13812345678"),  # the sensitive note: kept masked
            (6, "call 13812345678"),  # free text: kept redacted
            (3, "张伟 13812345678"),  # a whole text fact is still redacted free text
        ],
    )
    def test_other_facts_keep_the_unmasked_refusal(self, index: int, edited: str) -> None:
        data = self.saved("13812345678", *REST)
        data["answers"][index]["answer"] = edited
        with pytest.raises(SessionError) as refused:
            restored(json.dumps(data, ensure_ascii=False))
        assert refused.value.code == "unmasked"

    def test_whole_transaction_id_shaped_like_a_phone_resumes(self) -> None:
        """Item 42: TX13812345678 at its own step is kept, saved and restored."""
        session = finish(start(), "13812345678", "TX13812345678")
        assert restored(session.to_json()) == session


class TestCommandLine:
    """The terminal echo and every ``--json`` event mask the identifier."""

    ANSWERS = ("138 1234 5678", *REST)

    def test_echo_is_masked(self) -> None:
        lines = "\n".join(self.ANSWERS) + "\n"
        result = CliRunner().invoke(cli, ["run", str(ACCOUNT_TREE)], input=lines)
        assert result.exit_code == 0, result.output
        assert "138****5678" in result.output
        assert "+8613812345678" not in result.output
        assert "13812345678" not in result.output

    @SETTINGS
    @given(account_values())
    def test_json_events_are_masked(self, typed: str) -> None:
        args = ["run", str(ACCOUNT_TREE), "--json"]
        for answer in (typed, *REST):
            args += ["--answer", answer]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        events = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        kept = account(typed)
        shown = mask("account", kept)
        answer = next(e for e in events if e["event"] == "answer" and e["id"] == "i_account")
        assert answer["value"] == answer["shown"] == shown
        outcome = events[-1]
        assert outcome["event"] == "outcome"
        assert {"id": "account", "label": "Registered mobile or email", "value": shown} in (
            outcome["facts"]
        )
        for event in events:
            carried = {k: v for k, v in event.items() if k not in ("session", "packet")}
            assert kept not in json.dumps(carried, ensure_ascii=False)
        # the saved session and the packet for support hold it whole
        assert kept in json.dumps(outcome["session"], ensure_ascii=False)
        assert kept in json.dumps(outcome["packet"], ensure_ascii=False)


class TestTreeRules:
    """The format: `keep`, the account type, and the rule that escalations require it."""

    def tree_data(self) -> dict[str, Any]:
        return yaml.safe_load(ACCOUNT_TREE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def write(self, tmp_path: Path, data: dict[str, Any]) -> Path:
        path = tmp_path / "t.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    def test_account_and_keep_make_a_fact_sensitive(self) -> None:
        assert TREE.facts["account"].sensitive
        assert TREE.facts["recipient"].sensitive
        assert (ACCOUNT.kept, PLAN.facts["order_number"].kept) == ("whole", "masked")
        assert PLAN.facts["note"].kept == "masked"
        assert PLAN.facts["description"].kept is None

    @pytest.mark.parametrize("fact", ["account", "recipient"])
    def test_sensitive_false_beside_keep_is_refused(self, tmp_path: Path, fact: str) -> None:
        data = self.tree_data()
        data["facts"][fact]["sensitive"] = False
        with pytest.raises(TreeError) as refused:
            load_tree(self.write(tmp_path, data))
        problem = refused.value.problems[0]
        assert problem.code == "invalid-value"
        assert f"fact '{fact}'" in problem.message
        assert problem.line > 0

    def test_escalation_without_the_account_is_warned_about(self, tmp_path: Path) -> None:
        data = self.tree_data()
        outcome = data["nodes"][-1]
        outcome["requires"] = ["transaction_id"]
        problems = check_tree(load_tree(self.write(tmp_path, data)))
        assert [(p.code, p.severity) for p in problems] == [("account-not-required", "warning")]
        assert "o_help" in problems[0].message
        assert "'account'" in problems[0].message

    def test_a_caller_supplied_account_satisfies_the_rule(self, tmp_path: Path) -> None:
        data = self.tree_data()
        data["facts"]["account"]["from_caller"] = True
        data["nodes"] = data["nodes"][1:]
        data["start"] = "i_tx"
        assert check_tree(load_tree(self.write(tmp_path, data))) == []

    def test_bundled_trees_are_not_warned_yet(self) -> None:
        """No bundled tree declares an account fact yet (a later issue adds them)."""
        for tree_id in bundled_tree_ids():
            codes = {p.code for p in check_tree(load_tree(tree_id))}
            assert "account-not-required" not in codes, tree_id

    def test_unwritten_keep_leaves_the_content_hash_alone(self) -> None:
        """Trees that do not write `keep` hash as before: saved sessions still resume."""
        assert '"keep"' not in load_tree("fee-dispute").model_dump_json()
        assert '"keep":"whole"' in TREE.model_dump_json()

    def test_a_direct_fact_spec_resolves_its_keep(self) -> None:
        spec = FactSpec(id="a", type="account", label=("A", "账"))
        assert spec.kept == "whole"
        assert FactSpec(id="e", type="email", label=("E", "邮"), sensitive=True).kept == "masked"
        assert FactSpec(id="t", type="text", label=("T", "文"), keep="whole").kept == "whole"


class TestCaseReference:
    """The case reference of a session holding an account: stable, and no way to test a
    guess of the account it was made for (the review of 2026-12: 40 bits of SHA-256 over
    the whole phone number could be matched by trying numbers)."""

    KEY = "k" * 24

    def finished(self, phone: str) -> Session:
        return finish(start(), phone, *REST)

    @SETTINGS
    @given(st.integers(0, 9999), st.integers(0, 9999))
    def test_without_a_key_it_tells_no_more_than_the_masked_account(
        self, middle_a: int, middle_b: int
    ) -> None:
        """Two accounts that mask alike (138****5678) give one reference: it cannot tell
        which of the 10,000 numbers behind the mask the session held."""
        a = self.finished(f"138{middle_a:04d}5678")
        b = self.finished(f"138{middle_b:04d}5678")
        assert case_reference(a) == case_reference(b)
        assert case_reference(a) != case_reference(self.finished("13912345679"))

    @SETTINGS
    @given(st.integers(0, 9999), st.integers(0, 9999))
    def test_with_a_key_it_is_keyed_and_still_stable(self, middle_a: int, middle_b: int) -> None:
        keyed = Config(reference_key=SecretStr(self.KEY))
        a = self.finished(f"138{middle_a:04d}5678")
        assert case_reference(a, keyed) == case_reference(restored(a.to_json()), keyed)
        assert case_reference(a, keyed) != case_reference(a)
        other = Config(reference_key=SecretStr("z" * 24))
        assert case_reference(a, keyed) != case_reference(a, other)
        if middle_a != middle_b:  # the key covers the whole account
            b = self.finished(f"138{middle_b:04d}5678")
            assert case_reference(a, keyed) != case_reference(b, keyed)

    def test_the_key_comes_from_the_environment_and_is_never_shown(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv(REFERENCE_KEY_VARIABLE, self.KEY)
        config = load_config()
        assert config.reference_key is not None
        assert config.reference_key.get_secret_value() == self.KEY
        assert self.KEY not in repr(config)
        assert self.KEY not in config.model_dump_json()
        packet = build_packet(self.finished("13812345678"), config=config)
        assert packet.case_id == case_reference(self.finished("13812345678"), config)
        assert self.KEY not in packet.model_dump_json()

    def test_a_short_key_is_refused_with_its_name(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(REFERENCE_KEY_VARIABLE, "short")
        with pytest.raises(ConfigError, match="reference_key"):
            load_config()


def test_a_packet_read_back_from_json_keeps_the_account_whole() -> None:
    """Support's systems read the packet's JSON: the account must survive that whole, while
    any secret in a value still goes and other personal data is still masked."""
    from okpay_triage import EscalationPacket

    packet = build_packet(finish(start(), "13812345678", *REST))
    again = EscalationPacket.model_validate_json(packet.to_json())
    assert again == packet
    assert [f.value for f in again.facts if f.type == "account"] == ["+8613812345678"]
    forged = json.loads(packet.to_json())
    for fact in forged["facts"]:
        if fact["type"] == "account":
            fact["value"] = "+8613812345678 password: hunter2!"
        elif fact["type"] == "text" and not fact["sensitive"]:
            fact["value"] = "call 13900001111"
    read = EscalationPacket.model_validate(forged)
    values = [f.value for f in read.facts]
    assert "+8613812345678 password: [removed]" in values
    assert not any("hunter2" in v or "13900001111" in v for v in values)
