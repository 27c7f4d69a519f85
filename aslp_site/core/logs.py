"""Request ids for logs: every request and every task run gets one, and every log line carries it.

The id comes from a trusted proxy's ``X-Request-ID`` when it looks like one (so the proxy's access
log and ours share it), otherwise it is made here; the response carries it back in the same
header, and the error page shows it so that a report can be matched with the log.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar, Token

REQUEST_ID_HEADER = "X-Request-ID"
# fullmatch: "$" would also accept a trailing newline, which no header may carry.
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,64}")
request_id: ContextVar[str] = ContextVar("request_id", default="-")


def new_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        current = incoming if _ACCEPTED.fullmatch(incoming) else new_id()
        token = request_id.set(current)
        request.request_id = current
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[REQUEST_ID_HEADER] = current
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a 4xx/5xx answer after the middleware has returned (the context's id
            # is gone by then) but passes the request along.
            record.request_id = getattr(getattr(record, "request", None), "request_id", None)
            if not isinstance(record.request_id, str):
                record.request_id = request_id.get()
        return True


# What the id was before each running task, to put back when it finishes (a task run by the
# immediate backend runs inside a request, whose later lines keep the request's id).
_before_task: dict[str, Token] = {}


def _task_started(sender, task_result, **kwargs) -> None:
    # The task's id names everything it logs.
    _before_task[task_result.id] = request_id.set(f"task-{task_result.id}")


def _task_finished(sender, task_result, **kwargs) -> None:
    token = _before_task.pop(task_result.id, None)
    if token is None:
        return
    try:
        request_id.reset(token)
    except (ValueError, RuntimeError):  # finished in another context than it started in
        request_id.set("-")


def connect_task_signals() -> None:
    from django_tasks.signals import task_finished, task_started

    task_started.connect(_task_started, dispatch_uid="aslp-request-id")
    task_finished.connect(_task_finished, dispatch_uid="aslp-request-id-end")
