import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Partner sites point at Wagtail's Site, whose migrations depend on the user model: kept out of 0001
    so the two apps' migrations do not depend on each other in a circle."""

    dependencies = [
        ("accounts", "0003_role_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name='PartnerSite',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.country', verbose_name='country')),
                ('site', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='partner', to='wagtailcore.site', verbose_name='Wagtail site')),
            ],
            options={
                'verbose_name': 'partner site',
                'verbose_name_plural': 'partner sites',
            },
        ),
        migrations.AddField(
            model_name="rolegrant",
            name="partner_site",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.partnersite", verbose_name="partner site"),
        ),
        migrations.AddConstraint(
            model_name='rolegrant',
            constraint=models.UniqueConstraint(fields=('user', 'role', 'country', 'region', 'partner_site'), name='accounts_rolegrant_unique'),
        ),
        migrations.AddConstraint(
            model_name='rolegrant',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role', 'site_admin'), _negated=True), ('partner_site__isnull', False), _connector='OR'), name='accounts_rolegrant_site_admin_has_site', violation_error_message="A site administrator's role needs a partner site."),
        ),
    ]
