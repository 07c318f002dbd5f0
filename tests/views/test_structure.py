"""The shape of the view layer: no class over 300 lines (a page that loads and acts, with form
widgets that build and validate beside it)."""

from __future__ import annotations

import ast
from pathlib import Path

import kvoucher_desktop.views

MAX_CLASS_LINES = 300
VIEWS = Path(kvoucher_desktop.views.__file__).parent


def long_classes(source: str, max_lines: int = MAX_CLASS_LINES) -> list[tuple[str, int]]:
    """(name, lines) of every class in `source` longer than `max_lines`, nested ones too."""
    return [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > max_lines]


def test_no_view_class_is_over_300_lines():
    modules = sorted(VIEWS.rglob("*.py"))
    assert len(modules) > 50  # the whole view layer is read
    too_long = [f"{path.relative_to(VIEWS)}: {name} ({lines} lines)"
                for path in modules for name, lines in long_classes(path.read_text(encoding="utf-8"))]
    assert too_long == []


def test_the_check_sees_a_long_class():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_CLASS_LINES))
    assert long_classes(f"class Page:\n{body}\n") == [("Page", MAX_CLASS_LINES + 1)]
    assert long_classes("class Outer:\n    class Inner:\n" + "\n".join(f"        y{i} = {i}" for i in range(5)),
                        max_lines=3) == [("Outer", 7), ("Inner", 6)]
