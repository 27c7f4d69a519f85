"""Placeholder until implemented."""

from django.http import Http404


def cohort_list(request, *args, **kwargs):
    raise Http404


def cohort_detail(request, *args, **kwargs):
    raise Http404
