"""Untrusted files, read safely: regular files only, never more than a cap.

Tree, configuration, session and answer files all come from outside. A FIFO would block a
read forever, ``/dev/zero`` never ends, and a huge file would fill memory, so every read goes
through `read_capped`: the file is opened without blocking, refused unless it is a regular
file, and read to at most one byte past the cap.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class FileRefused(Exception):
    """A file cannot be read as asked: `reason` says why in words, `too_large` whether it
    was over the cap (with `size`, when known)."""

    def __init__(self, reason: str, *, too_large: bool = False, size: int | None = None) -> None:
        self.reason = reason
        self.too_large = too_large
        self.size = size
        super().__init__(reason)


def read_capped(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of the regular file `path`, at most `max_bytes` of them.

    Raises:
        FileRefused: the file cannot be opened or read, is not a regular file (a FIFO, a
            device, a folder), or holds more than `max_bytes`.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise FileRefused(error.strerror or type(error).__name__) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileRefused("it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("it is not a regular file (a pipe, a device or a socket)")
        if info.st_size > max_bytes:
            raise FileRefused(
                f"{info.st_size:,} bytes is over the limit of {max_bytes:,}",
                too_large=True,
                size=info.st_size,
            )
        chunks = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as error:
        raise FileRefused(error.strerror or type(error).__name__) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:  # the file grew while it was read
        raise FileRefused(f"over the limit of {max_bytes:,} bytes", too_large=True)
    return data
