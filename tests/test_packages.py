"""Issue #14: the installed-packages listing a run records is importlib.metadata's, cheaply.

``capture/packages.py`` reads ``Name`` and ``Version`` from the metadata files itself and
leaves every case it does not read exactly as the ``email`` parser would to
``importlib.metadata``; these tests compare the two answers on this virtualenv and on a
``sys.path`` of awkward distributions.
"""

from __future__ import annotations

import sys
import warnings
import zipfile
from importlib import metadata

import pytest

from kerasprov.capture import extract, packages


def _reference() -> dict:
    """What kerasprov recorded before (importlib.metadata over every distribution)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "implicit None" on a bad one
        return {d.metadata["Name"].lower(): d.version for d in metadata.distributions()
                if d.metadata["Name"]}


def test_the_listing_of_this_virtualenv_is_importlib_metadatas():
    fast = packages.installed()
    assert fast == _reference()
    assert len(fast) > 20 and fast["numpy"] == metadata.version("numpy")
    assert extract._packages()["packages"] == dict(sorted(fast.items()))


def test_this_virtualenvs_distributions_are_read_without_importlib_metadata(monkeypatch):
    def refused(*_a, **_k):
        raise AssertionError("the fast path fell back to importlib.metadata")
    monkeypatch.setattr(metadata, "PathDistribution", refused)
    monkeypatch.setattr(metadata, "distributions", refused)
    site = [p for p in sys.path if p.endswith("site-packages")]
    monkeypatch.setattr(sys, "path", site)
    assert len(packages.installed()) > 20


def _dist(parent, dirname, text, filename="METADATA"):
    d = parent / dirname
    d.mkdir()
    (d / filename).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


AWKWARD = {
    # plain, as pip writes it
    "plain-1.0.dist-info": "Metadata-Version: 2.1\nName: Plain\nVersion: 1.0\n\nbody\n",
    # CRLF line ends, a folded Summary, trailing space in the version
    "crlf-2.0.dist-info": "Metadata-Version: 2.1\r\nSummary: a\r\n  folded line\r\n"
                          "Name: crlf\r\nVersion: 2.0 \r\n\r\nbody",
    # folded Name and Version: the email parser unfolds them
    "folded-1.dist-info": "Name: fol\n ded\nVersion: 1\n\t.5\n\n",
    # Name twice: the first one counts
    "twice-1.dist-info": "Name: first\nName: second\nVersion: 1\n\n",
    # no Version: importlib.metadata gives None
    "nover-1.dist-info": "Name: nover\nSummary: x\n\n",
    # no Name: not listed
    "noname-1.dist-info": "Version: 3\n\n",
    # a malformed line ends the headers before Name (the email parser's defect)
    "broken-1.dist-info": "Metadata-Version: 2.1\nnot a header\nName: broken\nVersion: 1\n\n",
    # a header name with a space before the colon
    "spaced-1.dist-info": "Name : spaced\nVersion: 1\n\n",
    # non-ASCII name
    "unicode-1.dist-info": "Name: caf\u00e9\nVersion: 1\n\n",
    # lower-case header names
    "lower-4.dist-info": "name: lower\nversion: 4\n\n",
    # Name and Version only, no blank line, no final newline
    "short-5.dist-info": "Name: short\nVersion: 5",
    # the same name twice in one directory (a broken upgrade): grouped, the later one wins
    "dup-1.0.dist-info": "Name: dup\nVersion: 1.0\n\n",
    "Dup-2.0.dist-info": "Name: dup\nVersion: 2.0\n\n",
    # one Name under several directory names: importlib.metadata groups the directories
    # by their normalized name before it yields them, so the winner is not the last listed
    **{f"{prefix}-{v}.dist-info": f"Name: shared\nVersion: {prefix}{v}\n\n"
       for prefix in ("aa", "bb", "cc", "dd") for v in (1, 2)},
    # an empty value
    "emptyname-1.dist-info": "Name:\nVersion: 1\n\n",
    # the first line a continuation
    "cont-1.dist-info": " x\nName: cont\nVersion: 1\n\n",
}


def test_awkward_distributions_are_listed_as_importlib_metadata_lists_them(tmp_path,
                                                                             monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for dirname, text in AWKWARD.items():
        _dist(first, dirname, text)
    _dist(first, "egg_dir.egg-info", "Metadata-Version: 1.0\nName: eggdir\nVersion: 0.1\n\n",
          "PKG-INFO")
    (first / "eggfile-0.2.egg-info").write_text("Name: eggfile\nVersion: 0.2\n\n")
    _dist(first, "emptymeta-1.dist-info", "")
    (first / "emptymeta-1.dist-info" / "PKG-INFO").write_text("Name: emptymeta\nVersion: 9\n\n")
    _dist(first, "nothing-1.dist-info", "", "RECORD")
    # the same distribution on two sys.path entries: the later one wins (as before)
    _dist(second, "plain-1.1.dist-info", "Name: plain\nVersion: 1.1\n\n")
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("zipped-7.dist-info/METADATA", "Name: zipped\nVersion: 7\n\n")
    egg = tmp_path / "old-1.egg"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "EGG-INFO" / "PKG-INFO").write_text("Name: old\nVersion: 1\n\n")
    monkeypatch.setattr(sys, "path", [str(first), str(archive), str(egg), str(second),
                                      str(tmp_path / "missing")])
    expected = _reference()
    assert packages.installed() == expected
    # the cases are real: each of these reads differently from a naive parser
    assert expected["plain"] == "1.1" and expected["dup"] == "2.0"
    assert expected["crlf"] == "2.0 "
    (folded,) = [k for k in expected if "fol" in k]  # importlib.metadata re-indents it
    assert "ded" in folded and expected[folded].strip().startswith("1\n")
    assert expected["first"] == "1" and "second" not in expected
    assert expected["nover"] is None and "broken" not in expected and "spaced" not in expected
    assert {"caf\u00e9", "lower", "short", "eggdir", "eggfile", "emptymeta", "zipped",
            "old"} <= set(expected)


def test_a_distribution_importlib_metadata_cannot_read_fails_the_listing_as_before(
        tmp_path, monkeypatch):
    _dist(tmp_path, "bad-1.dist-info", b"Name: bad\nVersion: 1\n\n\xff\xfe body")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    with pytest.raises(UnicodeDecodeError):
        _reference()
    with pytest.raises(UnicodeDecodeError):
        packages.installed()
    assert extract._packages() == {"packages_sha256": None}
