"""The soak (``make soak``, ``python -m tests.soak``): the whole suite started by ``make run``'s
launcher and supervisor on a fresh var directory (SQLite, or fresh PostgreSQL databases),
simulated users of every role driving mixed traffic through the gateway while processes are
killed and stopped and the database refuses connections, then the invariants and a report.

- ``launch``: the suite as ``python -m deploy.cli run`` starts it
- ``client``: a simulated user (sign-in, refresh, Idempotency-Key, retries, records)
- ``traffic/<service>.py``: who uses a service, what they do, what must hold afterwards
- ``faults``: the fault schedule and the recovery it measures
- ``invariants``: what must hold of the whole suite; ``report``: the printed report
- ``runner``: one soak from start to report; ``test_soak``: the short soak of ``make test``
"""
