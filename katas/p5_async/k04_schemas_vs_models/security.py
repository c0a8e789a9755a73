"""Password hashing with pwdlib: the database keeps a hash, never the password.

A password hash is slow and salted on purpose. Slow, so that someone who steals the table needs
years, not minutes, to try every likely password against it; salted (a random value stored inside
the hash), so that two users with the same password get different hashes and one guess cannot
be tried against every row at once. Argon2id, pwdlib's recommended hasher, is both; a fast
digest such as SHA-256 is neither.
"""

from pwdlib import PasswordHash

# pwdlib's recommended setup: Argon2id with its default cost (64 MiB, 3 passes). Made once: it
# holds only the hasher and its settings, and every hash it makes carries those settings with it,
# so verify() keeps working on old hashes after the settings change.
password_hash = PasswordHash.recommended()


def hash_password(password: str) -> str:
    """The form of `password` the database stores: its Argon2 hash, with a fresh random salt."""
    # TODO: return the hash pwdlib makes of the password (password_hash.hash)
    raise NotImplementedError('return the hash pwdlib makes of the password (password_hash.hash)')
