"""Payment references: what a donor writes in a transfer's purpose field, so an official finds the
pledge the money belongs to.

A reference reads "BRG-7K4M-X2QH": seven random characters and one check character, from an
alphabet of 31 symbols with nothing that looks like another (no 0/O, no 1/I/L). 31 is a prime, so a
weighted sum modulo 31 (weights 8, 7, … 1, the check character last with weight 1) catches every
single wrong character (the weight times a difference below 31 is never a multiple of 31) and every
swap of two neighbours (the weights differ by one, the characters by less than 31).
"""
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: a prime, see above
PREFIX = "BRG"
PAYLOAD = 7  # random characters; 31**7 ≈ 2.75e10 references
LENGTH = PAYLOAD + 1  # and the check character
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_MODULUS = len(ALPHABET)


class NotAReference(ValueError):
    """The text cannot be a reference; ``reason`` says why: "length", "characters" or "check"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def check_character(payload):
    """The character that makes the weighted sum of payload + check a multiple of 31."""
    total = sum((LENGTH - i) * _VALUE[symbol] for i, symbol in enumerate(payload))
    return ALPHABET[-total % _MODULUS]


def is_valid(code):
    """Whether eight characters (no prefix, no hyphens) are a reference with its right check."""
    return (len(code) == LENGTH and all(symbol in _VALUE for symbol in code)
            and check_character(code[:PAYLOAD]) == code[PAYLOAD])


def formatted(code):
    """The eight characters as people read them: BRG-XXXX-XXXX."""
    return f"{PREFIX}-{code[:4]}-{code[4:]}"


def new_reference():
    """A fresh random reference, formatted (uniqueness is the caller's: see app/models/pledges.py)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD))
    return formatted(payload + check_character(payload))


def parse(text):
    """The formatted reference in what someone typed ("brg 7k4m x2qh", "7K4MX2QH", …), or
    NotAReference saying what is wrong with it."""
    code = "".join(ch for ch in (text or "").upper() if not ch.isspace() and ch not in "-–—_.")
    if code.startswith(PREFIX) and len(code) > LENGTH:
        code = code[len(PREFIX):]
    if len(code) != LENGTH:
        raise NotAReference("length")
    if any(symbol not in _VALUE for symbol in code):
        raise NotAReference("characters")
    if not is_valid(code):
        raise NotAReference("check")
    return formatted(code)
