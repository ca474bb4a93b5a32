"""Serialize a ProvDocument, and read one back, in every format we export.

| name     | what                                   | needs                        |
|----------|----------------------------------------|------------------------------|
| provn    | PROV-N (the W3C text notation)         | prov                         |
| json     | PROV-JSON                              | prov                         |
| xml      | PROV-XML                               | lxml (``pip install "prov[xml]"``) |
| rdf      | PROV-O in Turtle                       | rdflib (``pip install "kerasprov[rdf]"``) |
| jsonld   | PROV-O in JSON-LD (self-contained: no remote ``@context``) | rdflib |

JSON-LD is written by rdflib from the PROV-O graph, so any JSON-LD processor reads it
offline; prov's own PROV-JSONLD flavour points at a remote context instead.
"""

from __future__ import annotations

import io

from prov.model import ProvDocument

from ..errors import BadRequest

#: format name -> (prov serializer, its keyword arguments, file suffix)
FORMATS: dict[str, tuple[str, dict, str]] = {
    "provn": ("provn", {}, ".provn"),
    "json": ("json", {}, ".json"),
    "xml": ("xml", {}, ".xml"),
    "rdf": ("rdf", {"rdf_format": "turtle"}, ".ttl"),
    "jsonld": ("rdf", {"rdf_format": "json-ld"}, ".jsonld"),
}
_HINTS = {"xml": 'PROV-XML needs lxml: pip install "prov[xml]"',
          "rdf": 'PROV-O needs rdflib: pip install "kerasprov[rdf]"'}


def _serializer(fmt: str) -> tuple[str, dict]:
    if fmt not in FORMATS:
        raise BadRequest(f"unknown PROV format {fmt!r}; choose one of: {', '.join(FORMATS)}",
                         format=fmt)
    name, kwargs, _ = FORMATS[fmt]
    from prov.serializers import Registry
    if Registry.serializers is None:
        Registry.load_serializers()
    if name not in Registry.serializers:
        raise BadRequest(f"cannot write {fmt}: {_HINTS.get(name, 'serializer missing')}",
                         format=fmt)
    return name, kwargs


def serialize(doc: ProvDocument, fmt: str = "provn") -> str:
    """The document as text in ``fmt`` (provn, json, xml, rdf, jsonld)."""
    name, kwargs = _serializer(fmt)
    if name == "provn":
        return doc.get_provn()
    text = doc.serialize(format=name, **kwargs)
    return text.decode("utf-8") if isinstance(text, bytes) else text


def read(text: str | bytes, fmt: str) -> ProvDocument:
    """Parse a document written by ``serialize(doc, fmt)`` (with the prov library)."""
    import prov
    name, kwargs = _serializer(fmt)
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return prov.read(io.StringIO(text), format=name, **kwargs)


def check_format(fmt: str) -> str:
    """``fmt`` if it can be written here, else BadRequest naming the choices or the extra."""
    _serializer(fmt)
    return fmt


def suffix(fmt: str) -> str:
    return FORMATS[fmt][2] if fmt in FORMATS else ""


__all__ = ["FORMATS", "check_format", "read", "serialize", "suffix"]
