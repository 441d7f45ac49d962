"""Typed facts: what people type is accepted in its many forms, or refused with a reason."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from okpay_triage import AnswerError
from okpay_triage.redaction import PLACEHOLDER, scan
from okpay_triage.session.values import parse_value
from okpay_triage.tree.plan import FactSpec

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def fact(kind: str, **extra: object) -> FactSpec:
    return FactSpec(id="f", type=kind, label=("Fact", "信息"), **extra)  # type: ignore[arg-type]


def value(spec: FactSpec, text: str, lang: str = "en") -> str:
    return parse_value(spec, text, lang, NOW).value  # type: ignore[arg-type]


class TestMoney:
    """BAD_INPUTS item 24: Decimal with two places, positive, or a clear re-ask."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("100 CNY", "100.00 CNY"),
            ("¥1,000.00", "1000.00 CNY"),
            ("１００ 元", "100.00 CNY"),
            ("USD 20.5", "20.50 USD"),
            ("1,000 cny", "1000.00 CNY"),
            ("$3", "3.00 USD"),
            ("128.50人民币", "128.50 CNY"),
        ],
    )
    def test_accepted_forms(self, text: str, expected: str) -> None:
        """Symbols, codes, thousands separators and full-width digits are understood."""
        assert value(fact("money"), text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "NaN",
            "inf",
            "1e309",
            "-5 CNY",
            "100.005 CNY",
            "0 CNY",
            "1,00 CNY",
            "12 CNY USD",
            "abc",
            "100 CNY 5",
        ],
    )
    def test_refused_forms(self, text: str) -> None:
        """Non-numbers, negatives, zero and sub-cent amounts are re-asked."""
        with pytest.raises(AnswerError):
            value(fact("money"), text)

    def test_currency_needed(self) -> None:
        """An amount with no currency is re-asked unless the fact has a default."""
        with pytest.raises(AnswerError, match="currency"):
            value(fact("money"), "100")
        assert value(fact("money", default_currency="CNY"), "100") == "100.00 CNY"

    def test_currency_must_be_allowed(self) -> None:
        """A fact listing currencies refuses others."""
        with pytest.raises(AnswerError, match="CNY"):
            value(fact("money", currencies=("CNY",)), "5 USD")


class TestDatetime:
    """BAD_INPUTS item 25: impossible or future dates and zone-less times are re-asked."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026-11-20 14:30 +08:00", "2026-11-20T14:30+08:00"),
            ("2026-11-20T06:30Z", "2026-11-20T06:30+00:00"),
            ("2026/11/20 14:30 +0800", "2026-11-20T14:30+08:00"),
            ("2026-11-20 14:30 Asia/Shanghai", "2026-11-20T14:30+08:00"),
            ("2026-11-20", "2026-11-20"),
        ],
    )
    def test_accepted_forms(self, text: str, expected: str) -> None:
        """ISO forms, slashes, offsets and zone names are understood."""
        assert value(fact("datetime"), text) == expected

    def test_assumed_zone(self) -> None:
        """A time without a zone takes the fact's assumed zone, when it has one."""
        spec = fact("datetime", assume_timezone="Asia/Shanghai")
        assert value(spec, "2026年11月20日 14:30") == "2026-11-20T14:30+08:00"

    @pytest.mark.parametrize(
        "text",
        [
            "2026-02-30 10:00 +08:00",
            "2026-13-01",
            "yesterday",
            "2099-01-01 10:00 +08:00",
            "2027-01-01",
            "1999-12-31 23:00 +08:00",
            "2026-11-20 25:00 +08:00",
            "2026-11-20 10:00 +15:00",
            "2026-11-20 10:00 Mars/Base",
        ],
    )
    def test_refused(self, text: str) -> None:
        """Impossible, future, ancient and unparseable times are re-asked."""
        with pytest.raises(AnswerError):
            value(fact("datetime"), text)

    def test_time_without_zone_is_reasked(self) -> None:
        """With no assumed zone, a bare time asks for the zone (in the session language)."""
        with pytest.raises(AnswerError, match="时区"):
            value(fact("datetime"), "2026-11-20 14:30", "zh")


class TestOthers:
    @pytest.mark.parametrize(
        "text", ["alice@example.com", "bob+tag@mail.example.org", "用户@例子.中国"]
    )
    def test_emails(self, text: str) -> None:
        """Emails, +tags and IDN domains are accepted (no network is used), kept masked."""
        kept = value(fact("email"), text)
        assert kept.startswith(text[0] + "***@")
        assert kept.endswith(text.rpartition("@")[2])

    @pytest.mark.parametrize("text", ["alice", "a@b", "a b@example.com", "@example.com"])
    def test_bad_emails(self, text: str) -> None:
        with pytest.raises(AnswerError):
            value(fact("email"), text)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("138 1234 5678", "138****5678"),
            ("+86-138-1234-5678", "138****5678"),
            ("+44 20 7946 0958", "+44 ****0958"),
        ],
    )
    def test_phones(self, text: str, expected: str) -> None:
        """Phone numbers are validated (mainland China by default) and kept masked."""
        assert value(fact("phone"), text) == expected

    def test_sensitive_phone_is_masked(self) -> None:
        """A sensitive phone fact is kept as 138****5678."""
        assert value(fact("phone", sensitive=True), "+86 138 1234 5678") == "138****5678"

    @pytest.mark.parametrize("text", ["12345", "hello", "+1 555"])
    def test_bad_phones(self, text: str) -> None:
        with pytest.raises(AnswerError):
            value(fact("phone"), text)

    def test_identifier_keeps_luhn_invalid_numbers(self) -> None:
        """BAD_INPUTS item 19: a long number failing Luhn is an order number, kept."""
        assert value(fact("order_number"), "2026112212345678901") == "2026112212345678901"

    @pytest.mark.parametrize(
        ("kind", "text"),
        [
            ("transaction_id", "TX13812345678"),
            ("transaction_id", "TX-13812345678-01"),
            ("order_number", "OD6222021234567894"),
            ("order_number", "OKP-20261122-7F3A9C"),
        ],
    )
    def test_identifier_shaped_like_personal_data_is_kept(self, kind: str, text: str) -> None:
        """BAD_INPUTS item 42: digits glued to an identifier's letters are the identifier's,
        not a phone or card, so the id typed at its own step is kept whole."""
        assert value(fact(kind), text) == text

    def test_bare_card_typed_as_an_identifier_is_still_masked(self) -> None:
        """A card number typed at an id step, with no letters, is still a card."""
        assert value(fact("transaction_id"), "6222021234567894") == "****7894"

    @pytest.mark.parametrize("text", ["ab", "has space", "x" * 65, "订单号"])
    def test_bad_identifiers(self, text: str) -> None:
        with pytest.raises(AnswerError):
            value(fact("transaction_id"), text)

    @pytest.mark.parametrize(
        ("label", "said"),
        [
            ("Withdrawal transaction ID", "the withdrawal transaction ID as shown"),
            ("OKPAY transaction ID", "the OKPAY transaction ID as shown"),
            ("ID of the payment", "the ID of the payment as shown"),
        ],
    )
    def test_refusal_names_the_field_as_a_sentence_does(self, label: str, said: str) -> None:
        """The label inside the English re-ask reads as part of the sentence (review X6),
        without lowering a word in capitals."""
        spec = FactSpec(id="f", type="transaction_id", label=(label, "交易ID"))
        with pytest.raises(AnswerError) as refused:
            parse_value(spec, "x", "en", NOW)
        assert said in str(refused.value)

    @given(st.integers(1, 64), st.integers(1, 40))
    def test_short_field_over_its_limit_is_asked_again(self, limit: int, over: int) -> None:
        """A short field cut at its limit can lose what matters (review X5: "工商银行 48"
        of "工商银行 4821"): over the limit it is asked again, naming the limit."""
        text = "建设银行1234，应该是工商银行4821" * 8
        text = text[: limit + over] if len(text) >= limit + over else text.ljust(limit + over, "x")
        with pytest.raises(AnswerError) as refused:
            parse_value(fact("text", max_length=limit), text, "zh", NOW)
        assert refused.value.code == "too-long"
        assert str(limit) in str(refused.value)
        assert parse_value(fact("text", max_length=limit), text[:limit], "zh", NOW).value

    @given(
        st.integers(12, 19).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)),
        st.sampled_from(["", " ", "-"]),
        st.sampled_from(["招商银行 ", "Zhang Wei, ", "李明 ", ""]),
    )
    def test_a_whole_kept_field_never_keeps_a_long_number(
        self, digits: str, sep: str, before: str
    ) -> None:
        """Review 3, must-fix 1-3: a field kept whole for support asks for a name and the last
        four digits; a card or account number typed there, valid card or not, in any
        grouping, is kept to its last four."""
        grouped = sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))
        spec = fact("text", keep="whole", sensitive=True, max_length=64)
        kept = parse_value(spec, before + grouped, "zh", NOW)
        # The last four kept, and at most a stray group of three after them (a 19-digit run
        # may hold a 16-digit card, masked as one, and the rest too short to be a number).
        assert sum(c.isdigit() for c in kept.value) <= 7
        assert "****" in kept.value
        assert kept.notices

    @pytest.mark.parametrize("text", ["1", "2", "12", " 3 "])
    def test_an_option_number_is_no_description(self, text: str) -> None:
        """Review 3: "1" typed into a description, as if it were a menu, is asked again; a
        short field (the last digits of an account) still takes digits."""
        with pytest.raises(AnswerError, match="option number"):
            parse_value(fact("text"), text, "en", NOW)
        assert parse_value(fact("text", max_length=20), text, "en", NOW).value == text.strip()

    def test_text_is_capped(self) -> None:
        """BAD_INPUTS item 29: a 1 MB answer is cut to the fact's limit, with a notice."""
        parsed = parse_value(fact("text", max_length=100), "x" * 1_000_000, "en", NOW)
        assert len(parsed.value) <= 101
        assert parsed.notices

    def test_text_nul_and_surrogates_replaced(self) -> None:
        """NUL bytes and lone surrogates never reach a stored value."""
        kept = value(fact("text"), "a\x00b\ud800c")
        assert "\x00" not in kept
        kept.encode("utf-8")  # would raise on a lone surrogate

    def test_secret_in_text_is_dropped_with_notice(self) -> None:
        """BAD_INPUTS item 20: a password inside free text is removed and the user told."""
        parsed = parse_value(fact("text"), "login fails, password: hunter2", "en", NOW)
        assert "hunter2" not in parsed.value
        assert any("never share" in n for n in parsed.notices)

    def test_card_in_text_is_masked(self) -> None:
        """BAD_INPUTS item 18: a card number inside free text is masked to its last four."""
        parsed = parse_value(fact("text"), "paid with 6222 0200 0000 0000 000", "en", NOW)
        assert "6222 0200" not in parsed.value
        assert "0000" in parsed.value

    def test_choice(self) -> None:
        """A choice fact takes one of its choices, compared loosely."""
        spec = fact("choice", choices=("sms", "email"))
        assert value(spec, " SMS ") == "sms"
        with pytest.raises(AnswerError, match="sms, email"):
            value(spec, "pigeon")


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("text", "card 4111 1111 1111 1111, password: hunter2!"),
        ("transaction_id", "TX13812345678"),
        ("email", "alice@example.com"),
        ("money", "¥1,000.00"),
    ],
)
def test_a_typed_value_is_scanned_once(redaction_passes: list[str], kind: str, text: str) -> None:
    """Redaction runs at most once per value: one full scan of a typed answer; none for an
    amount, a time or a choice, whose canonical form cannot hold personal data, nor for an
    email or phone, which is masked whole (the tests below show both), once the typed text
    was searched for secrets."""
    parse_value(fact(kind), text, "en", NOW)
    assert len(redaction_passes) == (0 if kind in ("money", "datetime", "email") else 1)


@settings(max_examples=300)
@given(
    local=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._%+'-]{0,20}", fullmatch=True),
    host=st.from_regex(
        r"([A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?\.){1,3}[A-Za-z]{2,6}", fullmatch=True
    ),
    sensitive=st.booleans(),
)
def test_an_email_is_masked_as_the_scan_would_mask_it(
    local: str, host: str, sensitive: bool
) -> None:
    """An email typed at its step is masked without a scan of its own: exactly as a scan of
    the kept address would mask it, with the same notice. (Where the scan would not see an
    address, as in ``0@-.aa``, the step still masks what it accepted as one.)"""
    address = f"{local}@{host}"
    try:
        kept = parse_value(fact("email", sensitive=sensitive), address, "en", NOW)
    except AnswerError:
        return  # not an address the email step accepts
    canonical = f"{local}@{host.lower()}"
    assert kept.value == scan(canonical).text
    assert scan(canonical).masked == ("email",)
    assert any("email address" in n for n in kept.notices)


@settings(max_examples=300)
@given(
    number=st.one_of(
        st.integers(13_000_000_000, 19_999_999_999).map(str),
        st.integers(2_012_000_000, 9_899_999_999).map(lambda n: f"+1 {n}"),
        st.integers(7_400_000_000, 7_999_999_999).map(lambda n: f"+44 {n}"),
    ),
    sensitive=st.booleans(),
)
def test_a_phone_is_masked_as_the_scan_would_mask_it(number: str, sensitive: bool) -> None:
    """A phone typed at its step is masked without a scan of its own, as a scan of its
    E.164 form would mask it."""
    import phonenumbers

    try:
        kept = parse_value(fact("phone", sensitive=sensitive), number, "en", NOW)
    except AnswerError:
        return  # not a valid number
    e164 = phonenumbers.format_number(
        phonenumbers.parse(number, "CN"), phonenumbers.PhoneNumberFormat.E164
    )
    assert kept.value == scan(e164).text
    assert "phone" in scan(e164).masked


@settings(max_examples=300)
@given(
    whole=st.integers(1, 9_999_999_999),
    cents=st.integers(0, 99),
    currency=st.sampled_from(["CNY", "USD", "EUR", "HKD", "GBP"]),
    form=st.sampled_from(
        ["{w}.{c:02d} {cur}", "{cur} {w:,}.{c:02d}", "¥{w:,}", "{w}元", "{w}.{c:02d}"]
    ),
)
def test_every_amount_kept_is_left_alone_by_redaction(
    whole: int, cents: int, currency: str, form: str
) -> None:
    """Any amount the money parser keeps (up to ten digits: a phone number typed as an
    amount included) comes out of redaction unchanged, so it needs no scan of its own."""
    spec = fact("money", default_currency=currency)
    kept = value(spec, form.format(w=whole, c=cents, cur=currency))
    assert scan(kept).text == kept


@settings(max_examples=300)
@given(
    moment=st.datetimes(datetime(2000, 1, 1), datetime(2026, 11, 21)),
    offset=st.integers(-12 * 4, 14 * 4).map(lambda q: q * 15),
    form=st.sampled_from(
        [
            "{d:%Y-%m-%d %H:%M} {z}",
            "{d:%Y-%m-%dT%H:%M:%S}{z}",
            "{d:%Y/%m/%d %H:%M} {z}",
            "{d:%Y-%m-%d}",
        ]
    ),
)
def test_every_time_kept_is_left_alone_by_redaction(
    moment: datetime, offset: int, form: str
) -> None:
    """Any date or time the datetime parser keeps comes out of redaction unchanged."""
    sign = "-" if offset < 0 else "+"
    zone = f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    kept = value(fact("datetime"), form.format(d=moment, z=zone))
    assert scan(kept).text == kept


class TestSensitiveTextWithSecrets:
    """A sensitive text fact keeps a tail of the user's own words: never a fragment of the
    ``[removed]`` placeholder, never anything of the secret redaction dropped."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Zhang Wei 4821 password: hunter2!", "****word [removed]"),
            ("张伟 4821 密码是abc123", "****1密码是 [removed]"),
            ("pin 4821", "pin [removed]"),
            ("Zhang Wei 4821", "****4821"),
        ],
    )
    def test_kept_form(self, text: str, expected: str) -> None:
        """The placeholder is taken out before masking and written once, whole, at the end."""
        assert value(fact("text", sensitive=True), text) == expected

    @settings(max_examples=150, deadline=None)
    @given(data=st.data())
    def test_never_a_placeholder_fragment_nor_the_secret(self, data: st.DataObject) -> None:
        """Random words (lower-case, Chinese), digits 0-4, and a secret after a keyword form,
        in both scripts: the secret is drawn from characters the rest never uses (upper
        case, digits 5-9, ``!#``), so none of them may be kept at all."""
        form, alphabet, low, high = data.draw(st.sampled_from(_SECRET_FORMS))
        secret = data.draw(st.text(alphabet, min_size=low, max_size=high))
        if form == "验证码 {}" or form == "otp: {}":
            secret = data.draw(st.sampled_from("56789")) + secret  # a code holds a digit
        words = st.lists(_OWN_WORDS, max_size=4).map(" ".join)
        text = f"{data.draw(words)} {form.format(secret)} {data.draw(words)}".strip()
        dropped = scan(text)
        assume(secret not in dropped.text and dropped.secrets)  # redaction's job, not mask's
        assume(_has_own_words(dropped.text))  # otherwise the answer is refused
        kept = value(fact("text", sensitive=True), text)
        own = kept.replace(PLACEHOLDER, "")
        assert "[" not in own, kept
        assert "]" not in own, kept
        assert kept.count(PLACEHOLDER) == 1, kept
        assert kept.endswith(f" {PLACEHOLDER}"), kept
        assert not set(own) & set(secret), (text, kept)
        if own.startswith("****"):  # the tail is the end of the user's own words
            tail = own.removeprefix("****").strip()
            theirs = unicodedata.normalize("NFKC", dropped.text.replace(PLACEHOLDER, ""))
            assert "".join(c for c in theirs if c.isalnum()).endswith(tail), (text, kept)


#: Keyword forms (lower case: upper case is the secret's), the secret's alphabet and length.
_SECRET_FORMS = [
    ("password: {}", "ABCDEFGHJKMNPQRSTUVWXYZ56789!#", 4, 12),
    ("密码是{}", "ABCDEFGHJKMNPQRSTUVWXYZ56789!#", 3, 12),
    ("密码 {}", "ABCDEFGHJKMNPQRSTUVWXYZ56789", 3, 12),
    ("pin {}", "56789", 4, 8),
    ("cvv {}", "56789", 3, 4),
    ("安全码 {}", "56789", 3, 4),
    ("验证码 {}", "ABCDEFGH56789", 3, 8),
    ("otp: {}", "56789", 3, 8),
]
_OWN_WORDS = st.one_of(
    st.sampled_from(["zhang", "wei", "paid", "shop", "refund", "my", "was", "张伟", "转账"]),
    st.text("01234", min_size=1, max_size=4),
)


def _has_own_words(text: str) -> bool:
    return any(c.isalnum() for c in text.replace(PLACEHOLDER, ""))


@given(
    local=st.from_regex(r"[a-z0-9][a-z0-9.]{0,10}", fullmatch=True),
    number=st.integers(13_000_000_000, 19_999_999_999),
    kind=st.sampled_from(["email", "phone", "account"]),
)
def test_masking_is_idempotent(local: str, number: int, kind: str) -> None:
    """A masked email or phone masked again is unchanged (a preview of a preview, or a
    rendering that masks what another already masked)."""
    from okpay_triage.session.values import mask

    value = f"{local}@example.com" if kind == "email" else f"+86{number}"
    if kind == "account" and number % 2:
        value = f"{local}@example.com"
    once = mask(kind, value)
    assert mask(kind, once) == once


# --- the quick readings agree with the general ones ------------------------------------

CURRENCY_WORDS = ("", "¥", "$", "US$", "hk$", "€", "£", "元", "块", "人民币", "美元", "港币",
                  "rmb", "RMB", "CNY", "usd", "Eur", "abc", "CNY5")  # fmt: skip


@settings(max_examples=500)
@given(
    before=st.sampled_from(CURRENCY_WORDS),
    number=st.from_regex(r"(\d{1,3}(,\d{3})+|\d{1,9})(\.\d{1,3})?", fullmatch=True),
    after=st.sampled_from(CURRENCY_WORDS),
    gaps=st.tuples(st.sampled_from(["", " ", "  "]), st.sampled_from(["", " ", "\u3000"])),
)
def test_an_amount_in_the_usual_form_is_read_as_the_general_reading_reads_it(
    before: str, number: str, after: str, gaps: tuple[str, str]
) -> None:
    """``¥315``, ``308元``, ``CNY 329.19`` are read by one match; whatever it reads, the
    general reading (currency words around one number) reads the same."""
    from okpay_triage.session.money import amount_in_words, plain_amount

    text = unicodedata.normalize("NFKC", f"{before}{gaps[0]}{number}{gaps[1]}{after}").strip()
    quick = plain_amount(text)
    if quick is not None:
        assert quick == amount_in_words(fact("money"), text, "en"), text


def test_the_usual_amount_forms_take_the_quick_reading() -> None:
    """The quick reading is the one the usual forms take (else it would test nothing)."""
    from okpay_triage.session.money import plain_amount

    for text in ("¥315", "308元", "CNY 329.19", "322.12 CNY", "¥1,000", "100 US$"):
        assert plain_amount(text) is not None, text
    for text in ("CNY 5 CNY", "100CNY", "三百元", "1.2万元"):
        assert plain_amount(text) is None, text


@settings(max_examples=400)
@given(
    year=st.integers(1990, 2030),
    month=st.integers(0, 13),
    day=st.integers(0, 32),
    clock=st.none() | st.tuples(st.integers(0, 25), st.integers(0, 61)),
    marks=st.tuples(
        st.sampled_from(["日", "号", ""]),
        st.sampled_from(["点", "时", ":", " 点 "]),
        st.sampled_from(["", " ", "  "]),
    ),
    zone=st.sampled_from(["", " UTC", " +08:00", " Asia/Tokyo", "Z"]),
)
def test_the_usual_chinese_form_is_read_as_its_rewrite_is(
    year: int,
    month: int,
    day: int,
    clock: tuple[int, int] | None,
    marks: tuple[str, str, str],
    zone: str,
) -> None:
    """``2026年11月20日 14点30`` is read by one match; it must read as the same text
    rewritten with dashes and colons is read, and a slashed date as a dashed one."""
    from okpay_triage.session.values import _DATETIME, _ZH_CLOCK, _ZH_DATE, _ZH_DATETIME

    day_mark, clock_mark, gap = marks
    time = f" {clock[0]}{clock_mark}{clock[1]:02d}" if clock else ""
    text = f"{year}{gap}年{month}月{gap}{day}{day_mark}{time}{zone}"
    rewritten = _ZH_CLOCK.sub(r"\1:\2", _ZH_DATE.sub(r"\1-\2-\3", text))
    quick, general = _ZH_DATETIME.match(text), _DATETIME.match(rewritten)
    if quick is not None:
        assert general is not None, (text, rewritten)
        year_, dashed, _, day_, *rest = general.groups()
        assert quick.groups() == (year_, dashed, day_, *rest), text
    spec = fact("datetime", assume_timezone="Asia/Shanghai")
    dashed_text = f"{year}-{month}-{day}" + (f" {clock[0]}:{clock[1]:02d}" if clock else "")

    def reading(text: str) -> str:
        try:
            return value(spec, text + zone)
        except AnswerError as error:
            return f"refused: {error}"

    assert reading(dashed_text.replace("-", "/")) == reading(dashed_text)


@settings(max_examples=400)
@given(
    minutes=st.integers(-5 * 24 * 60, 5 * 24 * 60),
    offset=st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15),
)
def test_a_time_is_refused_as_future_exactly_when_it_is_after_the_clock(
    minutes: int, offset: int
) -> None:
    """A moment in any zone, days either side of the clock: refused as in the future
    exactly when it is later than the clock (and its slack), however far its day is from
    the clock's day."""
    from datetime import timedelta, timezone

    from okpay_triage.session.values import CLOCK_SLACK

    zone = timezone(timedelta(minutes=offset))
    moment = (NOW + timedelta(minutes=minutes)).astimezone(zone)
    sign = "-" if offset < 0 else "+"
    text = f"{moment:%Y-%m-%d %H:%M} {sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    spec = fact("datetime")
    if moment > NOW + CLOCK_SLACK:
        with pytest.raises(AnswerError, match="in the future") as refused:
            value(spec, text)
        assert refused.value.code == "bad-value"
    else:
        assert value(spec, text) == f"{moment:%Y-%m-%dT%H:%M}{text[-6:]}", text


@settings(max_examples=300)
@given(
    prefix=st.integers(100, 199),
    rest=st.integers(0, 10**8 - 1),
    form=st.sampled_from(["{}", "+86{}", "+86 {}", "+86-{}"]),
    sep=st.sampled_from(["", " ", "-"]),
)
def test_a_mainland_mobile_in_its_usual_forms_is_read_as_phonenumbers_reads_it(
    prefix: int, rest: int, form: str, sep: str
) -> None:
    """The usual forms of a mainland mobile are read without a parse; whatever that reads,
    `phonenumbers` reads the same (and takes it for a mobile, so an account accepts it)."""
    import phonenumbers

    from okpay_triage.session.contacts import phone_by_library, typed_mobile

    digits = f"{prefix}{rest:08d}"
    text = form.format(sep.join((digits[:3], digits[3:7], digits[7:])))
    quick = typed_mobile(text)
    if quick is None:
        return
    assert quick == phone_by_library(text, "en"), text
    kind = phonenumbers.number_type(phonenumbers.parse(text, "CN"))
    assert kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def test_every_mobile_prefix_reads_as_phonenumbers_reads_it() -> None:
    """Every four-digit prefix of an 11-digit number starting with 1: the quick reading
    accepts exactly the numbers `phonenumbers` takes for valid mainland mobiles."""
    import phonenumbers

    from okpay_triage.session.contacts import typed_mobile

    mobiles = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    for prefix in range(1000, 2000):
        for tail in ("0000000", "5550123", "9999999"):
            digits = f"{prefix}{tail}"
            try:
                number = phonenumbers.parse(digits, "CN")
            except phonenumbers.NumberParseException:
                taken = None
            else:
                valid = phonenumbers.is_valid_number(number)
                mobile = valid and phonenumbers.number_type(number) in mobiles
                taken = (
                    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                    if mobile
                    else None
                )
            assert typed_mobile(digits) == taken, digits
