"""The queue overview as a Qt table model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kolejka.i18n import N_, translator
from kolejka.schemas import ServiceQueue

COLUMNS = (N_("Service"), N_("Waiting"), N_("Longest wait"))
Index = QModelIndex | QPersistentModelIndex


def minutes(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds // 60}:{seconds % 60:02d}"


class QueueTableModel(QAbstractTableModel):
    def __init__(self, language: str = "pl") -> None:
        super().__init__()
        self.language = language
        self._rows: list[ServiceQueue] = []

    def set_rows(self, rows: list[ServiceQueue]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            name = row.names.get(self.language) or row.names.get("pl", row.code)
            return (f"{row.code}  {name}", str(row.waiting), minutes(row.longest_wait_s))[
                index.column()
            ]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translator(self.language).gettext(COLUMNS[section])
        return None
