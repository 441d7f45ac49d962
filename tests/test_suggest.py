"""Free text, as users write it, finds the right tree."""

from __future__ import annotations

import pytest

from okpay_triage.suggest import suggest_trees

CASES = [
    ("提现三天了还没到账", "withdrawal-problem"),
    ("我的退款被拒绝了", "refund-denied"),
    ("my refund was rejected", "refund-denied"),
    ("the merchant refused to give my money back", "refund-denied"),
    ("I forgot my password and can't log in", "login-failure"),
    ("登不上去了，一直提示密码错误", "login-failure"),
    ("收不到验证码，没法登录", "login-failure"),
    ("注册的手机号不用了，找回不了密码", "login-failure"),
    ("my old phone number is no longer in use and I cannot reset my password", "login-failure"),
    ("密码突然不对了，还收到一条改密短信", "login-failure"),
    ("my password suddenly stopped working and I got a login alert", "login-failure"),
    ("手续费扣多了", "fee-dispute"),
    ("I was charged a higher fee than shown", "fee-dispute"),
    ("充值没到账", "top-up-not-credited"),
    ("I topped up with Alipay but my balance did not change", "top-up-not-credited"),
    ("payment failed but the money was deducted", "failed-transaction"),
    ("转账失败了", "failed-transaction"),
    ("I sent money to the wrong person", "failed-transaction"),
    ("someone logged into my account and made a payment", "account-security"),
    ("有人冒充客服给我打电话", "account-security"),
    ("我点了一个钓鱼链接", "account-security"),
    ("my withdrawal to my bank card is still pending", "withdrawal-problem"),
    ("提现失败", "withdrawal-problem"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_text_finds_its_tree(text: str, expected: str) -> None:
    """The expected tree ranks first, with score 1."""
    ranked = suggest_trees(text)
    assert ranked, text
    assert ranked[0] == (expected, 1.0)


def test_limit_and_order() -> None:
    """At most `limit` results, best first, scores in (0, 1]."""
    ranked = suggest_trees("refund fee withdrawal password", limit=2)
    assert len(ranked) == 2
    assert ranked[0][1] >= ranked[1][1] > 0


def test_nothing_fits() -> None:
    """Text that shares nothing with any tree suggests nothing."""
    assert suggest_trees("the weather is lovely") == []
    assert suggest_trees("") == []
