"""Named validators a pattern rule can require of its match (checksums defined by standards).

A validator gets the matched text and says whether it is a real instance: an 18-digit string
is only an ID number when its GB 11643 check character is right, which is what keeps order
numbers and timestamps out of the privacy findings.

The check characters come from python-stdnum (LGPL-2.1+, used as an unmodified dependency),
whose ``stdnum.cn.ric``, ``stdnum.cn.uscc`` and ``stdnum.luhn`` carry the standards' weights and
alphabets with their own doctests. Two of its checks are stricter than the standards and are not
used here, because they reject real numbers:

* ``stdnum.cn.ric.validate`` also requires the area code to have existed in the birth year; an
  18-digit number carries the code of where it was *issued* (from 1999), so 320102197806150021
  (Nanjing Xuanwu, a code from 1983, holder born 1978) is real yet fails it.
* ``stdnum.cn.uscc.validate`` requires the first eight characters to be digits; GB 32100 lets the
  registering authority be a letter (``N`` agricultural departments, ``A`` military, ``Y`` other).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: digits and letters without I O S V Z


def _digits_only(text: str) -> str:
    """The number without its separators (spaces, hyphens …), full-width characters made ASCII."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum()).upper()


def gb11643_id(text: str) -> bool:
    """GB 11643-1999 citizen identity number: 17 digits, a MOD 11-2 check character, a real date."""
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    value = _digits_only(text)
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    try:
        born = ric.get_birth_date(value)
    except ValidationError:
        return False  # no such calendar date
    return 1900 <= born.year <= 2100 and ric.calc_check_digit(value) == value[17]


def luhn(text: str) -> bool:
    """ISO/IEC 7812 Luhn check digit (bank cards: 12 to 19 digits)."""
    from stdnum import luhn as stdnum_luhn

    value = _digits_only(text)
    if not value.isascii() or not value.isdigit() or not 12 <= len(value) <= 19:
        return False
    return stdnum_luhn.is_valid(value)


def uscc(text: str) -> bool:
    """GB 32100-2015 unified social credit code: 18 characters, a MOD 31 check character."""
    from stdnum.cn import uscc as stdnum_uscc

    value = _digits_only(text)
    if len(value) != 18 or any(ch not in _USCC_ALPHABET for ch in value):
        return False
    return stdnum_uscc.calc_check_digit(value[:17]) == value[17]


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "gb11643_id": gb11643_id,
    "luhn": luhn,
    "uscc": uscc,
}
