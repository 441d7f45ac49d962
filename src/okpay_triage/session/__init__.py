"""Stage 2, the session: an immutable walk through a compiled tree, the typed values it
collects, and its saved form."""
