"""Title keys indexed by their last characters too, with the year: the
import's near-title check also finds a retyped title whose start differs."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0008_search_gin_fastupdate"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(
                django.db.models.functions.text.Right("title_key", 12),
                models.F("pub_year"),
                name="pub_title_key_end_idx",
            ),
        ),
    ]
