"""The participant's survey page."""

from django.urls import path

from ..views import surveys

urlpatterns = [
    path("my-programme/<slug:slug>/surveys/<int:pk>/", surveys.survey, name="survey"),
]
