# A trigram index for finding users by a part of their e-mail address (aslp_site.core.trigram);
# built on PostgreSQL only.

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from aslp_site.core.trigram import AddIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        TrigramExtension(),
        AddIndexOnPostgreSQL(
            model_name="user",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper(models.F("email")), name="gin_trgm_ops"
                ),
                name="user_email_trgm",
            ),
        ),
    ]
