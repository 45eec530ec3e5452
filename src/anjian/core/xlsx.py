"""Excel writing helpers shared by the exports."""

from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell


def text_safe(ws, values: Iterable) -> list:
    """``values`` for ``ws.append`` with text kept as text: openpyxl stores a string starting with 「=」 as a formula,
    and names, places and descriptions come from users (formula injection). Works for write-only sheets too."""
    out = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(value)
    return out
