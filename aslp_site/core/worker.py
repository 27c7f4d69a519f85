"""The RQ worker class for `manage.py rqworker` (settings.RQ["WORKER_CLASS"]).

RQ's worker writes each job's call, arguments included, into its log lines; the arguments of
this project's tasks hold e-mail bodies, addresses and names, so logs name jobs by id only.
Each job still runs in a forked process (a killed or timed-out job cannot take the worker down).
"""

from rq.worker import Worker as RQWorker


class Worker(RQWorker):
    def __init__(self, *args, **kwargs):
        kwargs["log_job_description"] = False
        super().__init__(*args, **kwargs)
