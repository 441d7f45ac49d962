"""Stage 3, the escalation packet: its records, routing to a channel, building it from a
finished session, and its renderings."""
