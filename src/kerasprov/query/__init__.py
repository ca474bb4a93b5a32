"""The read side: sandboxed SQL, the Python API, path queries and the paper's analyses."""
