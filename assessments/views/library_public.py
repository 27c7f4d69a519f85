"""The public resource library's files: anyone may download the files of a published resource.

The library pages themselves are Wagtail pages (``assessments.models.ResourceLibraryPage``).
"""

from __future__ import annotations

from django.http import Http404

from aslp_site.core.downloads import private_file_response
from aslp_site.core.http import method_not_allowed

from ..models import ResourceStatus, SubmissionFile


def public_file_or_404(resource_id: int, file_id: int) -> SubmissionFile:
    """A file published with a resource; 404 unless the resource is published and the file is
    one of the files it publishes (not merely another file of the same submission)."""
    found = (
        SubmissionFile.objects.filter(
            pk=file_id,
            resources__pk=resource_id,
            resources__status=ResourceStatus.PUBLISHED,
        )
        .only("pk", "file", "original_name", "content_type")
        .first()
    )
    if found is None:
        raise Http404
    return found


def library_file(request, resource, file):
    """A file of a published resource, as an attachment (never sniffed, never cached)."""
    found = public_file_or_404(resource, file)
    if refused := method_not_allowed(request):
        return refused
    return private_file_response(found, fallback="resource")
