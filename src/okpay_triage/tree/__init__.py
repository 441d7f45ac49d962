"""Stage 1, the tree: its format, the safe reading of tree files, the checks, the compiled
form the engine steps through, and the trees shipped in the package."""
