"""Saved sessions: the JSON a session is kept as, and the checks that restore it.

A saved session is untrusted input: a file on disk, or the JSON a chat client sends back
with every request. `restore` accepts only the shape `dump` writes, finds the tree (a
bundled one once per process, with no file-system call after that), and walks the saved
answers through it again, refusing any answer that does not fit its step and any value the
engine would never have kept (personal data edited back in, an amount ``abc``).

A chat backend sees each state twice: it saves it after an answer, and the client sends it
back with the next one. So the states this process saved, or restored, are remembered
(`remember`): a state that comes back exactly as it was saved (same tree content, facts
given up front and answers) needs no new walk, and one that adds an answer to a remembered
state has only that answer checked. Anything else is checked in full. The checks of values
are cached as well, so a conversation pays them once.

A session saved under another version of its tree (a deploy changed the tree while it was in
flight) is replayed on the tree it resumes under, by the rule of `replay`: it resumes there
when every answer still fits, and is refused with the first step that changed otherwise.

It runs over 400 lines by design: the shape checks, the value checks and the memory of
checked states are three parts of one question (may this text be restored?), and they share
its types.
"""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from typing import Any

from okpay_triage.errors import AnswerError, SessionError
from okpay_triage.tree.plan import CompiledTree, FactSpec
from okpay_triage.tree.registry import TreeRef, TreeRegistry
from okpay_triage.types import Lang, Source

from .context import bound_choice, bound_to_question, quoted
from .replay import DAMAGED, changed_error, leads_to, misfit, replayed_from, source_misfit, tree_in

SESSION_FORMAT = "okpay-triage/session"
SESSION_VERSION = 1

#: One answered step as a session keeps it: (node id, option id or value, source).
Entry = tuple[str, str | None, Source]

#: A restored session's state: (language, facts given up front, answers, current node).
State = tuple[Lang, dict[str, str], tuple[Entry, ...], str]

#: A state by what decides whether it may be restored: (tree id, tree content hash, facts
#: given up front, answers). The current node is the value.
StateKey = tuple[str, str, tuple[tuple[str, str], ...], tuple[Entry, ...]]


@lru_cache(maxsize=1024)
def _masked(value: str) -> bool:
    """Whether a saved value is as the engine keeps values: redaction leaves it unchanged.

    A session file (or the JSON a chat client sends back) could be edited to carry a full
    phone or card number; restoring it would put that into every rendering and saved copy.
    """
    from okpay_triage.redaction import redact

    return redact(value) == value


#: The versions known without a registry: the bundled trees.
_BUNDLED = TreeRegistry()

#: The longest value the engine keeps: a text fact's 4,000 characters and the "…" of a cut.
_LONGEST_VALUE = 4001
_ADDRESSES = frozenset(("account", "email", "phone"))  # whole, they are never masked


def _check_saved(
    plan: CompiledTree, key: str, value: str, where: str, *, given: bool = False
) -> None:
    """Refuse a saved value of fact `key` that the engine would not have kept. An address
    kept whole for support, or an id such as ``TX13812345678``, may look unmasked: that it
    reads again as itself is its check."""
    spec, edited = plan.facts[key], "so the file was changed by hand"
    whole = spec.kept == "whole" and spec.type in _ADDRESSES
    if len(value) <= _LONGEST_VALUE and not _masked(value) and not whole:
        if _as_kept(plan, key, value, given=given):
            return
        raise SessionError(
            f"the session file holds personal data that is not masked ({where}); "
            f"okpay-triage never saves that, {edited}",
            code="unmasked",
        )
    if len(value) > _LONGEST_VALUE or not _as_kept(plan, key, value, given=given):
        raise SessionError(
            f"the session file holds a value okpay-triage would not have saved for '{key}' "
            f"({where}, a {plan.facts[key].type} fact), {edited}",
            code="bad-value",
        )


def _as_kept(plan: CompiledTree, key: str, value: str, *, given: bool = False) -> bool:
    """Whether a saved value of fact `key` is in the form the engine keeps: read again as if
    typed (or, with `given`, passed to `Session.start`), it comes back unchanged
    (``100.00 CNY``, ``2026-11-20T14:30+08:00``).

    A masked value (``138****5678``, ``****0002``: a sensitive fact, or a card number typed
    where an id is asked) cannot be read again; that it is masked is all there is to check,
    and `_masked` checks it. Amounts, times and choices are never masked.
    """
    spec = plan.facts[key]
    if given and bound_to_question(plan, key):
        try:
            again: str | None = bound_choice(plan, key, value, "en")
        except AnswerError:
            again = None
    else:  # any other fact given up front is read as it would be typed
        again = _typed_again(spec, value)
    if again is None and not (spec.kept == "whole" and spec.type in _ADDRESSES):
        shape = _MASKED_SHAPES.get(spec.type)
        return shape is not None and shape.fullmatch(value) is not None
    return again == value


#: What a value the engine masked looks like, by fact type, when it cannot be read again:
#: an email or phone masked whole (``l***@example.com``, ``138****5678``, ``+44 ****0958``),
#: an identifier with the card or phone number typed into it masked (``****1111``), a
#: sensitive identifier's tail with a dropped secret's marker. Anything else beside a mask
#: (free text after an email, say) was never kept by the engine.
_ID_CHARS = r"[A-Za-z0-9._:-]"
_EMAIL_MASK = r"[^\s@*]?\*\*\*@[^\s@]+"
_PHONE_MASK = r"(?:\+\d{1,3} )?(?:1\d\d)?\*{4}\d{1,4}"
_MASKED_SHAPES = {
    "email": re.compile(_EMAIL_MASK),
    "phone": re.compile(_PHONE_MASK),
    "account": re.compile(f"{_EMAIL_MASK}|{_PHONE_MASK}"),  # `keep: masked`: either form
    "transaction_id": re.compile(rf"{_ID_CHARS}*\*{{4}}[^\s*]{{1,4}}(?: \[removed\])?{_ID_CHARS}*"),
    "order_number": re.compile(rf"{_ID_CHARS}*\*{{4}}[^\s*]{{1,4}}(?: \[removed\])?{_ID_CHARS}*"),
}


@lru_cache(maxsize=1024)
def _typed_again(spec: FactSpec, value: str) -> str | None:
    """What the engine keeps when `value` is typed for `spec`, None if it is refused.

    Cached, as `_masked` is: a chat backend restores the same saved values on every request
    of a conversation, and the answer does not change (a time that is not in the future now
    never will be). Only values up to `_LONGEST_VALUE` reach the caches, so 1,024 of them
    keep a few MB at most.
    """
    from .values import parse_value

    try:
        return parse_value(spec, value, "en").value
    except AnswerError:
        return None


#: `json.dumps(..., ensure_ascii=False)` makes an encoder on every call; one is enough. A
#: session's document holds no cycles to look for.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def dump(
    plan: CompiledTree,
    lang: Lang,
    context: dict[str, str],
    entries: tuple[Entry, ...],
    replayed: TreeRef | None = None,
) -> str:
    """The JSON of a session: tree id, version and content hash, language, facts given up
    front, and every answer with its source; and, for a session whose answers were replayed
    from an earlier version of the tree, that version and its hash."""
    document: dict[str, object] = {
        "format": SESSION_FORMAT,
        "version": SESSION_VERSION,
        "tree": {"id": plan.id, "version": plan.version, "hash": plan.hash},
        "lang": lang,
        "context": context,
        "answers": [{"node": n, "answer": a, "source": s} for n, a, s in entries],
    }
    if replayed is not None:
        document["replayed_from"] = {"version": replayed.version, "hash": replayed.hash}
    return _ENCODER.encode(document)


def restore(
    text: str | bytes,
    plan: CompiledTree | None,
    *,
    registry: TreeRegistry | None = None,
    upgrade: bool = True,
) -> tuple[CompiledTree, State, TreeRef | None, bool]:
    """The tree and state of a saved session, the version its answers were replayed from
    when it was saved under another one (or None), and whether they were replayed now
    (rather than by an earlier upgrade the saved session records).

    `plan` None: the tree comes from `registry` (default: the bundled trees), its latest
    version or, without `upgrade`, the very version the session was saved under. A session
    saved under another version than the tree it resumes under is replayed there when
    `upgrade` is set: each answer must fit the step the tree reaches (`replay.misfit`).

    Raises:
        SessionError: the text is not a saved session, its tree is not `plan` (or not
            known), it has changed so that an answer no longer fits (``tree-changed``; with
            `upgrade` off, any change), or an answer or value is not one the engine keeps.
    """
    data = _read(text)
    saved = data["tree"]
    key, node = _known(saved, data["context"], data["answers"])
    if key is None or node is None:  # not remembered: check every field, then the answers
        context, entries = _fields(data["context"], data["answers"])
        key = (saved["id"], saved["hash"], tuple(context.items()), entries)
    if plan is None:
        plan = bundled_plan(saved["id"]) if registry is None else tree_in(registry, saved, upgrade)
    if saved["id"] != plan.id:
        raise SessionError(
            f"the session is for tree '{saved['id']}', not '{plan.id}'", code="wrong-tree"
        )
    field = data.get("replayed_from")
    replayed = None if field is None else replayed_from(plan, field)
    if saved["hash"] != plan.hash:
        if not upgrade:
            raise SessionError(
                f"tree '{plan.id}' has changed since this session was saved (saved with "
                f"version {saved['version']}, now version {plan.version}); its answers may no "
                "longer fit, so start a new session",
                code="tree-changed",
            )
        replayed = TreeRef(saved["id"], saved["version"], saved["hash"])
        key, node = (plan.id, plan.hash, key[2], key[3]), None  # walked again, on this tree
    context = data["context"]
    if node is None:
        earlier = None
        if saved["hash"] != plan.hash:
            earlier = (registry or _BUNDLED).get(saved["id"], saved["hash"])
        node = _replay(
            plan, context, key, replayed if saved["hash"] != plan.hash else None, earlier
        )
        remember(plan, context, key[3], node, len(text))
    lang: Lang = "zh" if data["lang"] == "zh" else "en"
    return plan, (lang, context, key[3], node), replayed, saved["hash"] != plan.hash


@lru_cache(maxsize=64)
def bundled_plan(tree_id: str) -> CompiledTree:
    """The compiled bundled tree of a saved session: found once per process, then kept, so a
    stateless request makes no file-system call (nor any import)."""
    from okpay_triage.errors import TreeError
    from okpay_triage.tree.bundled import is_bundled
    from okpay_triage.tree.cache import compiled_bundled

    if not is_bundled(tree_id):
        raise SessionError(
            f"the session was made with tree '{tree_id}', which is "
            "not a bundled tree; pass the tree to resume it",
            code="not-bundled",
        )
    try:
        return compiled_bundled(tree_id)
    except TreeError as error:  # pragma: no cover - bundled trees are checked by tests
        raise SessionError(
            f"the bundled tree '{tree_id}' is invalid:\n{error}", code="tree-invalid"
        ) from None


_SOURCES = frozenset(("user", "context", "route"))
_TOP_LEVEL = frozenset(("format", "version", "tree", "lang", "context", "answers", "replayed_from"))


def _read(text: str | bytes) -> dict[str, Any]:
    """The saved document, with its format, version, tree and language checked."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise SessionError(
            "the session file is not valid JSON (truncated or corrupt?)", code="not-json"
        ) from None
    if type(data) is not dict or data.get("format") != SESSION_FORMAT:
        raise SessionError("this is not a saved okpay-triage session", code="not-a-session")
    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        shown = ", ".join(repr(k)[:40] for k in unknown[:5])
        raise SessionError(
            f"the session file holds keys okpay-triage never writes ({shown}), "
            "so it was changed by hand",
            code="damaged",
        )
    if type(data.get("version")) is not int or data.get("version") != SESSION_VERSION:
        raise SessionError(
            f"unsupported session format version {data.get('version')!r}",
            code="unsupported-version",
        )
    tree = data.get("tree")
    # json.loads makes exact dicts, lists and strs, so exact type tests are enough.
    if not (
        type(tree) is dict
        and type(tree.get("id")) is str
        and type(tree.get("version")) is str
        and type(tree.get("hash")) is str
        and data.get("lang") in ("en", "zh")
    ):
        raise SessionError(DAMAGED)
    return data


def _known(tree: dict[str, str], context: Any, answers: Any) -> tuple[StateKey | None, str | None]:
    """The key of the state these fields describe and, if it is remembered, its node.

    Only a lookup: a remembered key holds nothing but strings (and None for a skipped
    input), and no other JSON value equals a string, so fields equal to one have the right
    types without each being tested; any others go through `_fields`. (None, None): the
    fields cannot make a key (not a list of dicts, or a value that cannot be hashed).
    """
    try:
        entries = tuple([(a["node"], a["answer"], a["source"]) for a in answers])
        key = (tree["id"], tree["hash"], tuple(context.items()), entries)
        return key, _KNOWN.get(key)
    except (AttributeError, KeyError, TypeError):
        return None, None


def _fields(context: Any, answers: Any) -> tuple[dict[str, str], tuple[Entry, ...]]:
    """The facts given up front and the answers, each field checked for its type."""
    if not (
        type(context) is dict
        and all(type(v) is str for v in context.values())  # keys of JSON objects are strs
        and type(answers) is list
    ):
        raise SessionError(DAMAGED)
    entries = []
    for item in answers:
        if type(item) is not dict:
            raise SessionError(DAMAGED)
        node, answer, source = item.get("node"), item.get("answer"), item.get("source")
        if type(node) is not str or not (answer is None or type(answer) is str):
            raise SessionError(DAMAGED)
        if source not in _SOURCES:
            raise SessionError(DAMAGED)
        entries.append((node, answer, source))
    return context, tuple(entries)


#: States this process saved or restored, oldest first, with the size of their JSON.
_KNOWN: dict[StateKey, str] = {}
_SIZES: dict[StateKey, int] = {}
_KNOWN_MAX = 4096  # states
_KNOWN_CHARS = 4_000_000  # of their JSON, so long texts cannot make it hold much more
_known_chars = 0
_lock = threading.Lock()


def remember(
    plan: CompiledTree,
    context: dict[str, str],
    entries: tuple[Entry, ...],
    node: str,
    size: int,
) -> None:
    """Remember a state that was checked (restored, or made by the engine from a checked one)
    so that it is not walked again when it comes back; `size` is the length of its JSON."""
    global _known_chars
    key = (plan.id, plan.hash, tuple(context.items()), entries)
    if key in _KNOWN or size > _KNOWN_CHARS:
        return
    with _lock:
        while _KNOWN and (len(_KNOWN) >= _KNOWN_MAX or _known_chars + size > _KNOWN_CHARS):
            oldest = next(iter(_KNOWN))
            del _KNOWN[oldest]
            _known_chars -= _SIZES.pop(oldest)
        if key not in _KNOWN:
            _KNOWN[key] = node
            _SIZES[key] = size
            _known_chars += size


def remembered() -> tuple[int, int]:
    """How many states are remembered, and the length of their JSON in all."""
    return len(_KNOWN), _known_chars


def forget() -> None:
    """Forget every remembered state (for tests and benchmarks of the full checks)."""
    global _known_chars
    with _lock:
        _KNOWN.clear()
        _SIZES.clear()
        _known_chars = 0


def _replay(
    plan: CompiledTree,
    context: dict[str, str],
    key: StateKey,
    changed: TreeRef | None,
    earlier: CompiledTree | None = None,
) -> str:
    """Check that each saved answer fits the step it claims to answer, in order, and every
    value its fact; the node the answers lead to. The answers but the last of a remembered
    state are not checked again. `changed`: the session was saved under that other version
    of the tree, so an answer that does not fit is a change of the tree (``tree-changed``,
    naming the first step that changed) rather than damage; `earlier`: that version, when
    it is known."""
    entries = key[3]
    known = _KNOWN.get((*key[:3], entries[:-1])) if entries else None
    node, first = (plan.start, 1) if known is None else (known, len(entries))
    if known is None:  # (a remembered state had the same facts given up front)
        unknown = [k for k in context if k not in plan.facts]
        if unknown:
            names = ", ".join(quoted(k) for k in unknown)
            if changed is not None:
                raise changed_error(plan, changed, f"the tree no longer has the facts {names}")
            raise SessionError(f"the session file names facts this tree does not have: {names}")
        for k, value in context.items():
            _check_saved(plan, k, value, "in the facts given up front", given=True)
    steps = plan.steps
    for number, (at, answer, source) in enumerate(entries[first - 1 :], first):
        why = misfit(plan, node, at, answer, earlier)
        spec = steps[node]
        if why is None:
            why = source_misfit(spec, context, answer, source)
            if why is not None and changed is None:
                raise SessionError(
                    f"the session file is damaged: answer {number} says it came from "
                    f"{'the facts given up front' if source == 'context' else 'the user'}, "
                    "which it cannot have"
                )
        if why is not None:
            if changed is not None:
                raise changed_error(plan, changed, f"answer {number}: {why}")
            raise SessionError(
                f"the session file is damaged: answer {number} does not fit "
                f"step '{at}' of tree '{plan.id}'"
            )
        if spec.kind == "input" and answer is not None and spec.fact is not None:
            _check_saved(plan, spec.fact, answer, f"answer {number}")
        node = leads_to(spec, answer)
    return node
