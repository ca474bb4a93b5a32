"""DSSE envelopes (securesystemslib's ``Envelope``): signing a statement and opening one.

``open_envelope`` checks, in order, that the text is a DSSE envelope, that one of its
signatures verifies under a trusted key, and that the payload is an in-toto Statement v1
with a SLSA Provenance v1 predicate; each failure is one sentence (``Rejected``).
"""

from __future__ import annotations

import json

from ..errors import KerasProvError
from . import keys as keys_mod
from .statement import PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE, encode


class Rejected(KerasProvError):
    """The envelope is not a valid, trusted attestation: exit code 1."""

    status = 400
    exit_code = 1


def sign(statement: dict, signer) -> dict:
    """A DSSE envelope (as a dict) of ``statement`` signed by ``signer``."""
    from securesystemslib.dsse import Envelope
    env = Envelope(encode(statement), PAYLOAD_TYPE, {})
    env.sign(signer)
    return env.to_dict()


def key_ids(envelope: dict) -> list[str]:
    sigs = envelope.get("signatures") if isinstance(envelope, dict) else None
    return [s.get("keyid", "") for s in sigs or [] if isinstance(s, dict)]


def parse(text: str | bytes | dict) -> dict:
    """An envelope as a dict; Rejected when it is not one (truncated, not JSON...)."""
    if isinstance(text, dict):
        obj = text
    else:
        try:
            obj = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Rejected(f"the attestation is not a DSSE envelope (not JSON: {exc})") from None
    if not isinstance(obj, dict) or not {"payload", "payloadType", "signatures"} <= set(obj):
        raise Rejected("the attestation is not a DSSE envelope (it needs payload, payloadType "
                       "and signatures)")
    return obj


def open_envelope(envelope: str | bytes | dict, trusted: list) -> tuple[dict, str]:
    """The verified Statement and the id of the key that signed it."""
    from securesystemslib.dsse import Envelope
    from securesystemslib.exceptions import VerificationError
    obj = parse(envelope)
    signed_by = key_ids(obj)
    try:
        env = Envelope.from_dict(json.loads(json.dumps(obj)))  # it takes the dict apart
    except Exception as exc:
        raise Rejected(f"the attestation is not a DSSE envelope ({exc})") from None
    if env.payload_type != PAYLOAD_TYPE:
        raise Rejected(f"the envelope's payload type is {env.payload_type!r}, not "
                       f"{PAYLOAD_TYPE!r}")
    known = {k.keyid for k in trusted}
    if not set(signed_by) & known:
        raise Rejected(f"signed by unknown key {', '.join(signed_by) or '(none)'}; trusted: "
                       f"{', '.join(sorted(known))}")
    try:
        verified = env.verify(trusted, 1)
    except VerificationError:
        raise Rejected("the signature does not verify: the payload or the signature was "
                       f"changed after signing (key {', '.join(signed_by)})") from None
    except Exception as exc:
        raise Rejected(f"the signature cannot be checked ({exc})") from None
    try:
        statement = json.loads(env.payload)
    except ValueError:
        raise Rejected("the signed payload is not JSON") from None
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        got = statement.get("_type") if isinstance(statement, dict) else None
        raise Rejected(f"the payload is not an in-toto Statement v1 (_type {got!r})")
    if statement.get("predicateType") != PREDICATE_TYPE:
        raise Rejected(f"the predicate type is {statement.get('predicateType')!r}, not "
                       f"{PREDICATE_TYPE!r}")
    return statement, next(iter(verified))


def public_key_of(signer) -> dict:
    """What an attestation event carries about its key: id and PEM public key."""
    return {"keyid": signer.public_key.keyid, "public_key": keys_mod.public_pem(
        signer.public_key)}
