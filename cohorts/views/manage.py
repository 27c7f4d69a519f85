"""Placeholder until implemented."""

from django.http import Http404


def manage_home(request, *args, **kwargs):
    raise Http404


def manage_cohort(request, *args, **kwargs):
    raise Http404


def manage_applications(request, *args, **kwargs):
    raise Http404


def manage_application(request, *args, **kwargs):
    raise Http404


def manage_export(request, *args, **kwargs):
    raise Http404
