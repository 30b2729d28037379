"""Customer names as the store sees them: validated, compared loosely, turned into a safe folder name.

A customer name is typed by a user (or comes from a case file): hostile input. It never reaches a
path as given: the folder is a slug of lower-case ASCII letters, digits and dashes followed by a
hash of the normalised name, so ``../../etc`` or ``CON`` cannot escape or alias another customer.

>>> customer_slug("Contoso Ltd") == customer_slug("  contoso   LTD ")
True
>>> customer_slug("../../etc/passwd").startswith("etc-passwd-")
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_CUSTOMER_CHARS = 120  # the case's customer_name bound (case.MAX_NAME_CHARS)
_SLUG_CHARS = 40
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
SLUG_PATTERN = re.compile(r"^[a-z0-9-]{1,41}-[0-9a-f]{12}$")


def check_customer(name: str) -> str:
    """The name with outer spaces removed; ``ValueError`` with a reason when it cannot name a customer."""
    stripped = name.strip()
    if not stripped:
        raise ValueError("give a customer name (it is empty)")
    if len(stripped) > MAX_CUSTOMER_CHARS:
        raise ValueError(f"customer name of {len(stripped)} characters (at most {MAX_CUSTOMER_CHARS})")
    if not stripped.isprintable():
        bad = next(ch for ch in stripped if not ch.isprintable())
        raise ValueError(f"customer name holds a control character ({bad!r}); give one line of text")
    return stripped


def normalised_customer(name: str) -> str:
    """What makes two names the same customer: Unicode NFKC, case-folded, single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", check_customer(name))).casefold()


def customer_slug(name: str) -> str:
    """The customer's folder (or blob prefix) name: ``[a-z0-9-]`` and a 12-hex-digit hash.

    The readable part is for people listing the folder; the hash makes it unique, so two names
    whose readable parts agree ("A/B", "A B") stay two customers.
    """
    key = normalised_customer(name)
    ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    readable = _NOT_SLUG.sub("-", ascii_text).strip("-")[:_SLUG_CHARS].strip("-") or "customer"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return f"{readable}-{digest}"
