"""Static files: ``collectstatic`` with the hashed storage production uses succeeds, so no
shipped file refers to one that is missing (a vendored script's source map, say)."""

from django.core.management import call_command


def test_collectstatic_with_hashed_names_succeeds(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").is_file()
    assert list(tmp_path.glob("vendor/chartjs/chart.umd.min.*.js"))
