"""Tools for tree authors that are not on a session's path: diagrams of a tree, its figures,
and a Mermaid flowchart imported as a tree skeleton."""
