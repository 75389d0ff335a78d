"""The a2a-harness conformance suite: a pytest plugin that judges any deployed A2A agent."""
