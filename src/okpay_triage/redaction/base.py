"""What every part of redaction shares: the masks, the placeholder, and splicing.

The masks are public (`mask_tail`, `mask_email`, `mask_phone`); the rest is for the other
modules of this package. phonenumbers is imported only when a ``+`` number needs checking.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: What a dropped secret is replaced with.
PLACEHOLDER = "[removed]"
#: A character class body: ASCII and full-width digits.
DIGIT = "0-9\uff10-\uff19"
#: A character class of what people put between the digits of one number: spaces, tabs,
#: dashes, dots, slashes, middle dots, zero-width and soft-hyphen characters.
SEPARATOR = "[ \t\u00a0\u3000\\-\u2010-\u2014\uff0d./\u00b7\u30fb\u200b-\u200d\u2060\ufeff\u00ad]"
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_PREFIX = {11: "", 13: "86", 15: "0086"}  # by length: 13812345678, +86..., 0086...


def mask_tail(value: str, keep: int = 4) -> str:
    """Return ``****`` plus the last `keep` letters or digits of `value`.

    Nothing is revealed when `value` has no more than `keep` of them, so a mask never shows a
    whole value. Raises ValueError if `keep` is negative.
    """
    if keep < 0:
        raise ValueError("keep must not be negative")
    chars = [c for c in unicodedata.normalize("NFKC", value) if c.isalnum()]
    return "****" + ("".join(chars[-keep:]) if keep and len(chars) > keep else "")


def mask_email(value: str) -> str:
    """``alice+tag@example.com`` -> ``a***@example.com``; the domain is kept as written."""
    value = value.strip()
    at = max(value.rfind("@"), value.rfind("\uff20"))
    if at < 0:
        return "***"
    first = value[:1] if at > 0 else ""
    return f"{first}***@{value[at + 1 :]}"


def mask_phone(value: str) -> str:
    """Mask a phone number written in any common form.

    Mainland mobiles, with or without ``+86``/``86``/``0086``, become ``138****5678``. Other
    numbers written with a leading ``+`` keep their country code: ``+44 ****0958``. Anything
    else keeps only its last four digits: ``****5678``.
    """
    digits = "".join(c for c in unicodedata.normalize("NFKC", value) if c in "0123456789")
    plus = value.lstrip().startswith(("+", "\uff0b"))
    mobile = mainland_mobile(digits) if not plus or digits.startswith("86") else None
    if mobile:
        return f"{mobile[:3]}****{mobile[-4:]}"
    if plus:
        code = country_code(digits)
        if code:
            return f"+{code} {mask_tail(digits[len(code) :])}"
    return mask_tail(digits)


def mainland_mobile(d: str) -> str | None:
    prefix = _MOBILE_PREFIX.get(len(d))
    if prefix is not None and d.startswith(prefix) and _MOBILE.match(d, len(prefix)):
        return d[len(prefix) :]
    return None


def splice(text: str, spans: list[tuple[int, int, str]]) -> str:
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end, repl in sorted(spans):
        out += (text[pos:start], repl)
        pos = end
    out.append(text[pos:])
    return "".join(out)


@lru_cache(maxsize=1024)
def country_code(digits: str, strict: bool = False) -> str | None:
    """Country calling code of ``+digits`` (only if the number is valid, when `strict`)."""
    import phonenumbers

    try:
        number = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return None
    if strict and not phonenumbers.is_valid_number(number):
        return None
    return str(number.country_code)
