"""Does every visible text fit? A check over a real Qt window's widgets.

For each visible QLabel and QAbstractButton with text: the text's font-metrics box (word
wrapped where the label wraps, rich text laid out by QTextDocument) must fit the widget's
contents rectangle; the widget must lie inside every ancestor up to the window (a widget
partly outside the window, or under the fold of a scroll area, is clipped); an ellipsis the
item view shows elided (Qt cuts a table cell's text with "…")
counts too. Visible siblings laid out side by side must not overlap.

A scroll area whose content may scroll on purpose carries the dynamic property
`fitScrolls` = True; inside it only the content's own fit is checked, not the fold.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QTableView,
    QWidget,
)

SLACK = 1  # pixels: rounding between metrics and layout
CELL_PADDING = 3  # pixels each side Qt's item delegate keeps around a cell's text


def describe(widget: QWidget) -> str:
    name = widget.objectName() or type(widget).__name__
    parent = widget.parentWidget()
    trail = []
    while parent is not None and len(trail) < 2:
        trail.append(parent.objectName() or type(parent).__name__)
        parent = parent.parentWidget()
    return f"{name} (in {'/'.join(trail)})"


def _looks_rich(text: str) -> bool:
    """Qt's own guess (Qt::mightBeRichText, not in PySide6): a tag before the first line ends."""
    head = text.lstrip().split("\n", 1)[0]
    return head.startswith("<") and ">" in head


def _label_text_box(label: QLabel, area: QRect) -> tuple[int, int]:
    """(width, height) the label's text needs when laid out in `area`'s width."""
    text = label.text()
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and _looks_rich(text)
    )
    if rich:
        document = QTextDocument()
        document.setDefaultFont(label.font())
        document.setDocumentMargin(0)
        document.setHtml(text)
        if label.wordWrap():
            document.setTextWidth(area.width())
        size = document.size()
        return round(document.idealWidth()), round(size.height())
    metrics = QFontMetrics(label.font())
    flags = int(label.alignment())
    if label.wordWrap():
        flags |= int(Qt.TextFlag.TextWordWrap)
        box = metrics.boundingRect(QRect(0, 0, max(1, area.width()), 1_000_000), flags, text)
    else:
        box = metrics.boundingRect(QRect(0, 0, 1_000_000, 1_000_000), flags, text)
    return box.width(), box.height()


def _button_text_area(button: QAbstractButton) -> QRect:
    if isinstance(button, QPushButton):
        option = QStyleOptionButton()
        button.initStyleOption(option)
        return button.style().subElementRect(
            QStyle.SubElement.SE_PushButtonContents, option, button
        )
    return button.contentsRect()


def _button_text_box(button: QAbstractButton, area: QRect) -> tuple[int, int]:
    metrics = QFontMetrics(button.font())
    box = metrics.boundingRect(
        QRect(0, 0, 1_000_000, 1_000_000), int(Qt.AlignmentFlag.AlignCenter), button.text()
    )
    width = box.width()
    if not button.icon().isNull():
        width += button.iconSize().width() + 4
    return width, box.height()


def _text_problem(widget: QWidget) -> str | None:
    if isinstance(widget, QLabel):
        text = widget.text()
        margin = widget.margin()
        area = widget.contentsRect().adjusted(margin, margin, -margin, -margin)
        need = _label_text_box(widget, area)
    else:
        assert isinstance(widget, QAbstractButton)
        text = widget.text()
        area = _button_text_area(widget)
        need = _button_text_box(widget, area)
    width, height = need
    if width > area.width() + SLACK or height > area.height() + SLACK:
        return (
            f"clipped text: {describe(widget)} needs {width}×{height} px, "
            f"has {area.width()}×{area.height()}: {text!r}"
        )
    return None


def _window_rect(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _outside_problem(widget: QWidget, window: QWidget) -> str | None:
    """The widget's part hidden by an ancestor (the window, a panel, a scroll area's fold)."""
    own = _window_rect(widget, window)
    if own.isEmpty():
        return f"clipped: {describe(widget)} has no room ({own.width()}×{own.height()})"
    visible = QRect(own)
    parent = widget.parentWidget()
    while parent is not None:
        scroller = parent.parentWidget()
        if (
            isinstance(scroller, QAbstractScrollArea)
            and parent is scroller.viewport()
            and scroller.property("fitScrolls") is True
        ):
            break  # scrolls on purpose: what is under the fold can be reached
        visible = visible.intersected(_window_rect(parent, window))
        if parent is window:
            break
        parent = parent.parentWidget()
    if visible != own:
        hidden_w = own.width() - visible.width()
        hidden_h = own.height() - visible.height()
        if hidden_w > SLACK or hidden_h > SLACK:
            return f"clipped: {describe(widget)} is {hidden_w}×{hidden_h} px outside what shows"
    return None


def _laid_out_children(parent: QWidget) -> list[QWidget]:
    layout = parent.layout()
    if layout is None:
        return []
    return [
        child
        for child in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if child.isVisible() and not child.isWindow() and _in_layout(layout, child)
    ]


def _in_layout(layout: object, widget: QWidget) -> bool:
    """In `layout` or a layout nested in it. Nested layouts are found as the QObject
    children they are, not through `itemAt`: PySide keeps a wrapper for every item it hands
    out, and a window that moves a widget to another layout deletes that item (a QLayoutItem
    is no QObject, so the wrapper is not told): the next walk would use a dead pointer."""
    from PySide6.QtWidgets import QLayout

    assert isinstance(layout, QLayout)
    return layout.indexOf(widget) >= 0 or any(
        inner.indexOf(widget) >= 0 for inner in layout.findChildren(QLayout)
    )


def _overlaps(parent: QWidget) -> list[str]:
    children = _laid_out_children(parent)
    found = []
    for i, first in enumerate(children):
        for second in children[i + 1 :]:
            shared = first.geometry().intersected(second.geometry())
            if shared.width() > SLACK and shared.height() > SLACK:
                found.append(
                    f"overlap: {describe(first)} and {describe(second)} share "
                    f"{shared.width()}×{shared.height()} px"
                )
    return found


def _elided_items(view: QAbstractItemView) -> list[str]:
    """Cells and header sections whose text is wider than their box (Qt elides them)."""
    model = view.model()
    if model is None:
        return []
    found = []
    metrics = QFontMetrics(view.font())
    viewport = view.viewport().rect()
    root = QModelIndex()
    # A list model's columnCount is private in PySide6: a list has one column.
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)
    for row in range(model.rowCount(root)):
        for column in range(columns):
            index = model.index(row, column)
            rect = view.visualRect(index)
            if not rect.intersects(viewport):
                continue
            text = str(index.data() or "")
            need = metrics.horizontalAdvance(text) + 2 * CELL_PADDING
            if text and view.wordWrap() and need > rect.width() + SLACK:
                room = QRect(0, 0, max(1, rect.width() - 2 * CELL_PADDING), 1_000_000)
                wrapped = metrics.boundingRect(room, int(Qt.TextFlag.TextWordWrap), text)
                if wrapped.width() <= room.width() and wrapped.height() <= rect.height():
                    continue  # wrapped onto lines the row is tall enough for
            if text and need > rect.width() + SLACK:
                found.append(
                    f"elided: {describe(view)} cell ({row}, {column}) needs {need} px, "
                    f"has {rect.width()}: {text!r}"
                )
    if isinstance(view, QTableView) and view.horizontalHeader().isVisible():
        header = view.horizontalHeader()
        header_metrics = QFontMetrics(header.font())
        for column in range(model.columnCount()):
            text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            need = header_metrics.horizontalAdvance(text) + 2 * CELL_PADDING
            if text and not header.isSectionHidden(column) and need > header.sectionSize(column):
                found.append(
                    f"elided: {describe(view)} header {column} needs {need} px, "
                    f"has {header.sectionSize(column)}: {text!r}"
                )
    return found


def fit_problems(window: QWidget) -> list[str]:
    """Everything that does not fit in `window` as it is laid out now (shown widgets only)."""
    problems: list[str] = []
    widgets = [window, *window.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isVisible() or (widget.window() is not window):
            continue
        problems += _overlaps(widget)
        if isinstance(widget, QAbstractItemView):
            problems += _elided_items(widget)
        if isinstance(widget, QLabel | QAbstractButton) and widget.text().strip():
            for problem in (_text_problem(widget), _outside_problem(widget, window)):
                if problem is not None:
                    problems.append(problem)
    return problems
