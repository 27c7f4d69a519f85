"""The public resource library's file downloads (the library itself is a Wagtail page)."""

from django.urls import path

from ..views import library_public

urlpatterns: list = [
    path(
        "library-files/<int:resource>/<int:file>/",
        library_public.library_file,
        name="library_file",
    ),
]
