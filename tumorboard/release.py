"""Which release of the code is running, as a digest of what renders its answers.

Shared caches (Redis, the database table: tumorboard/settings.py) put it in every key. Rendered
pages, panels and rows are kept there across deploys; without it, a server running new templates
would serve HTML that the previous release rendered (and, during a rolling deploy, the two
releases would serve each other's). No Django imports: the settings read it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

RENDERING = ("cases", "meetings", "interop", "tumorboard", "templates")  # code and templates, not tests
SUFFIXES = {".py", ".html", ".txt", ".svg"}


def release_digest(root: Path) -> str:
    """12 hex digits of SHA-256 over the names and contents of the files that render answers."""
    digest = hashlib.sha256()
    for folder in RENDERING:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
