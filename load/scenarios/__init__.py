"""Plain Locust files: ``locust -f load/scenarios/blocking.py --host URL`` works as Locust users expect."""
