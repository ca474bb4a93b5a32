"""Stores: schema, batched ingest, and backends (embedded DuckDB, PostgreSQL)."""
