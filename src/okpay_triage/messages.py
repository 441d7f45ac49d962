"""Every sentence the library says to a user, in English and Chinese.

Kept in one table so that both languages stay complete and a test can check that they do.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "zh"]

MESSAGES: dict[str, tuple[str, str]] = {
    "empty-answer": (
        "Please choose one of the options: {options}",
        "请选择以下选项之一：{options}",
    ),
    "no-such-option": (
        "“{answer}” is not one of the options. Please choose: {options}",
        "“{answer}”不是可选的答案。请选择：{options}",
    ),
    "finished": (
        "This session has already reached its result; start a new one to begin again.",
        "本次诊断已得出结果；如需重新开始，请新建一次诊断。",
    ),
    "nothing-to-undo": (
        "There is no earlier answer to go back to.",
        "已经是第一步，没有可以返回的回答。",
    ),
    "required": (
        "This step needs an answer.",
        "此步骤需要填写。",
    ),
    "secret-removed": (
        "Your answer looked like it contained a {kinds}. It was removed and not kept: "
        "never share it with anyone, including support.",
        "您的回答中似乎包含{kinds}，已删除且不会保存。请勿向任何人（包括客服）透露。",
    ),
    "masked": (
        "Personal data in your answer ({kinds}) was masked before it was kept.",
        "您回答中的个人信息（{kinds}）已在保存前做了遮盖处理。",
    ),
    "cut": (
        "Your answer was very long and was shortened to {limit} characters.",
        "您的回答过长，已截取前 {limit} 个字符。",
    ),
    "bad-id": (
        "Please enter the {label} as shown in the app: 4 to 64 letters, digits, or . _ : -",
        "请按应用中显示的内容填写{label}:4 至 64 位字母、数字或 . _ : -",
    ),
    "bad-money": (
        "Please enter an amount greater than zero with at most two decimal places and a "
        "currency, for example 128.50 CNY.",
        "请输入大于零、最多两位小数的金额并注明币种，例如 128.50 CNY。",
    ),
    "bad-currency": (
        "Please add the currency, one of: {currencies}.",
        "请注明币种，可选：{currencies}。",
    ),
    "bad-datetime": (
        "Please enter a real date and time, for example 2026-11-20 14:30 +08:00.",
        "请输入有效的日期和时间，例如 2026-11-20 14:30 +08:00。",
    ),
    "need-zone": (
        "Please add the time zone, for example 2026-11-20 14:30 +08:00.",
        "请注明时区，例如 2026-11-20 14:30 +08:00。",
    ),
    "future": (
        "That time is in the future; please check the date.",
        "该时间晚于当前时间，请核对日期。",
    ),
    "bad-email": (
        "Please enter an email address such as name@example.com.",
        "请输入邮箱地址，例如 name@example.com。",
    ),
    "bad-phone": (
        "Please enter a phone number, for example 138 1234 5678 or +44 20 7946 0958.",
        "请输入手机号码，例如 138 1234 5678 或 +44 20 7946 0958。",
    ),
    "bad-choice": (
        "Please enter one of: {options}",
        "请输入以下之一：{options}",
    ),
    "unknown-fact": (
        "Unknown fact “{fact}”; this tree knows: {known}",
        "未知的信息项“{fact}”；本诊断树支持：{known}",
    ),
    "bad-fact": (
        "The value given for “{fact}” was refused: {reason}",
        "“{fact}”的取值无效：{reason}",
    ),
    "fact-no-option": (
        "“{value}” does not name an option of the question this fact answers ({options}).",
        "“{value}”不对应该信息项所回答问题的任何选项（{options}）。",
    ),
}

KIND_NAMES: dict[str, tuple[str, str]] = {
    "password": ("password", "密码"),
    "pin": ("PIN", "PIN 码"),
    "cvv": ("card security code (CVV)", "卡片安全码(CVV)"),
    "verification_code": ("verification code", "验证码"),
    "track_data": ("card magnetic-stripe data", "银行卡磁条数据"),
    "card": ("card number", "银行卡号"),
    "resident_id": ("ID card number", "身份证号码"),
    "phone": ("phone number", "手机号码"),
    "email": ("email address", "邮箱地址"),
    "iban": ("IBAN", "IBAN 账号"),
}


def say(key: str, lang: Lang, **values: object) -> str:
    """The message `key` in `lang`, with `values` filled in."""
    en, zh = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**values)


def kinds(names: tuple[str, ...], lang: Lang) -> str:
    """Names of data kinds joined for a sentence (``"password, PIN"`` / ``"密码、PIN 码"``)."""
    index = 1 if lang == "zh" else 0
    words = [KIND_NAMES.get(name, (name, name))[index] for name in names]
    return ("、" if lang == "zh" else ", ").join(words)
