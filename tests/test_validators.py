"""The named checksum validators (contentguard.packs.validators) on real-form numbers.

Valid numbers are made with python-stdnum's own check-character functions, so a test fails if our
wrapper disagrees with the library; invalid ones change the check character or break the form."""

from __future__ import annotations

import pytest
from stdnum import luhn as stdnum_luhn
from stdnum.cn import ric, uscc

from contentguard.packs.validators import VALIDATORS, gb11643_id, luhn
from contentguard.packs.validators import uscc as uscc_valid


def with_ric_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def with_uscc_check(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def with_luhn_check(prefix: str) -> str:
    return prefix + stdnum_luhn.calc_check_digit(prefix)


def wrong_last(number: str, alphabet: str = "0123456789X") -> str:
    return number[:-1] + next(ch for ch in alphabet if ch != number[-1])


def test_the_packs_names_are_all_there():
    assert set(VALIDATORS) == {"gb11643_id", "luhn", "uscc"}


@pytest.mark.parametrize("first17", [
    "11010519900307123",  # Beijing Chaoyang
    "44030419851212341",  # Shenzhen Futian
    "32010219780615002",  # Nanjing Xuanwu: the area code is younger than the holder (issued after 1999)
    "62010219920101221",
    "11010120000229123",  # a leap day
])
def test_real_form_id_numbers_pass_and_a_wrong_check_character_fails(first17):
    number = with_ric_check(first17)
    assert gb11643_id(number)
    assert not gb11643_id(wrong_last(number))


def test_id_numbers_end_in_x_and_tolerate_separators_and_full_width_digits():
    number = next(n for n in (with_ric_check(f"3201021978061500{d}") for d in range(10)) if n.endswith("X"))
    assert gb11643_id(number)
    assert gb11643_id(number.lower())
    assert gb11643_id(f"{number[:6]} {number[6:14]}-{number[14:]}")
    full_width = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in number)
    assert gb11643_id(full_width)


@pytest.mark.parametrize("first17", [
    "11010519900230123",  # 30 February
    "11010519901301123",  # month 13
    "11010518500307123",  # before 1900
])
def test_id_numbers_without_a_real_date_fail_even_with_the_right_check_character(first17):
    assert not gb11643_id(with_ric_check(first17))


def test_id_numbers_of_the_wrong_length_fail():
    number = with_ric_check("11010519900307123")
    assert not gb11643_id(number[:-1])
    assert not gb11643_id(number + "1")


def test_an_id_number_with_a_letter_inside_fails():
    number = with_ric_check("11010519900307123")
    assert not gb11643_id(number[:3] + "A" + number[4:])


@pytest.mark.parametrize("prefix", ["622202123456789012", "453201511283036", "622588012345678", "62284800390271701"])
def test_luhn_cards_pass_and_a_changed_digit_fails(prefix):
    card = with_luhn_check(prefix)
    assert luhn(card)
    assert luhn(" ".join(card[i:i + 4] for i in range(0, len(card), 4)))
    assert not luhn(wrong_last(card, "0123456789"))


def test_luhn_keeps_to_card_lengths():
    assert not luhn(with_luhn_check("4111111111"))  # 11 digits: too short for a card
    assert not luhn(with_luhn_check("4" * 19))  # 20 digits: too long
    assert not luhn("")


@pytest.mark.parametrize("first17", [
    "91110000600037341",  # the library's own example (a company registered with SAMR)
    "91310115MA1H7XQ1B",
    "12100000400000624",  # a public institution
    "N2110105MF0000001",  # a rural collective registered by an agricultural department: letter first
])
def test_uscc_codes_pass_and_a_wrong_check_character_fails(first17):
    code = with_uscc_check(first17)
    assert uscc_valid(code)
    assert uscc_valid(code.lower())
    assert not uscc_valid(wrong_last(code, "0123456789ABCDEFGHJKLMNPQRTUWXY"))


def test_uscc_rejects_letters_outside_the_standards_alphabet_and_wrong_lengths():
    code = with_uscc_check("91110000600037341")
    assert not uscc_valid(code[:10] + "I" + code[11:])  # I, O, S, V, Z are not used
    assert not uscc_valid(code[:-1])
