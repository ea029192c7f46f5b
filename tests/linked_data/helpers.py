"""Helpers of the linked-data tests (no fixtures here: see conftest.py)."""

from __future__ import annotations

from dprk_ld.testing import assert_error_shape

__all__ = ["assert_error_shape"]
