"""Contacts typed at their own step: an email address, a phone number, an account's
registered mobile number or email, each kept in one normal form (E.164; the email's domain
lower-cased). `phonenumbers` is imported only when a number is read."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from okpay_triage.errors import AnswerError
from okpay_triage.tree.plan import FactSpec
from okpay_triage.types import Lang
from okpay_triage.wording import say

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+$")
#: What may be typed as a phone number at an account step, once full-width forms are made
#: plain: digits, spaces, ``+``, brackets, dots and dashes (``+86 (138) 1234-5678``).
PHONE_CHARS = re.compile(r"^\+?[0-9()\s.-]{5,40}$")
#: An email at an account step: no ``*`` (the engine's masks are made of them) and no
#: space or second ``@``.
_ACCOUNTEMAIL = re.compile(r"^[^@\s*]{1,64}@[^@\s.*]+(?:\.[^@\s.*]+)+$")


def parse_email(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    value = text.strip()
    if len(value) > 254 or not EMAIL.match(value):
        raise AnswerError(say("bad-email", lang), code="bad-value")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def parse_phone(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    import phonenumbers

    value = unicodedata.normalize("NFKC", text).strip()
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise AnswerError(say("bad-phone", lang), code="bad-value") from None
    if not phonenumbers.is_valid_number(number):
        raise AnswerError(say("bad-phone", lang), code="bad-value")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def parse_account(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    """An account's registered mobile number or email: a phone as E.164 (mainland mobiles
    with or without ``+86``/``0086``; other countries' numbers with their ``+`` code), an
    email with its domain lower-cased."""
    value = unicodedata.normalize("NFKC", text).strip()
    refused = AnswerError(say("bad-account", lang), code="bad-value")
    if "@" in value:
        if len(value) > 254 or not _ACCOUNTEMAIL.match(value):
            raise refused
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"
    if not PHONE_CHARS.match(value):
        raise refused
    digits = re.sub(r"\D", "", value)
    if value.startswith("+"):
        written = "+" + digits
    elif digits.startswith("00"):  # 0086 138 ...: the international prefix
        written = "+" + digits[2:]
    elif len(digits) == 13 and digits.startswith("861"):  # 8613812345678
        written = "+" + digits
    else:
        written = digits
    import phonenumbers

    try:
        number = phonenumbers.parse(written, "CN")
    except phonenumbers.NumberParseException:
        raise refused from None
    kind = phonenumbers.number_type(number)
    mobile = kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    if not phonenumbers.is_valid_number(number) or (number.country_code == 86 and not mobile):
        raise refused  # a mainland account is registered by mobile, never a landline
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
