"""Sizes of files as the document lists show them.

Previewing a file is the in-app viewer's job (viewer.DocumentViewer): nothing is written to a
temporary file or handed to the operating system's viewer.
"""

from __future__ import annotations


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"
