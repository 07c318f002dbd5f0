"""The Qt binding the app runs on keeps Python's reference counts right.

PySide6 6.12.0 drops one reference to None on every call of a method that returns nothing
(`QLabel.setText`, `QWidget.setVisible`, …). On Python 3.11, where None is not immortal, a desk
that updates its labels all day reaches None's count and the interpreter aborts ("Fatal Python
error: none_dealloc"); pyproject excludes that version, and this test fails on any binding with
the same fault."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QLineEdit


def test_void_qt_methods_leave_the_reference_count_of_none_alone(qtbot):
    label, field = QLabel("x"), QLineEdit()
    qtbot.addWidget(label)
    qtbot.addWidget(field)
    calls = (lambda: label.setText("가"), lambda: label.setVisible(False), lambda: field.setText("나"),
             lambda: label.setToolTip("다"))
    for call in calls:
        call()  # anything made once by a first call (caches) is made before counting
    before = sys.getrefcount(None)
    for _ in range(2000):
        for call in calls:
            call()
    assert sys.getrefcount(None) - before > -100  # 8,000 calls: a leak shows as −8,000
