"""Placeholder until implemented."""

from django.http import Http404


def manage_application_reviewers(request, *args, **kwargs):
    raise Http404


def manage_assign_reviewers(request, *args, **kwargs):
    raise Http404
