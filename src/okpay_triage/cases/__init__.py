"""The case log: what a deployment's sessions ended in, recorded masked, for its figures.

`schema` holds the tables (SQLAlchemy Core), `log` the `CaseLog` that writes them, `events`
the session events a host subscribes to (the case log is one subscriber). This stage comes
after `packet` (a case's priority is the packet's); sessions never import it, and SQLAlchemy
is imported only when a log is opened.
"""
