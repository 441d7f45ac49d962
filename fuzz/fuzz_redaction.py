"""Coverage-guided fuzzing of redaction with atheris. See fuzz/README.md.

Each input is decoded as UTF-8 (invalid bytes replaced) and redacted. A finding is any of:
`redact` raises; redacting twice changes the text (not idempotent); the output is more
than four times the input plus a little (each ``[removed]`` replaces a value of at least
one character, and a keyword comes with it); a Luhn-valid card of a common issuer that
stands alone in the input (not glued to letters, digits or a decimal point) is still in
the output. Hangs are libFuzzer's ``-timeout``.

Short mode, as CI runs it (seconds, no corpus kept)::

    python fuzz/fuzz_redaction.py -runs=20000 -max_len=512 -dict=fuzz/redaction.dict
"""

from __future__ import annotations

import re
import sys

import atheris

with atheris.instrument_imports():
    from okpay_triage.redaction import redact

# Cards the filter must always catch, written as one block: Visa 16, Mastercard, UnionPay
# 16 and 19, Amex. Standing alone: nothing glued before or after that could make them
# part of an identifier, an amount or a longer number.
_NEAR = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a_.,:/\\-"
_ALONE_CARD = re.compile(
    rf"(?<![{_NEAR}])(?<![0-9\uff10-\uff19][ \t])"
    r"(4[0-9]{15}|5[1-5][0-9]{14}|62[0-9]{14}(?:[0-9]{3})?|3[47][0-9]{13})"
    rf"(?![{_NEAR}*])(?![ \t][0-9\uff10-\uff19])"
)


def _luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    once = redact(text)
    if redact(once) != once:
        raise AssertionError(f"not idempotent: {text!r} -> {once!r} -> {redact(once)!r}")
    if len(once) > 4 * len(text) + 16:
        raise AssertionError(f"output not linear in the input: {len(text)} -> {len(once)}")
    kept = {m.group(1) for m in _ALONE_CARD.finditer(once)}
    for m in _ALONE_CARD.finditer(text):
        if _luhn(m.group(1)) and m.group(1) in kept:
            raise AssertionError(f"card survived: {text!r} -> {once!r}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
