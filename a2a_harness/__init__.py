"""a2a_harness."""
