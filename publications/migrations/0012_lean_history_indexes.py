"""History tables keep only the indexes their readers use
(publications/history.py): a record's versions by id, the changes to its
authors, departments and links by publication, a version's keywords and
subjects by the version. The rest cost an entry for each history row, and an
import writes dozens of those a record.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0011_lean_link_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalauthorship",
            name="history_date",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicalauthorship",
            name="id",
            field=models.BigIntegerField(
                auto_created=True, blank=True, verbose_name="ID"
            ),
        ),
        migrations.AlterField(
            model_name="historicalauthorship",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="publications.person",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpublication",
            name="document_type",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="publications.documenttype",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpublication",
            name="history_date",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicalpublication",
            name="venue",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="publications.venue",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpublication_keywords",
            name="id",
            field=models.BigIntegerField(
                auto_created=True, blank=True, verbose_name="ID"
            ),
        ),
        migrations.AlterField(
            model_name="historicalpublication_keywords",
            name="keyword",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="publications.keyword",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpublication_keywords",
            name="publication",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="publications.publication",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpublication_subjects",
            name="id",
            field=models.BigIntegerField(
                auto_created=True, blank=True, verbose_name="ID"
            ),
        ),
        migrations.AlterField(
            model_name="historicalpublication_subjects",
            name="publication",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="publications.publication",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpublication_subjects",
            name="subject",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="publications.subject",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpublicationdepartment",
            name="department",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="publications.department",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpublicationdepartment",
            name="history_date",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicalpublicationdepartment",
            name="id",
            field=models.BigIntegerField(
                auto_created=True, blank=True, verbose_name="ID"
            ),
        ),
        migrations.AlterField(
            model_name="historicalrelatedlink",
            name="history_date",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicalrelatedlink",
            name="id",
            field=models.BigIntegerField(
                auto_created=True, blank=True, verbose_name="ID"
            ),
        ),
    ]
