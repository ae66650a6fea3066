import houbei.audit.models
from django.db import migrations, models


class Migration(migrations.Migration):
    """The data's encoder is Python only (it stores the text the hash was worked out from):
    nothing changes in the database, where an AlterField would have SQLite copy the whole
    audit table into a new one."""

    dependencies = [
        ("audit", "0003_chain_existing_and_append_only"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="extra_data",
                    field=models.JSONField(
                        blank=True, default=dict, encoder=houbei.audit.models.DataEncoder
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
