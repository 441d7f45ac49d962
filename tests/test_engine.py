"""The session engine: immutable steps, answers in both languages, context facts, save/resume."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from okpay_triage import AnswerError, Session, SessionError, bundled_tree_ids, load_tree
from okpay_triage.testing import SensitiveText, sensitive_text
from okpay_triage.text import normalize
from okpay_triage.tree.load import parse_tree

MINI = Path(__file__).parent / "data" / "good" / "mini.yaml"


@pytest.fixture
def login() -> Session:
    return Session.start(load_tree("login-failure"))


class TestAnswering:
    """`answer` accepts an option id, its number, or a label or synonym in either language."""

    @pytest.mark.parametrize(
        "value",
        [
            "forgot",
            2,
            "2",
            "２",
            "I have forgotten my password",
            "忘记密码",
            "  Forgot  ",
            "FORGOT!",
        ],
    )
    def test_ways_to_pick_an_option(self, login: Session, value: str | int) -> None:
        """Each form picks the 'forgot' option."""
        assert login.answer(value).node.id == "q_reset"

    @pytest.mark.parametrize("value", ["y", "yes", "是", "对", "Yes"])
    def test_common_yes_words(self, value: str) -> None:
        """Options with id 'yes' accept the common words for yes in both languages."""
        session = Session.start(load_tree(MINI))
        assert session.answer(value).outcome is not None

    def test_answer_returns_a_new_session(self, login: Session) -> None:
        """The old session is unchanged: sessions are values."""
        before = login.to_json()
        moved = login.answer("forgot")
        assert moved is not login
        assert login.to_json() == before
        assert login.node.id == "q_symptom"

    @pytest.mark.parametrize("value", ["", "   ", "6", "0", "-1", "banana", "\u200b"])
    def test_invalid_answer_lists_the_options(self, login: Session, value: str) -> None:
        """An empty or unknown answer is refused with the options, and nothing changes."""
        with pytest.raises(AnswerError) as caught:
            login.answer(value)
        assert "1) It says my account name or password is wrong" in str(caught.value)
        assert caught.value.node_id == "q_symptom"
        assert isinstance(caught.value, ValueError)

    def test_refused_answer_is_echoed_redacted(self, login: Session) -> None:
        """A refused answer holding a card number is not repeated back in full."""
        with pytest.raises(AnswerError) as caught:
            login.answer("my card 4111 1111 1111 1111")
        assert "4111 1111 1111 1111" not in str(caught.value)

    def test_error_message_in_session_language(self) -> None:
        """The refusal is in Chinese for a Chinese session."""
        session = Session.start(load_tree("login-failure"), lang="zh")
        with pytest.raises(AnswerError, match="不是可选的答案"):
            session.answer("banana")

    def test_overlong_answer_is_shortened_in_the_message(self, login: Session) -> None:
        """A 1 MB answer is refused without echoing all of it."""
        with pytest.raises(AnswerError) as caught:
            login.answer("x" * 1_000_000)
        assert len(str(caught.value)) < 1000

    def test_answer_after_outcome_is_refused(self) -> None:
        """A finished session takes no more answers."""
        done = Session.start(load_tree(MINI)).answer("yes")
        assert done.finished
        with pytest.raises(AnswerError) as caught:
            done.answer("yes")
        assert caught.value.code == "finished"

    def test_unknown_language_is_refused(self) -> None:
        """Only en and zh sessions exist."""
        with pytest.raises(AnswerError):
            Session.start(load_tree(MINI), lang="fr")


class TestNodeView:
    """`session.node` shows the current step in the session's language."""

    def test_question_view(self) -> None:
        """A question has a prompt, numbered options and no fact."""
        node = Session.start(load_tree("login-failure"), lang="zh").node
        assert node.kind == "question"
        assert node.prompt == "您登录时遇到了什么情况？"
        assert node.options[1] == ("forgot", "我忘记了密码")
        assert node.fact == "login_symptom"
        assert node.remaining >= 3

    def test_input_view(self) -> None:
        """An input names its fact and has no options."""
        node = Session.start(load_tree(MINI)).answer("no").node
        assert (node.kind, node.fact, node.options) == ("input", "email", [])


class TestInputs:
    """Input steps validate typed facts and keep them privacy-safe."""

    def test_email_is_masked_when_sensitive(self) -> None:
        """A sensitive email is kept only masked."""
        done = Session.start(load_tree(MINI)).answer("no").answer("alice@example.com")
        assert done.facts == {"email": "a***@example.com"}
        assert "alice" not in done.to_json()

    def test_invalid_email_is_refused(self) -> None:
        """A value that is not an email is re-asked."""
        session = Session.start(load_tree(MINI)).answer("no")
        with pytest.raises(AnswerError) as caught:
            session.answer("not an email")
        assert caught.value.code == "bad-value"

    def test_secret_is_dropped_and_reasked(self) -> None:
        """A verification code typed into a step is never kept; the user is told why."""
        session = Session.start(load_tree(MINI)).answer("no")
        with pytest.raises(AnswerError) as caught:
            session.answer("验证码 483920")
        assert caught.value.code == "secret-removed"
        assert "483920" not in str(caught.value)

    def test_optional_input_can_be_skipped(self) -> None:
        """An optional input accepts 'skip' and leaves the fact missing."""
        session = Session.start(load_tree("login-failure"))
        for answer in ("forgot", "no code", "sms", "no", "13812345678", "2026-11-20 09:15"):
            session = session.answer(answer)
        assert session.node.optional
        skipped = session.answer("skip")
        assert skipped.transcript[-1].answer is None
        assert "contact_log" not in skipped.facts


class TestShownFacts:
    """Facts as a reader sees them, for outputs."""

    def test_labels_and_option_labels(self) -> None:
        """Fact labels and choice values are shown in the session language."""
        session = Session.start(
            load_tree("login-failure"), lang="zh", facts={"account": "a@example.com"}
        )
        session = session.answer("forgot")
        assert session.shown_facts() == [
            ("注册手机号或邮箱", "a***@example.com"),
            ("登录时的现象", "我忘记了密码"),
        ]

    @pytest.mark.parametrize("tree_id", bundled_tree_ids())
    @settings(max_examples=40, deadline=None)
    @given(data=st.data())
    def test_a_choice_is_shown_in_the_words_of_the_question_that_set_it(
        self, tree_id: str, data: st.DataObject
    ) -> None:
        """Two questions may give one option id of one fact two labels (account-security's
        `freeze` after a lost phone and after a scam payment): a session shows each choice
        by the label of the question on its own path that set it."""
        from okpay_triage.testing import sessions

        session = data.draw(sessions(load_tree(tree_id), facts=False))
        plan = session.plan
        expected: dict[str, str] = {}
        pick = 1 if session.lang == "zh" else 0
        for entry in session.transcript:
            step = plan.steps[entry.node_id]
            if step.kind == "question" and step.fact:
                expected[plan.facts[step.fact].label[pick]] = entry.shown
        shown = dict(session.shown_facts())
        for label, option_label in expected.items():
            assert shown[label] == option_label

    def test_the_lost_phone_request_is_not_the_scam_payment_one(self) -> None:
        """The fifth review's repro: after a lost phone, "freeze" is the lost-phone label."""
        session = Session.start(load_tree("account-security"), lang="en")
        plan = session.plan
        now = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
        for typed in ("lost_phone", "jane.doe@example.com", "last night around 10pm", "3", "1"):
            if session.node.id == "q_lost_request":
                break
            session = session.answer(typed, now=now)
        assert session.node.id == "q_lost_request", session.node.id
        session = session.answer("freeze")
        words = dict(session.shown_facts())["What the user asks support to do"]
        option = next(o for o in plan.steps["q_lost_request"].options if o[0] == "freeze")
        assert words == option[1][0]
        assert "payment" not in words


class TestBack:
    """`back` returns the session one user answer earlier."""

    def test_back_undoes_answer(self, login: Session) -> None:
        """answer then back gives an equal session."""
        assert login.answer("forgot").back() == login

    def test_back_at_start_is_refused(self, login: Session) -> None:
        """There is nothing to undo at the start."""
        with pytest.raises(AnswerError) as caught:
            login.back()
        assert caught.value.code == "nothing-to-undo"

    def test_back_keeps_context_answers(self) -> None:
        """Answers from context are not undone by back."""
        tree = load_tree("login-failure")
        session = Session.start(tree, facts={"login_symptom": "forgot"})
        assert session.node.id == "q_reset"
        assert session.transcript[0].source == "context"
        with pytest.raises(AnswerError):
            session.back()
        moved = session.answer("done")
        assert moved.back() == session


class TestContext:
    """Facts known up front skip their steps and are recorded as answered from context."""

    def test_known_email_skips_its_input(self) -> None:
        """An input whose fact is known is skipped, recorded with source 'context'."""
        session = Session.start(load_tree(MINI), facts={"email": "bob@example.org"})
        done = session.answer("no")
        assert done.finished
        assert [(e.node_id, e.source) for e in done.transcript] == [
            ("q1", "user"),
            ("i_email", "context"),
        ]
        assert done.facts["email"] == "b***@example.org"

    def test_bound_question_answered_by_synonym(self) -> None:
        """A fact naming an option by synonym answers the bound question."""
        session = Session.start(load_tree("login-failure"), facts={"login_symptom": "忘记密码"})
        assert session.node.id == "q_reset"
        assert session.facts["login_symptom"] == "forgot"

    def test_unknown_fact_is_refused(self) -> None:
        """A fact the tree does not declare is an AnswerError naming the known ones."""
        with pytest.raises(AnswerError, match="account"):
            Session.start(load_tree("login-failure"), facts={"favourite_colour": "blue"})

    def test_invalid_fact_value_is_refused(self) -> None:
        """A value invalid for its fact's type is an AnswerError."""
        with pytest.raises(AnswerError, match="account"):
            Session.start(load_tree("login-failure"), facts={"account": "nope"})

    def test_choice_value_naming_no_option_is_refused(self) -> None:
        """A bound choice fact must name one of its question's options."""
        with pytest.raises(AnswerError):
            Session.start(load_tree("login-failure"), facts={"login_symptom": "banana"})


class TestSaving:
    """`to_json`/`from_json` round-trip exactly; a changed or foreign tree is refused."""

    def test_round_trip(self) -> None:
        """A restored session equals the saved one and saves to the same JSON."""
        session = Session.start(
            load_tree("login-failure"), lang="zh", facts={"account": "c@example.com"}
        )
        for answer in ("forgot", "code_missing", "sms", "no", "2026-11-20 09:15", "skip"):
            session = session.answer(answer)
        text = session.to_json()
        restored = Session.from_json(text)
        assert restored == session
        assert restored.to_json() == text
        assert restored.transcript == session.transcript

    def test_json_names_tree_version_and_hash(self, login: Session) -> None:
        """The saved form names the tree it belongs to."""
        saved = json.loads(login.to_json())
        assert saved["tree"]["id"] == "login-failure"
        assert saved["tree"]["hash"].startswith("sha256:")

    def test_changed_tree_upgrades_or_is_refused(self, tmp_path: Path) -> None:
        """Resuming against an edited tree replays the answers there when they still fit
        (a text changed), and is refused naming the step when one does not; with
        ``upgrade=False`` any change is refused."""
        original = load_tree(MINI)
        saved = Session.start(original).answer("no").to_json()
        text = MINI.read_text(encoding="utf-8")
        edited = parse_tree(text.replace("Did it work?", "Did that work?")).tree
        assert edited is not None
        upgraded = Session.from_json(saved, edited)
        assert upgraded.node.id == "i_email"
        assert upgraded.replayed_from == Session.from_json(saved, original).tree_ref
        with pytest.raises(SessionError, match="has changed since this session was saved"):
            Session.from_json(saved, edited, upgrade=False)
        renamed = parse_tree(text.replace('{id: "no",', '{id: "nope",')).tree
        assert renamed is not None
        with pytest.raises(
            SessionError, match="answer 1: step 'q1' no longer has the option 'no'"
        ) as caught:
            Session.from_json(saved, renamed)
        assert caught.value.code == "tree-changed"
        assert Session.from_json(saved, original).node.id == "i_email"

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "{",
            "[]",
            '{"format": "something-else"}',
            "null",
            '{"format": "okpay-triage/session", "version": 99}',
        ],
    )
    def test_corrupt_or_foreign_text_is_refused(self, text: str) -> None:
        """Truncated, corrupt or foreign text is a SessionError, never a traceback."""
        with pytest.raises(SessionError):
            Session.from_json(text)

    def test_hand_edited_answer_is_refused(self, login: Session) -> None:
        """An answer that does not fit its step is refused on resume."""
        saved = json.loads(login.answer("forgot").to_json())
        saved["answers"][0]["answer"] = "no-such-option"
        with pytest.raises(SessionError, match="answer 1 does not fit") as caught:
            Session.from_json(json.dumps(saved))
        assert caught.value.code == "damaged"

    @pytest.mark.parametrize("raw", ["13812345678", "alice@example.com", "6222021234567890128"])
    def test_hand_edited_unmasked_value_is_refused(self, login: Session, raw: str) -> None:
        """A saved input value edited to hold a full phone, email or card number is refused,
        while the masked value the engine saved resumes."""
        session = login
        # The lock message is free text: personal data typed into it is kept masked.
        answers = ("locked", "try later", "13812345678", "2026-11-21 08:00", "alice@example.com")
        for answer in answers:
            session = session.answer(answer)
        saved = json.loads(session.to_json())
        assert saved["answers"][-1]["answer"] == "a***@example.com"
        assert Session.from_json(json.dumps(saved)) == session
        saved["answers"][-1]["answer"] = raw
        with pytest.raises(SessionError, match="not masked") as caught:
            Session.from_json(json.dumps(saved))
        assert caught.value.code == "unmasked"

    def test_hand_edited_unmasked_context_is_refused(self) -> None:
        """The same holds for facts given up front."""
        session = Session.start(load_tree("login-failure"), facts={"error_message": "a@b.cn"})
        saved = json.loads(session.to_json())
        assert saved["context"]["error_message"] != "a@b.cn"
        saved["context"]["error_message"] = "a@b.cn"
        with pytest.raises(SessionError, match="not masked"):
            Session.from_json(json.dumps(saved))

    def test_unknown_tree_is_refused(self, login: Session) -> None:
        """A session naming a tree that is not bundled is refused."""
        saved = json.loads(login.to_json())
        saved["tree"]["id"] = "no-such-tree"
        with pytest.raises(SessionError, match="not a bundled tree"):
            Session.from_json(json.dumps(saved))


class TestQuotingRefusedAnswers:
    """BAD_INPUTS 36: a refused answer or up-front fact is quoted only after redaction, and
    cut after masking, never before."""

    @settings(max_examples=150, deadline=None)
    @given(
        found=sensitive_text(),
        before=st.text(alphabet="abc 这是", max_size=60),
        after=st.text(alphabet="xyz 的了", max_size=60),
    )
    def test_not_an_option_message(self, found: SensitiveText, before: str, after: str) -> None:
        """However long the text around it, personal data in a refused answer is never quoted."""
        text = f"{before} {found.text} {after}"
        with pytest.raises(AnswerError) as caught:
            Session.start(load_tree("login-failure")).answer(text)
        assume(caught.value.code == "no-such-option")
        message = str(caught.value)
        for needle in found.needles:
            assert needle not in message
        quote = message[message.index("“") + 1 : message.index("”")]
        assert len(quote) <= 41  # 40 characters and the "…" of a cut

    @given(text=st.text(max_size=60))
    def test_quoted_answer_is_always_valid_unicode(self, text: str) -> None:
        """Lone surrogates in a refused answer never reach the message (it can be encoded)."""
        try:
            Session.start(load_tree("login-failure")).answer(text + "\udc80")
        except AnswerError as error:
            str(error).encode("utf-8")

    @settings(max_examples=100, deadline=None)
    @given(found=sensitive_text())
    def test_refused_fact_name_and_value(self, found: SensitiveText) -> None:
        """An unknown fact name, or a value that names no option, is quoted redacted."""
        tree = load_tree("login-failure")
        messages = []
        for facts in ({found.text: "x"}, {"login_symptom": found.text}):
            with pytest.raises(AnswerError) as caught:
                Session.start(tree, facts=facts)
            messages.append(str(caught.value))
        for needle in found.needles:
            assert all(needle not in message for message in messages)


class TestFactsUpFront:
    """Issue 15 item 9: what a caller may pass up front, and one set of facts for any tree."""

    @pytest.mark.parametrize("value", [None, [1], {"a": 1}, object()])
    def test_non_text_values_are_refused_clearly(self, value: object) -> None:
        """None and containers are refused with the fact named, never kept as "None"."""
        with pytest.raises(AnswerError, match="amount") as caught:
            Session.start(load_tree("fee-dispute"), facts={"amount": value})
        assert caught.value.code == "bad-fact"

    @pytest.mark.parametrize(("value", "kept"), [(128.5, "128.50 CNY"), (99, "99.00 CNY")])
    def test_numbers_are_written_out(self, value: object, kept: str) -> None:
        """A number is read as typed (here with the currency the caller passes separately)."""
        session = Session.start(load_tree("fee-dispute"), facts={"amount": f"{value} CNY"})
        assert session.facts["amount"] == kept

    @given(tree_id=st.sampled_from(sorted(bundled_tree_ids())))
    def test_one_set_of_facts_for_any_tree(self, tree_id: str) -> None:
        """With ignore_unknown_facts, facts another tree declares are dropped, not refused."""
        facts = {"account_email": "li.na@example.com", "no_such_fact": "x", "amount": "5 CNY"}
        tree = load_tree(tree_id)
        session = Session.start(tree, facts=facts, ignore_unknown_facts=True)
        assert set(session.facts) <= set(tree.facts)
        with pytest.raises(AnswerError):
            Session.start(tree, facts=facts)


@pytest.mark.parametrize("said", ["skip", "Skip", " 跳过 ", "-", "n/a", "N/A"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_skip_at_a_step_that_must_be_answered_is_refused_not_kept(said: str, lang: str) -> None:
    """'skip' typed where the step cannot be skipped was kept as the answer ('skip' as a
    transaction id, '跳过' as a recipient, in the packet as data): it is refused, and the
    session is unchanged."""
    from okpay_triage.tree.cache import compiled_bundled

    for tree_id in bundled_tree_ids():
        plan = compiled_bundled(tree_id)
        for spec in plan.steps.values():
            if spec.kind != "input" or spec.optional:
                continue
            session = _at(plan, spec.id, lang)
            if session is None:
                continue
            with pytest.raises(AnswerError) as refused:
                session.answer(said)
            assert refused.value.code == "required"
            assert refused.value.node_id == spec.id
            assert session.node.id == spec.id
            return  # one required step reached is enough per case
    pytest.fail("no required input reached")


_NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _at(plan: object, node_id: str, lang: str) -> Session | None:
    """A session at `node_id`, reached by a breadth-first walk of first options (None if
    not reached within a few hundred steps)."""
    from okpay_triage.tree.plan import CompiledTree

    assert isinstance(plan, CompiledTree)
    start = Session.start(plan, lang=lang)
    queue = [start]
    seen = 0
    while queue and seen < 400:
        session = queue.pop(0)
        seen += 1
        if session.node.id == node_id:
            return session
        if session.finished:
            continue
        node = session.node
        if node.kind == "question":
            queue.extend(session.answer(oid) for oid, _ in node.options)
        else:
            spec = plan.facts[node.fact or ""]
            typed = {
                "account": "13812345678",
                "money": "100 CNY",
                "datetime": "2026-11-20 10:00",
                "email": "a@example.com",
                "phone": "13912345678",
                "choice": (spec.choices or ("x",))[0],
            }
            queue.append(session.answer(typed.get(spec.type, "TX20261120000123"), now=_NOW))
    return None


# --------------------------------------------------------------- skip words, found cheaply

_PADDING = st.sampled_from(
    [" ", "\u3000", "\u200b", "\ufeff", "\u00ad", ".", "。", "！", "，", "\t"]
)
_WIDE = {c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyz/-"}


@st.composite
def _near_skip_words(draw: st.DrawFn) -> str:
    """A skip word as people might type it: any case, full-width letters, padding of white
    space, invisible characters and punctuation around and inside it, maybe more words."""
    from okpay_triage.session.skips import SKIP_WORDS

    word = draw(st.sampled_from(sorted(SKIP_WORDS)))
    chars = [
        draw(st.sampled_from([c, c.upper(), _WIDE.get(c, c)])) + draw(st.text(_PADDING, max_size=2))
        for c in word
    ]
    extra = draw(st.text(st.characters(codec="utf-8"), max_size=6))
    return (
        draw(st.text(_PADDING, max_size=30)) + "".join(chars) + draw(st.sampled_from(["", extra]))
    )


@given(st.one_of(_near_skip_words(), st.text(max_size=40)))
@settings(max_examples=800)
def test_skip_words_are_found_without_normalizing_every_answer(text: str) -> None:
    """The shortcut that spares a long answer `normalize` never misses a skip word: where it
    normalizes it gives `normalize`'s form, and where it does not the form is no skip word."""
    from okpay_triage.session.skips import SKIP_WORDS, skip_form
    from okpay_triage.text import normalize

    form = skip_form(text)
    if form is None:
        assert normalize(text) not in SKIP_WORDS
    else:
        assert form == normalize(text)


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_a_label_typed_without_its_commas_picks_its_option(tree_id: str) -> None:
    """ "退款已同意但钱一直没到账" picks "退款已同意，但钱一直没到账": people leave the
    commas out of a label they copy by eye, in either language."""
    from okpay_triage.tree.cache import compiled_bundled

    plan = compiled_bundled(tree_id)
    wrong = []
    for step in plan.steps.values():
        for index, (oid, label) in enumerate(step.options):
            for text in label:
                bare = re.sub("[,;:，；：、]", "", text)
                if bare != text and step.lookup.get(normalize(bare)) != index:
                    wrong.append(f"{step.id}: {bare} -> {oid}")
    assert wrong == []


@pytest.mark.parametrize("said", ["没有", "none", "无"])
def test_none_answers_a_free_text_step_rather_than_skipping_it(said: str) -> None:
    """Review 4: "没有" typed for "earlier contacts (optional)" was recorded as a skip, so
    support could not tell "never contacted" from "did not say". At a free-text step it is
    the answer; "跳过" still skips."""
    tree = parse_tree(
        """
id: none-said
version: "1"
title: {en: "None", zh: "无"}
start: i_contacts
facts:
  contact_log: {type: text, label: {en: "Earlier contacts", zh: "此前的联系"}}
nodes:
  - id: i_contacts
    kind: input
    fact: contact_log
    optional: true
    prompt: {en: "Earlier contacts?", zh: "此前联系过客服吗？"}
    next: o_help
  - id: o_help
    kind: outcome
    title: {en: "Support", zh: "客服"}
    cause: {en: "Support acts.", zh: "客服处理。"}
    steps: [{en: "Wait.", zh: "请等待。"}]
    escalate: "no"
    severity: low
"""
    ).tree
    assert tree is not None
    assert Session.start(tree).answer(said).facts == {"contact_log": said}
    assert Session.start(tree).answer("跳过").facts == {}
