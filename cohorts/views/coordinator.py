"""Placeholder until implemented."""

from django.http import Http404


def nomination_accept(request, *args, **kwargs):
    raise Http404


def coordinator_home(request, *args, **kwargs):
    raise Http404


def coordinator_cohort(request, *args, **kwargs):
    raise Http404


def coordinator_application(request, *args, **kwargs):
    raise Http404


def coordinator_rank(request, *args, **kwargs):
    raise Http404


def coordinator_nominate(request, *args, **kwargs):
    raise Http404
