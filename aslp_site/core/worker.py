"""The RQ worker class for `manage.py rqworker` (settings.RQ["WORKER_CLASS"]).

RQ's worker writes each job's call, arguments included, into its log lines; the arguments of
this project's tasks hold e-mail bodies, addresses and names, so logs name jobs by id only.
Each job still runs in a forked process (a killed or timed-out job cannot take the worker down).
"""

from rq.job_lifecycle import call_exception_handlers, format_exc_info
from rq.worker import Worker as RQWorker


class Worker(RQWorker):
    def __init__(self, *args, **kwargs):
        kwargs["log_job_description"] = False
        super().__init__(*args, **kwargs)

    def handle_exception(self, job, *exc_info):
        # RQ's own version passes the job's arguments to the log record as extra fields, which
        # a JSON log formatter prints. The same line without them: job id, task and traceback.
        try:
            func_name = job.func_name
        except Exception:  # a job that cannot be read back; its id still names it
            func_name = "?"
        self.log.error(
            "Worker %s: job %s: exception raised while executing (%s)\n%s",
            self.name,
            job.id,
            func_name,
            format_exc_info(exc_info),
            extra={"queue": job.origin, "job_id": job.id},
        )
        call_exception_handlers(self._exc_handlers, job, *exc_info)
