"""Provenance you can prove (issue #22): canonical facts, keys, signed in-toto/SLSA
statements in DSSE envelopes, ``verify``, ``rerun`` and the model card.

A layer of its own below ``outbox``: the trainer's writer signs with it, readers verify
with it; it reads stores only through the Store methods handed to it.
"""
