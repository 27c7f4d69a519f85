from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from aslp_site.core import views as core_views

# Django's admin is a superuser back door only; its login goes through allauth as well.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", core_views.sitemap, name="sitemap"),
    path("health/", core_views.health, name="health"),
    path("health/live/", core_views.health_live, name="health_live"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The Wagtail admin's own login form is replaced by allauth's (rate limits, MFA).
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("aslp_site.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Wagtail's sign-in form for private pages and documents would bypass allauth's rate limits
    # and the staff MFA requirement: it sends people to allauth's sign-in instead.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="frontend_login_redirect",
    ),
    path("", include("aslp_site.public.urls")),
    # assessments first: its programme-wide /manage/impact/ must win over cohorts'
    # /manage/<cohort>/ (a cohort cannot take the slug "impact", see Cohort.clean).
    path("", include("assessments.urls")),
    path("", include("cohorts.urls")),
    path("", include("trainings.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "aslp_site.core.views.page_not_found"
handler500 = "aslp_site.core.views.server_error"
