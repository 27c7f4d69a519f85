from django.urls import path

from . import my_data, views

urlpatterns = [
    path("profile/", views.profile, name="accounts_profile"),
    path("my-data/", my_data.my_data, name="accounts_my_data"),
]
