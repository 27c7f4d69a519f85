# A trigram index for the organizers' search of applications (cohorts.models
# APPLICATION_SEARCH_TEXT, aslp_site.core.trigram); built on PostgreSQL only.

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from aslp_site.core.trigram import AddIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0005_alumni_profile"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),
        AddIndexOnPostgreSQL(
            model_name="application",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper(
                        django.db.models.functions.text.Concat(
                            models.F("given_names"),
                            models.Value(" "),
                            models.F("family_name"),
                            models.Value(" "),
                            models.F("native_name"),
                            models.Value(" "),
                            models.F("school_name"),
                            models.Value(" "),
                            models.F("reference"),
                            output_field=models.TextField(),
                        )
                    ),
                    name="gin_trgm_ops",
                ),
                name="application_search_trgm",
            ),
        ),
    ]
