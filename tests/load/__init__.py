"""Tests of the load package: Locust gates, lost-task check, distributed mode."""
