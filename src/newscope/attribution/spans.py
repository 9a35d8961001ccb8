"""Character spans ``(start, end)``: trimming white space, overlap (Dice)."""

from __future__ import annotations


def lstrip_ws(text: str, s: int, e: int) -> tuple[int, int]:
    """``(s, e)`` without leading white space."""
    while s < e and text[s].isspace():
        s += 1
    return s, e


def trim_ws(text: str, s: int, e: int) -> tuple[int, int]:
    """``(s, e)`` without trailing white space."""
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def dice(x: tuple[int, int] | None, y: tuple[int, int] | None) -> float:
    """Character Dice coefficient 2|x∩y| / (|x|+|y|) of two spans (0.0 when one is missing)."""
    if x is None or y is None:
        return 0.0
    inter = max(0, min(x[1], y[1]) - max(x[0], y[0]))
    total = (x[1] - x[0]) + (y[1] - y[0])
    return 2 * inter / total if total else 0.0
