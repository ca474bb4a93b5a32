"""The Store protocol: what every store answers, whatever its kind.

It is not written out here: the read methods are declared once, on ``Store``
(query/surface.py, each marked ``@read_method``), and ``READS`` lists them. ``Store`` (a database
kerasprov opens itself) and ``HttpStore`` (a ``kerasprov serve``, its methods derived from
the same declarations) both implement them; tests/test_read_surface.py checks that they give
the same answers and refuse the same wrong arguments.
"""

from __future__ import annotations

import abc

from .declare import READS
from .surface import Store

#: The read methods every store offers, over HTTP too (``unit`` and ``read``, which take
#: trusted SQL, are local only): the allow-list of ``POST /api/store/<method>``.
METHODS = tuple(READS)


class StoreAPI(abc.ABC):
    """``isinstance(x, StoreAPI)``: ``x`` has every declared read method and a ``spec``."""

    spec: str

    @classmethod
    def __subclasshook__(cls, other):
        if cls is not StoreAPI:
            return NotImplemented
        return all(callable(getattr(other, name, None)) for name in READS) or NotImplemented


__all__ = ["METHODS", "READS", "Store", "StoreAPI"]
