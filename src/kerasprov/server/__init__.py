"""The HTTP side: ingest API (``api.py``), web UI pages (``pages.py``), and the client."""
