"""Placeholder until implemented."""

from django.http import Http404


def review_queue(request, *args, **kwargs):
    raise Http404


def review_detail(request, *args, **kwargs):
    raise Http404


def review_conflict(request, *args, **kwargs):
    raise Http404
