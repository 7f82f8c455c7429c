"""Process layer: one module per process, each exposing ``TEMPLATE`` built from axpoc's public API."""
