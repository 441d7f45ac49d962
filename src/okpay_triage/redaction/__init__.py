"""Remove secrets from, and mask personal data in, free text typed by wallet users.

This package owns the privacy filter that every answer, fact and note passes through before
anything is stored, rendered or sent (DESIGN "Privacy and bad input", DOMAIN section 4.3).
Secrets (password, PIN, CVV, one-time codes, magnetic-stripe track data) are dropped: the
keyword stays, the value becomes ``[removed]``. Personal data is masked: cards, resident ID
numbers and IBANs to ``****`` plus the last four, mainland mobiles to ``138****5678``, other
``+`` numbers to ``+44 ****0958``, emails to ``a***@domain``.

The stages are one module each: `secrets` (dropped), `addresses` (emails, IBANs), `numbers`
(cards, resident IDs, phones); `base` holds the masks and what the stages share. This module
runs them in order and is the public API.

It is pure (no I/O, no network), never raises on a ``str``, runs in time linear in the input,
and is idempotent: masked forms and the placeholder are never matched again. stdnum and
phonenumbers are imported only when a candidate needs checking, so importing this is cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .addresses import mask_emails, mask_ibans
from .base import PLACEHOLDER as PLACEHOLDER
from .base import mask_email, mask_phone, mask_tail
from .numbers import mask_long_numbers, mask_numbers
from .secrets import drop_secrets

__all__ = [
    "Redaction",
    "mask_email",
    "mask_phone",
    "mask_tail",
    "redact",
    "redact_except",
    "scan",
]
# Also for the library's own use (session.values), not in the documented API: PLACEHOLDER,
# secrets_in.


@dataclass(frozen=True, slots=True)
class Redaction:
    """The result of `scan`.

    Attributes:
        text: The redacted text.
        secrets: Kinds of secret dropped, each once, in the order found: "password", "pin",
            "cvv", "verification_code", "track_data".
        masked: Kinds of personal data masked, each once: "email", "iban", "card",
            "resident_id", "phone".
    """

    text: str
    secrets: tuple[str, ...]
    masked: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """True when anything was dropped or masked."""
        return bool(self.secrets or self.masked)


def scan(text: str, *, secrets: bool = True, long_numbers: bool = False) -> Redaction:
    """Drop secrets, then mask emails, IBANs, and cards / resident IDs / phones in `text`.

    ``secrets`` lists kinds in the order found; ``masked`` lists kinds by stage (email, iban,
    then numbers in text order). Both are deduplicated. With `secrets` false, secrets are
    not looked for: for text already searched for them (`secrets_in`) and refused if any.
    With `long_numbers`, any run of 12 or more digits is masked to its last four, card or
    not (reported as "card"): for a field that asks for a name and the last digits of an
    account, where a whole card or account number is not what support asked for.
    """
    found: list[str] = []
    masked: list[str] = []
    if secrets:
        text = drop_secrets(text, found)
    if long_numbers:
        text = mask_long_numbers(text, masked)
    text = mask_emails(text, masked)
    text = mask_ibans(text, masked)
    text = mask_numbers(text, masked)
    return Redaction(
        text,
        tuple(dict.fromkeys(found)) if found else (),
        tuple(dict.fromkeys(masked)) if masked else (),
    )


def secrets_in(text: str) -> tuple[str, ...]:
    """The kinds of secret `scan` would drop from `text` (its first stage only), each once."""
    found: list[str] = []
    drop_secrets(text, found)
    return tuple(dict.fromkeys(found)) if found else ()


def redact(text: str) -> str:
    """Return `text` with secrets dropped and personal data masked (``scan(text).text``)."""
    return scan(text).text


# What may not touch a kept identifier: it could be part of a longer number, word or address.
_WORD_CHAR = re.compile("[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def redact_except(text: str, verbatim: str) -> str:
    """`redact` `text`, but keep each occurrence of `verbatim` exactly as written.

    For an identifier the system generates, such as a packet's case id: it is no user's
    data, and must stay readable, yet its digits may look like personal data to `redact`
    (``OKP-20261122-32072D`` holds 13 digits that pass the Luhn check; ``X138-20261122-...``
    a mobile number). The text on each side is redacted on its own. An occurrence that
    touches a letter or digit is not kept, since it may be part of a longer number or
    word; nor is anything when `verbatim` is empty. Idempotent, like `redact`.
    """
    if not verbatim or verbatim not in text:
        return redact(text)
    out: list[str] = []
    pos = 0  # start of the text not yet redacted
    at = text.find(verbatim)
    while at >= 0:
        end = at + len(verbatim)
        before = text[at - 1 : at] if at else ""
        after = text[end : end + 1]
        if not _WORD_CHAR.match(before) and not _WORD_CHAR.match(after):
            out += (redact(text[pos:at]), verbatim)
            pos = end
        at = text.find(verbatim, end if pos == end else at + 1)
    out.append(redact(text[pos:]))
    return "".join(out)
