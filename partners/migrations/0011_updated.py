import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0010_enquiry_delivery_states"),
    ]

    operations = [
        migrations.AddField(
            model_name="benefit",
            name="updated",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="last updated"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="partner",
            name="updated",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="last updated"
            ),
            preserve_default=False,
        ),
    ]
