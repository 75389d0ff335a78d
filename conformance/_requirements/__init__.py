"""The registry records, one module per area; :mod:`conformance.requirements_data` joins them.

Id scheme: the digest's ids are kept exactly (``CARD-3``, ``OP-8``); when one digest row holds
several checkable rules, the plain id names the main rule and ``b``, ``c``… suffixes name the
others (``CARD-9``, ``CARD-9b``). Bulleted rules of the digest get area prefixes (``CACHE-``,
``GATE-``, ``HIST-``, ``STATE-``, ``OBJ-``, ``STREAM-``, ``PUSH-``, ``ERR-``, ``RPC-``,
``REST-``, ``GRPC-``, ``BIND-``, ``SER-``, ``TS-``, ``TENANT-``, ``AUTH-``, ``SEC-``,
``IDEM-``, ``MULTI-``, ``ROBUST-``) and ``AMBIG-`` marks a spec contradiction, graded WARNING,
never FAIL.
"""
