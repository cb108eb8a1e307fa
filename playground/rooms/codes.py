"""Join codes and presenter secrets.

A join code is short and read aloud or typed from a projector, so it uses an
alphabet without look-alikes (no 0/O, no 1/I/L). A presenter secret is long and
random; the database keeps only its SHA-256 hash, compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6  # 31**6: about 887 million codes
SECRET_BYTES = 32


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str | None:
    """The code as stored (upper case), or None if it cannot be a room's code."""
    code = code.strip().upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: object, stored_hash: str) -> bool:
    if not isinstance(secret, str) or not stored_hash or len(secret) > 200:
        return False
    return hmac.compare_digest(secret_hash(secret), stored_hash)
