"""Cells of the spreadsheets Gonghui writes (member and station exports): text that a
spreadsheet program would run as a formula is written as text instead (CSV injection)."""

# What a spreadsheet program reads as the start of a formula (or of a cell that moves the cursor).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` made safe for a CSV or .xlsx cell: formula-like text gets a leading apostrophe,
    which the program shows as plain text."""
    if text and text.startswith(FORMULA_START):
        return "'" + text
    return text
