"""The resource library's working pages: the organizers' list, preparation and resource page,
and the authors' consent page (the public library is in ``library_public``)."""

from django.urls import path

from ..views import library

urlpatterns: list = [
    path("manage/<slug:slug>/resources/", library.manage_resources, name="manage_resources"),
    path(
        "manage/<slug:slug>/submissions/<int:pk>/resource/",
        library.prepare_resource,
        name="prepare_resource",
    ),
    path(
        "manage/<slug:slug>/resources/<int:pk>/",
        library.manage_resource,
        name="manage_resource",
    ),
    path(
        "my-programme/<slug:slug>/resources/<int:pk>/consent/",
        library.resource_consent,
        name="resource_consent",
    ),
]
