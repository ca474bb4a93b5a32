"""W3C PROV export: store rows -> ``prov.model.ProvDocument`` -> PROV-N / JSON / XML / PROV-O.

Named ``provexport`` so that, inside kerasprov, ``prov`` always means the W3C library.

Example:
```python
doc = kerasprov.open_store().prov(run_id)        # a prov.model.ProvDocument
text = serialize(doc, "rdf")                      # PROV-O, Turtle
```
"""

from .build import DNNPROV_URI, KERASPROV_URI, document
from .formats import FORMATS, check_format, read, serialize, suffix

__all__ = ["DNNPROV_URI", "FORMATS", "KERASPROV_URI", "check_format", "document", "read",
           "serialize", "suffix"]
