"""Placeholder until implemented."""

from django.http import Http404


def verify_letter(request, *args, **kwargs):
    raise Http404


def offer_answer(request, *args, **kwargs):
    raise Http404


def logistics(request, *args, **kwargs):
    raise Http404


def invitation_letter(request, *args, **kwargs):
    raise Http404
