"""Capture inside the training process: model patching, callbacks, extraction, events."""
