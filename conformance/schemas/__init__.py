"""The harness's own JSON Schemas (draft 2020-12), read by :mod:`conformance.schema`.

``agent-card-v0.3.json`` / ``agent-card-v1.0.json`` describe the AgentCard;
``objects-v0.3.json`` / ``objects-v1.0.json`` hold the Task, Message, event and result shapes
as ``$defs`` entries. Written from the specification, not copied from the official schema.
"""
