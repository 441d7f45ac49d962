"""A packet's shareable preview: the same packet with its personal data masked.

The packet that goes to support keeps what the user gave on purpose whole (the account's
phone or email, a transaction id): support cannot act without it. A preview (to show on a
screen, paste in a chat, keep as the user's own copy) masks every personal fact with
`session.values.mask`, wherever it appears: the key facts, the transcript and the subjects.
"""

from __future__ import annotations

from typing import TypeVar

from okpay_triage.session.values import mask

from .model import PacketContent, PacketFact

P = TypeVar("P", bound=PacketContent)


def masked(packet: P) -> P:
    """`packet` with every personal fact (`PacketFact.sensitive`) masked, everywhere."""
    personal = [f for f in (*packet.facts, *packet.contact_log) if f.sensitive]
    if packet.requested_response and packet.requested_response.sensitive:
        personal.append(packet.requested_response)
    swaps = {f.value: mask(f.type, f.value) for f in personal if f.value}
    swaps.update({f.shown: mask(f.type, f.shown) for f in personal if f.shown})
    ids = {f.id for f in personal}

    def hide(text: str) -> str:
        for whole in sorted(swaps, key=len, reverse=True):  # longer first: no half-masking
            text = text.replace(whole, swaps[whole])
        return text

    def fact(item: PacketFact) -> PacketFact:
        if not item.sensitive:
            return item
        return item.model_copy(update={"value": hide(item.value), "shown": hide(item.shown)})

    transcript = tuple(
        entry.model_copy(update={"answer": hide(entry.answer)})
        if entry.fact in ids and entry.answer is not None
        else entry
        for entry in packet.transcript
    )
    update = {
        "facts": tuple(fact(f) for f in packet.facts),
        "contact_log": tuple(fact(f) for f in packet.contact_log),
        "requested_response": fact(packet.requested_response)
        if packet.requested_response
        else None,
        "transcript": transcript,
        "subject": hide(packet.subject),
        "email_subject": hide(packet.email_subject),
    }
    return packet.model_copy(update=update)
