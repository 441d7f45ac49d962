"""The packet as a ready-to-send email message: headers that cannot be split or smuggled.

In headers, CR, LF and every other control or separator character is removed
(`text.header_safe`); the body is the plain-text rendering, with the Markdown one as an
alternative part on request. Nothing is redacted here: the packet's texts already are.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from okpay_triage.text import header_safe

from .markdown import to_markdown
from .model import PacketContent
from .plain import to_text
from .preview import masked


def to_email(
    packet: PacketContent, *, markdown: bool = False, preview: bool = False
) -> EmailMessage:
    """The packet as an email: bilingual subject, To only from the configuration, plain-text
    body (UTF-8), and with `markdown` the Markdown rendering as an alternative part; with
    `preview`, the shareable preview (personal data masked)."""
    # The body's renderings mask for a preview themselves; masking twice would mask the
    # masks (138****5678 read again as a number keeps only ****5678).
    subject = masked(packet).email_subject if preview else packet.email_subject
    message = EmailMessage()
    message["Subject"] = header_safe(subject)
    if packet.email_to:
        message["To"] = header_safe(packet.email_to)
    message["Date"] = format_datetime(packet.created_at)
    message["X-OKPAY-Case"] = packet.case_id
    message["X-OKPAY-Priority"] = packet.priority
    # Mostly-ASCII English reads better quoted-printable; Chinese is shorter in base64.
    cte = "base64" if packet.lang == "zh" else "quoted-printable"
    message.set_content(to_text(packet, preview=preview), charset="utf-8", cte=cte)
    if markdown:
        text = to_markdown(packet, preview=preview)
        message.add_alternative(text, subtype="markdown", charset="utf-8", cte=cte)
    message["Content-Language"] = "zh-CN" if packet.lang == "zh" else "en"
    return message
