"""A short answer that names a card, an account or a person (``招商银行 尾号6789``, ``李某
尾号5566``), masked for showing while keeping the words that identify nobody.

The rule (`mask_labelled`):

- Words that only say what kind of thing it is are shown as typed: a bank or wallet name
  from `BANK_WORDS` (``招商银行``, ``工行``, ``支付宝``, ``ICBC``) and the words around a card
  or account number (``尾号``, ``信用卡``, ``ending``, ``card``). A name is known to be a
  bank's only when it is on the list: an unlisted one (``宁波银行``, shown ``宁***``) is
  masked like a name, showing too little rather than too much; a short one (``中行``,
  ``卡``) right next to other letters is read as part of them (``李中行`` is a name).
- Every other word is taken to be a person's name, which is personal: it is shown as its
  first character and a ``*`` for each other one (``李*``, ``Z**** W**``), so the user sees
  that a name was read but nobody else can read it; a one-character word is ``*``. The
  first character of a Chinese name is the surname, shared by millions, where any other
  character would say more.
- Of the digits only the last run is shown, and of it at most its last four (``尾号6789``);
  every other run, and the rest of a longer last one, is ``****``.
- Blanks, punctuation and marks already masked (``****``) are kept, so masking a masked
  value changes nothing.
"""

from __future__ import annotations

import re

#: Bank and wallet names, in full and as people shorten them, that identify no one.
BANK_WORDS = (
    *("中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "中国邮政储蓄银行"),
    *("邮储银行", "招商银行", "中信银行", "光大银行", "中国光大银行", "华夏银行", "民生银行"),
    *("中国民生银行", "广发银行", "平安银行", "浦发银行", "上海浦东发展银行", "兴业银行"),
    *("浙商银行", "渤海银行", "恒丰银行", "北京银行", "上海银行", "江苏银行", "汇丰银行"),
    *("渣打银行", "花旗银行", "工商银行", "建设银行", "农业银行", "邮政储蓄银行"),
    *("工行", "建行", "农行", "中行", "交行", "招行", "邮储"),
    *("支付宝", "微信支付", "微信", "财付通", "银联", "云闪付", "余额宝", "零钱通"),
)
#: Words around a card or account number, and the connecting words between them.
CARD_WORDS = (
    *("银行卡", "储蓄卡", "借记卡", "信用卡", "尾号", "卡号", "末四位", "后四位", "最后四位"),
    *("账号", "账户", "帐号", "帐户", "户名", "收款人", "收款账户", "开户行", "银行", "卡"),
)
#: Kept words short enough to be part of a name (李中行, 王卡): kept only with no letter
#: right before or after them; inside a run of letters they are read as the name's.
_SHORT = frozenset(w for w in (*BANK_WORDS, *CARD_WORDS) if len(w) <= 2)
#: English words of the same kinds, compared in lower case.
ENGLISH_WORDS = frozenset(
    {
        *("bank", "card", "debit", "credit", "account", "ending", "ends", "end", "in", "with"),
        *("last", "four", "digits", "no", "number", "of", "the", "a", "and", "savings"),
        *("icbc", "ccb", "abc", "boc", "cmb", "bocom", "citic", "hsbc", "citibank", "citi"),
        *("china", "merchants", "construction", "agricultural", "industrial", "commercial"),
        *("communications", "postal", "visa", "mastercard", "unionpay", "alipay", "wechat"),
        *("paypal", "amex", "jcb", "tail", "recipient", "name"),
    }
)
_KEEP = "|".join(re.escape(w) for w in sorted((*BANK_WORDS, *CARD_WORDS), key=len, reverse=True))
_TOKEN = re.compile(
    rf"(?P<keep>{_KEEP})|(?P<digits>\d+)|(?P<latin>[A-Za-z]+)|(?P<letter>[^\W\d_])|(?P<star>\*)"
    r"|(?P<other>.)",
    re.DOTALL,
)


def mask_labelled(value: str) -> str:
    """`value` as it may be shown: the words that identify nobody kept, a name as its first
    character and stars, only the last four digits of the last number (the module's rule)."""
    tokens = list(_TOKEN.finditer(value))
    last_digits = max((i for i, t in enumerate(tokens) if t.lastgroup == "digits"), default=-1)
    out: list[str] = []
    word: list[str] = []  # the letters (and stars) of a word taken to be a name

    def flush() -> None:
        if word:
            name = "".join(word)
            out.append(name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*")
            word.clear()

    for index, token in enumerate(tokens):
        kind, text = token.lastgroup, token.group()
        if kind == "latin" and text.lower() in ENGLISH_WORDS:
            kind = "keep"
        elif kind == "keep" and text in _SHORT:
            after = tokens[index + 1].lastgroup if index + 1 < len(tokens) else None
            if word or after in ("letter", "latin"):
                kind = "letter"
        if kind in ("latin", "letter") or (kind == "star" and word):
            word.append(text)
            continue
        flush()
        if kind == "digits":
            if index != last_digits:
                out.append("****")
            elif len(text) > 4:
                out.append("****" + text[-4:])
            else:
                out.append(text)
        else:
            out.append(text)
    flush()
    return "".join(out)
