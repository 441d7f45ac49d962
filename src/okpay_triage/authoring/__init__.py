"""Tools for tree authors that are not on a session's path: diagrams of a tree."""
