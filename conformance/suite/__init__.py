"""The bundled conformance checks; ``pytest --agent-url URL`` runs them.

Each test cites one requirement of the registry with ``@pytest.mark.requirement(ID)`` and uses
the plugin's fixtures: ``a2a`` (one interface at one protocol version), ``a2a_agent`` (the agent
and its card) and ``check`` (the grading API).
"""
