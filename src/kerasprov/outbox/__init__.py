"""Durable outbox: per-run journals written by one background thread."""
