"""Named validators a pattern rule can require of its match (checksums defined by standards).

A validator gets the matched text and says whether it is a real instance: an 18-digit string
is only an ID number when its GB 11643 check character is right, which is what keeps order
numbers and timestamps out of the privacy findings.
"""

from __future__ import annotations

from collections.abc import Callable

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).upper()


def gb11643_id(text: str) -> bool:
    """GB 11643-1999 citizen identity number: 17 digits, a MOD 11-2 check character, a real date."""
    value = _digits_only(text)
    if len(value) != 18 or not value[:17].isdigit():
        return False
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=False))
    return _ID_CHECK[total % 11] == value[17]


def luhn(text: str) -> bool:
    """ISO/IEC 7812 Luhn check digit (bank cards)."""
    value = _digits_only(text)
    if not value.isdigit() or not 12 <= len(value) <= 19:
        return False
    total = 0
    for position, digit in enumerate(reversed(value)):
        number = int(digit)
        if position % 2 == 1:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc(text: str) -> bool:
    """GB 32100-2015 unified social credit code: 18 characters, a MOD 31 check character."""
    value = _digits_only(text)
    if len(value) != 18 or any(ch not in _USCC_ALPHABET for ch in value):
        return False
    total = sum(_USCC_ALPHABET.index(ch) * weight for ch, weight in zip(value[:17], _USCC_WEIGHTS, strict=False))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == value[17]


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "gb11643_id": gb11643_id,
    "luhn": luhn,
    "uscc": uscc,
}
