"""The bundled trees' content rules (DESIGN "The trees", issue 16), over every walk.

Every walk of every bundled tree is taken (each option of each question; at an input a
plain value of its type, and a skip where it is optional) and its packet built, in both
languages. An escalating outcome must name the account (a fact of type ``account``) and
hold it whole in the packet; what the key facts and statements say must be in support's
words, never the user's first person ("my account", "我的账户"); and a question a user may
not be able to answer, as DOMAIN.md marks them, offers a "not sure" way out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from okpay_triage import Session, build_packet, bundled_tree_ids
from okpay_triage.tree.cache import compiled_bundled
from okpay_triage.tree.plan import CompiledTree, FactSpec, StepSpec

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # a Tuesday, in working hours

#: A plain value of each fact type, as a user types it.
TYPED = {
    "account": "13812345678",
    "phone": "13912345678",
    "email": "li.na@example.com",
    "money": "128.50 CNY",
    "datetime": "2026-11-20 14:30",
    "transaction_id": "TX20261120000123",
    "order_number": "OD20261120A1",
    "text": "The app shows error E5100",
}

#: The user's own voice: first-person words in either language.
FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|me|my|mine|myself)\b|我")


def typed(spec: FactSpec) -> str:
    if spec.type == "choice":
        return spec.choices[0]
    if spec.type == "money" and spec.currencies:
        return f"128.50 {spec.currencies[0]}"
    return TYPED[spec.type][: spec.max_length] if spec.type == "text" else TYPED[spec.type]


def walks(plan: CompiledTree, lang: str) -> Iterator[Session]:
    """Every walk from the start to an outcome, as the finished session it makes. The walk
    answers what the session asks, so a route step takes the branch the answers before it
    decide, as it does for a user."""
    stack = [Session.start(plan, lang=lang)]
    while stack:
        session = stack.pop()
        if session.finished:
            yield session
            continue
        spec = plan.steps[session.node.id]
        assert spec.kind != "route", "a session never stops at a route step"
        if spec.kind == "question":
            stack.extend(session.answer(option, now=NOW) for option, _ in spec.options)
        else:
            assert spec.fact is not None
            stack.append(session.answer(typed(plan.facts[spec.fact]), now=NOW))
            if spec.optional:
                stack.append(session.answer("skip", now=NOW))


def finished_sessions(lang: str) -> Iterator[tuple[str, Session]]:
    for tree_id in bundled_tree_ids():
        for session in walks(compiled_bundled(tree_id), lang):
            yield tree_id, session


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_every_escalating_outcome_requires_the_account(tree_id: str) -> None:
    plan = compiled_bundled(tree_id)
    without = [
        spec.id
        for spec in plan.steps.values()
        if spec.outcome is not None
        and spec.outcome.escalate != "no"
        and not any(plan.facts[f].type == "account" for f in spec.outcome.requires)
    ]
    assert without == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_escalating_packet_holds_the_account_whole(lang: str) -> None:
    """Support finds the account from the packet: the identifier as given, not a mask."""
    wrong = []
    for tree_id, session in finished_sessions(lang):
        outcome = session.outcome
        assert outcome is not None
        if outcome.escalate == "no":
            continue
        packet = build_packet(session, now=NOW)
        accounts = [f.value for f in packet.facts if f.type == "account"]
        if accounts != ["+8613812345678"]:
            wrong.append(f"{tree_id}:{outcome.id}: {accounts}")
    assert wrong == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_key_facts_are_in_supports_words(lang: str) -> None:
    """What an answer tells support is said of the user, never in the user's voice: an
    option label such as "It mentions my account" needs a `packet:` phrasing."""
    first_person: set[str] = set()
    for tree_id, session in finished_sessions(lang):
        if session.outcome is None or session.outcome.escalate == "no":
            continue
        packet = build_packet(session, now=NOW)
        said = [f.shown for f in packet.facts if f.type == "choice"]
        said += [s.text for s in packet.statements]
        first_person.update(f"{tree_id}: {text}" for text in said if FIRST_PERSON.search(text))
    assert sorted(first_person) == []


#: Words that speak to the reader: the user's cause says them, support's must not.
SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself)\b|您|你", re.IGNORECASE)


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_escalating_outcomes_state_their_cause_for_support(tree_id: str) -> None:
    """The packet's summary and cause are addressed to support: every escalating outcome
    has a `packet:` cause, in the third person in both languages."""
    plan = compiled_bundled(tree_id)
    wrong = []
    for spec in plan.steps.values():
        out = spec.outcome
        if out is None or out.escalate == "no":
            continue
        if out.packet is None:
            wrong.append(f"{spec.id}: no packet cause")
            continue
        wrong += [f"{spec.id}: {text}" for text in out.packet if SECOND_PERSON.search(text)]
    assert wrong == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_packets_give_supports_cause(lang: str) -> None:
    """The packet's cause and summary are the outcome's `packet:` text, not the user's."""
    pick = 1 if lang == "zh" else 0
    wrong = []
    for tree_id, session in finished_sessions(lang):
        spec = session.plan.steps[session.node.id].outcome
        if spec is None or spec.escalate == "no" or spec.packet is None:
            continue
        packet = build_packet(session, now=NOW)
        said = spec.packet[pick]
        if packet.outcome.cause != said or said.rstrip("。.") not in packet.summary:
            wrong.append(f"{tree_id}:{session.node.id}")
    assert wrong == []


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_the_walks_reach_every_outcome(tree_id: str) -> None:
    """The walks above cover every outcome, those behind a route step too, so the checks
    on their packets leave none out."""
    plan = compiled_bundled(tree_id)
    outcomes = {spec.id for spec in plan.steps.values() if spec.outcome is not None}
    assert {session.node.id for session in walks(plan, "en")} == outcomes


STEP_NUMBER = re.compile(r"(\d+)\. ")


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_outcome_steps_are_numbered_alike(tree_id: str) -> None:
    """An outcome's steps count 1, 2, 3 ... in both languages (a single step may go
    unnumbered), so a user told "step 2" in one language finds the same step in the other."""
    wrong = []
    for spec in compiled_bundled(tree_id).steps.values():
        if spec.outcome is None:
            continue
        en, zh = (
            [
                int(m.group(1)) if (m := STEP_NUMBER.match(step[i])) else None
                for step in spec.outcome.steps
            ]
            for i in (0, 1)
        )
        counted = list(range(1, len(en) + 1))
        if en != zh or en not in (counted, [None]):
            wrong.append(f"{spec.id}: en {en}, zh {zh}")
    assert wrong == []


#: A step that sends the user to another tree names it by its title, in quotes.
TREE_NAMED = (re.compile(r'"([^"]+)" check'), re.compile(r"“([^”]+)”排查"))


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_a_tree_named_in_a_step_exists(tree_id: str) -> None:
    """ "Use the 'Fee dispute' check" names a bundled tree's real title in that language."""
    titles = [compiled_bundled(t).title for t in bundled_tree_ids()]
    wrong = []
    for spec in compiled_bundled(tree_id).steps.values():
        for pair in spec_texts(spec):
            for lang, text in enumerate(pair):
                known = {title[lang] for title in titles}
                wrong += [
                    f"{spec.id}: {n}" for n in TREE_NAMED[lang].findall(text) if n not in known
                ]
    assert wrong == []


def spec_texts(spec: StepSpec) -> list[tuple[str, str]]:
    """The user-visible pairs of a step: prompt, help, info and an outcome's steps."""
    texts = [spec.prompt, *spec.info, *([spec.help] if spec.help else [])]
    if spec.outcome is not None:
        texts += [*spec.outcome.steps, spec.outcome.cause]
    return [(en, zh) for en, zh in texts]


#: The questions DOMAIN.md gives an "unsure" (or "other / not sure") branch, by the step
#: that asks them in the bundled trees, with the DOMAIN question each stands for.
UNSURE_IN_DOMAIN = {
    ("login-failure", "q_symptom"): "Q-LOGIN-1 other / not sure",
    ("login-failure", "q_sure_password"): "Q-LOGIN-3 no / unsure",
    ("login-failure", "q_network"): "Q-LOGIN-4 no / unsure",
    ("failed-transaction", "q_account"): "Q-TX-4 no / unsure",
    ("refund-denied", "q_deadline"): "Q-REF-2 yes / unsure",
    ("refund-denied", "q_policy_check"): "Q-REF-3 yes / unsure",
    ("refund-denied", "q_account_state"): "Q-REF-4 no / unsure",
    ("withdrawal-problem", "q_f_account"): "Q-WD-4 no / unsure",
    ("withdrawal-problem", "q_s_account"): "Q-WD-4 no / unsure",
    ("account-security", "q_concern"): "D-SEC: not sure a site or contact is OKPAY's",
}


@pytest.mark.parametrize(("tree_id", "step"), sorted(UNSURE_IN_DOMAIN))
@pytest.mark.parametrize(("lang", "said"), [("en", "not sure"), ("zh", "不确定")])
def test_questions_domain_marks_unsure_have_a_way_out(
    tree_id: str, step: str, lang: str, said: str
) -> None:
    """Typing "not sure" / "不确定" at such a question is an answer, not an error."""
    plan = compiled_bundled(tree_id)
    spec = plan.steps[step]
    assert spec.kind == "question", UNSURE_IN_DOMAIN[tree_id, step]
    assert spec.lookup.get(said) is not None or spec.lookup.get("other") is not None, (
        UNSURE_IN_DOMAIN[tree_id, step]
    )
