"""MkDocs hook: links from docs/ to files elsewhere in the repository.

The pages link to examples and other repository files by relative path, e.g.
``[the chat backend](../examples/chat_backend.py)``, so the links work wherever docs/ is read
as Markdown (a forge, an editor). Those files are not part of the built site, so for each one
this hook adds a page showing its source, and points the links there. A link to a file that
does not exist is left alone, and ``mkdocs build --strict`` fails on it as on any broken link.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

# ](../path) or ](../path#anchor), the target outside docs/; not images, not URLs.
_LINK = re.compile(r"(?<!!)(\[[^\]]*\]\()(\.\./[^)\s#]+)(#[^)\s]*)?\)")
_LANGUAGES = {".py": "python", ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "text"}
_FOLDER = "source"  # the generated pages live under /source/ in the site

_sources: dict[str, str] = {}  # repository path -> generated page's src_uri


def _repository_file(page: File, target: str, docs_dir: Path) -> str | None:
    """The repository-relative path `target` names from `page`, if it is a file outside
    docs/ (and inside the repository)."""
    root = docs_dir.parent.resolve()
    path = (docs_dir / posixpath.dirname(page.src_uri) / target).resolve()
    if not path.is_file() or path.is_relative_to(docs_dir.resolve()):
        return None
    if not path.is_relative_to(root):
        return None
    return path.relative_to(root).as_posix()


def _source_page(repo_path: str, text: str) -> str:
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", text)), default=0))
    language = _LANGUAGES.get(Path(repo_path).suffix, "text")
    return f"# `{repo_path}`\n\n{fence}{language}\n{text.rstrip()}\n{fence}\n"


def on_files(files: Files, config: Any) -> Files:
    """Add a source page for every repository file a page links to."""
    docs_dir = Path(config["docs_dir"])
    _sources.clear()
    for page in list(files.documentation_pages()):
        for match in _LINK.finditer(page.content_string):
            repo_path = _repository_file(page, match.group(2), docs_dir)
            if repo_path is None or repo_path in _sources:
                continue
            src_uri = f"{_FOLDER}/{repo_path}.md"
            text = (docs_dir.parent / repo_path).read_text(encoding="utf-8")
            files.append(File.generated(config, src_uri, content=_source_page(repo_path, text)))
            _sources[repo_path] = src_uri
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Point links to repository files at their source pages."""
    docs_dir = Path(config["docs_dir"])

    def relink(match: re.Match[str]) -> str:
        repo_path = _repository_file(page.file, match.group(2), docs_dir)
        if repo_path is None or repo_path not in _sources:
            return match.group(0)
        here = posixpath.dirname(page.file.src_uri)
        target = posixpath.relpath(_sources[repo_path], here or ".")
        return f"{match.group(1)}{target}{match.group(3) or ''})"

    return _LINK.sub(relink, markdown)
