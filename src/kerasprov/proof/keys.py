"""Signing keys: ed25519, kept as PEM files.

The signing key is the file named by ``KERASPROV_SIGNING_KEY``, else
``~/.kerasprov/signing-key.pem``; it is created on first use, readable by its owner only
(mode 0600). A verifier needs only the public key (``kerasprov key`` prints it); keys are
named by their securesystemslib key id (the sha256 of the public key's canonical form).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import KerasProvError

INSTALL_HINT = 'pip install "kerasprov[proof]"'


class CannotVerify(KerasProvError):
    """Nothing to verify with (no key, an unreadable file): exit code 2."""

    status = 400
    exit_code = 2


def _libs():
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
        from securesystemslib.signer import CryptoSigner, SSlibKey
    except ImportError as exc:
        raise CannotVerify(f"signing needs the cryptography and securesystemslib packages "
                           f"({exc.name} is missing): {INSTALL_HINT}") from None
    return serialization, ed25519, CryptoSigner, SSlibKey


def key_path() -> Path:
    named = os.environ.get("KERASPROV_SIGNING_KEY")
    if named:
        return Path(named).expanduser()
    return Path("~/.kerasprov/signing-key.pem").expanduser()


def signer(create: bool = True):
    """The securesystemslib signer of this user's key (created when missing)."""
    serialization, ed25519, CryptoSigner, SSlibKey = _libs()
    path = key_path()
    if not path.exists():
        if not create:
            raise CannotVerify(f"no signing key at {path} (`kerasprov key` creates one)")
        private = ed25519.Ed25519PrivateKey.generate()
        pem = private.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return signer(create=False)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise CannotVerify(f"cannot read the signing key {path}: {exc}") from None
    if not isinstance(private, ed25519.Ed25519PrivateKey):
        raise CannotVerify(f"the signing key {path} is not an ed25519 key")
    return CryptoSigner(private, SSlibKey.from_crypto(private.public_key()))


def public_pem(public_key) -> str:
    """A securesystemslib key as a PEM public key."""
    serialization, ed25519, _, _ = _libs()
    raw = bytes.fromhex(public_key.keyval["public"])
    return ed25519.Ed25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public(path: str | os.PathLike):
    """A public key from a file: a PEM public or private key, or a securesystemslib key
    as JSON (``{"keytype": "ed25519", ...}``)."""
    serialization, _, _, SSlibKey = _libs()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CannotVerify(f"cannot read key file {path}: {exc.strerror or exc}") from None
    try:
        if data.lstrip().startswith(b"{"):
            obj = json.loads(data)
            return SSlibKey.from_dict(obj.pop("keyid", None) or _keyid_of(obj), obj)
        if b"PRIVATE KEY" in data:
            public = serialization.load_pem_private_key(data, password=None).public_key()
        else:
            public = serialization.load_pem_public_key(data)
        return SSlibKey.from_crypto(public)
    except Exception as exc:
        raise CannotVerify(f"{path} holds no usable public key ({exc})") from None


def _keyid_of(obj: dict) -> str:
    import hashlib
    return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":"))
                          .encode()).hexdigest()


def trusted(paths: tuple | list = ()) -> list:
    """The keys a verifier trusts: those given, else this user's own (never created here)."""
    if paths:
        return [load_public(p) for p in paths]
    path = key_path()
    if not path.exists():
        raise CannotVerify(f"no key to verify with: this user has no signing key ({path}) "
                           "and none was given with --key")
    return [signer(create=False).public_key]
