"""Contacts typed at their own step: an email address, a phone number, an account's
registered mobile number or email, each kept in one normal form (E.164; the email's domain
lower-cased). `phonenumbers` is imported only when a number is read."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import cache

from okpay_triage.errors import AnswerError
from okpay_triage.tree.plan import FactSpec
from okpay_triage.types import Lang
from okpay_triage.wording import say

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+$")
#: What may be typed as a phone number at an account step, once full-width forms are made
#: plain: digits, spaces, ``+``, brackets, dots and dashes (``+86 (138) 1234-5678``).
PHONE_CHARS = re.compile(r"^(?:\+|\(\s*\+)?[0-9()\s.-]{5,40}$")  # "(+86) 138 ..." too
#: An email at an account step: no ``*`` (the engine's masks are made of them) and no
#: space or second ``@``.
_ACCOUNTEMAIL = re.compile(r"^[^@\s*]{1,64}@[^@\s.*]+(?:\.[^@\s.*]+)+$")


#: A label typed before an account, phone or email: ``我的手机号是``, ``手机号：``,
#: ``my phone is``, ``邮箱：``; dropped with the separator after it.
_ADDRESS_LABEL = re.compile(
    r"^(?:我的)?(?:注册)?(?:手机号码|手机号|手机|电话号码|电话|邮箱地址|邮箱|账号|账户|帐号)"
    r"\s*(?:是|为)?\s*[:：]?\s*"
    r"|^(?:my\s+)?(?:registered\s+)?(?:phone|mobile|cell|email|e-mail|account)"
    r"(?:\s+(?:number|no\.?|address))?\s*(?:is\b)?\s*[:：]?\s*",
    re.IGNORECASE,
)


def _unlabelled(value: str) -> str:
    """`value` without a leading label (`_ADDRESS_LABEL`), where something follows it."""
    if value[:1].isdigit() or value[:1] == "+":
        return value
    label = _ADDRESS_LABEL.match(value)
    return value[label.end() :] if label and label.end() < len(value) else value


def parse_email(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    value = _unlabelled(text.strip())
    if len(value) > 254 or not EMAIL.match(value):
        raise AnswerError(say("bad-email", lang), code="bad-value")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


#: A mainland mobile number as usually typed: 11 digits, maybe after +86, maybe in groups
#: of 3-4-4 (``+86 139 1742 9719``, ``150-1781-7750``).
_TYPED_MOBILE = re.compile(r"(?:\+86[ -]?)?(1\d\d)[ -]?(\d{4})[ -]?(\d{4})")


@cache
def _mobile_numbers() -> re.Pattern[str]:
    """The national numbers `phonenumbers` takes for mainland mobiles, from its metadata."""
    from phonenumbers import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region("CN")
    pattern = metadata.mobile.national_number_pattern if metadata and metadata.mobile else None
    return re.compile(pattern or "(?!)")  # (no pattern: every number is parsed)


def typed_mobile(value: str) -> str | None:
    """The E.164 form of a mainland mobile number in its usual typed forms, as `phonenumbers`
    would give it (by its own pattern for mainland mobiles, without a parse: a parse and
    check cost ~15 us); None for anything else, which `phonenumbers` then reads."""
    typed = _TYPED_MOBILE.fullmatch(value)
    if typed is None:
        return None
    digits = "".join(typed.groups())
    return "+86" + digits if _mobile_numbers().fullmatch(digits) else None


def parse_phone(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    value = _unlabelled(unicodedata.normalize("NFKC", text).strip())
    return typed_mobile(value) or phone_by_library(value, lang)


def phone_by_library(value: str, lang: Lang) -> str:
    """The E.164 form of phone number `value` (NFKC, stripped), read by `phonenumbers` with
    the mainland as the default region.

    Raises:
        AnswerError: it is not a valid phone number.
    """
    import phonenumbers

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
    email with its domain lower-cased; a leading label (``我的手机号是``) is dropped."""
    value = _unlabelled(unicodedata.normalize("NFKC", text).strip())
    refused = AnswerError(say("bad-account", lang), code="bad-value")
    if "@" in value:
        if len(value) > 254 or not _ACCOUNTEMAIL.match(value):
            raise refused
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"
    if not PHONE_CHARS.match(value):
        raise refused
    quick = typed_mobile(value)
    if quick is not None:
        return quick
    digits = re.sub(r"\D", "", value)
    if value.lstrip("( ").startswith("+"):  # (+86) 138 ..., pasted from a contact card
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
