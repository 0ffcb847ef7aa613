"""An import row's batch is indexed once, as the first column of
import_row_unique_number."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ingest', '0006_lz4_compression'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importrow',
            name='batch',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='rows', to='ingest.importbatch'),
        ),
    ]
