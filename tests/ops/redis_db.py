"""The Redis database the tests of this process may use (and flush).

Each pytest-xdist worker gets its own database, 8 to 15 (gw0 -> 8, gw1 -> 9, ...), so that
tests running at the same time in other workers never see each other's queues, sessions or
flushes; within one worker, tests run one after another. TEST_REDIS_URL overrides it.
"""

import os


def redis_url() -> str:
    if os.environ.get("TEST_REDIS_URL"):
        return os.environ["TEST_REDIS_URL"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return f"redis://127.0.0.1:6379/{8 + index % 8}"
