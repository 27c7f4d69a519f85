"""Placeholder until implemented."""

from django.http import Http404


def my_applications(request, *args, **kwargs):
    raise Http404


def apply(request, *args, **kwargs):
    raise Http404


def autosave(request, *args, **kwargs):
    raise Http404


def upload_file(request, *args, **kwargs):
    raise Http404


def withdraw(request, *args, **kwargs):
    raise Http404


def status(request, *args, **kwargs):
    raise Http404


def download_file(request, *args, **kwargs):
    raise Http404
