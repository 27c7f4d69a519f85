"""The participant's certificate: its page (with the details form before it is issued) and its
PDF."""

from django.urls import path

from ..views import certificates

urlpatterns = [
    path(
        "my-programme/<slug:slug>/certificate/",
        certificates.my_certificate,
        name="my_certificate",
    ),
    path(
        "my-programme/<slug:slug>/certificate/<int:pk>/pdf/",
        certificates.my_certificate_pdf,
        name="my_certificate_pdf",
    ),
]
