"""Load testing for A2A agents: Locust scenarios turned into CI gates (``a2a-harness load``).

Public surface: :mod:`load.cli` (the command), :mod:`load.gates` (gate expressions),
:mod:`load.lost` (the lost-task check), :mod:`load.run` (the Locust child process) and the plain
Locust files in ``load/scenarios/``. Only :mod:`load.users` and ``load._child`` import Locust
(which monkey-patches the process with gevent); they run in Locust processes only.
"""
