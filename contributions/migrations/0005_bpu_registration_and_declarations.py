"""BPU self-registration (pending rows) and the history of declared income / JHT option.

Existing profiles get one `migration` declaration each, so the history is complete from day one.
"""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


def backfill_declarations(apps, schema_editor):
    BpuProfile = apps.get_model("contributions", "BpuProfile")
    BpuDeclaration = apps.get_model("contributions", "BpuDeclaration")
    BpuDeclaration.objects.bulk_create(
        BpuDeclaration(
            participant_id=profile.participant_id,
            effective_from=profile.effective_from.replace(day=1),
            declared_income_idr=profile.declared_income_idr,
            with_jht=profile.with_jht,
            source="migration",
        )
        for profile in BpuProfile.objects.all().iterator()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contributions', '0004_backfill_payment_flags'),
        ('participants', '0004_statements_and_cards'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='bpuprofile',
            name='work_type',
            field=models.CharField(blank=True, choices=[('ojol', 'Pengemudi ojek / taksi online'), ('driver', 'Sopir / kurir'), ('trader', 'Pedagang / pemilik usaha kecil'), ('farmer', 'Petani / peternak'), ('fisher', 'Nelayan'), ('labourer', 'Buruh harian lepas / tukang'), ('domestic', 'Pekerja rumah tangga'), ('freelancer', 'Pekerja lepas / profesional mandiri'), ('creative', 'Pekerja seni / kreator konten'), ('other', 'Lainnya')], max_length=20, verbose_name='jenis pekerjaan'),
        ),
        migrations.CreateModel(
            name='BpuDeclaration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('effective_from', models.DateField(verbose_name='berlaku mulai bulan')),
                ('declared_income_idr', models.BigIntegerField(verbose_name='penghasilan dilaporkan')),
                ('with_jht', models.BooleanField(verbose_name='ikut JHT')),
                ('source', models.CharField(choices=[('registration', 'Pendaftaran'), ('participant', 'Perubahan oleh peserta'), ('migration', 'Data awal')], max_length=20, verbose_name='sumber')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='dicatat pada')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('participant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bpu_declarations', to='participants.participant')),
            ],
            options={
                'verbose_name': 'riwayat penghasilan BPU',
                'verbose_name_plural': 'riwayat penghasilan BPU',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['participant', '-created_at'], name='bpu_declaration_by_participant')],
                'constraints': [models.CheckConstraint(condition=models.Q(('declared_income_idr__gte', 0)), name='bpu_declaration_income_non_negative'), models.CheckConstraint(condition=models.Q(('effective_from__day', 1)), name='bpu_declaration_first_of_month')],
            },
        ),
        migrations.CreateModel(
            name='PendingBpuRegistration',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('nik_encrypted', models.BinaryField()),
                ('nik_index', models.CharField(db_index=True, editable=False, max_length=64)),
                ('full_name', models.CharField(max_length=150, verbose_name='nama lengkap')),
                ('birth_date', models.DateField(verbose_name='tanggal lahir')),
                ('sex', models.CharField(max_length=1, verbose_name='jenis kelamin')),
                ('address', models.CharField(max_length=255, verbose_name='alamat')),
                ('phone', models.CharField(max_length=20, verbose_name='nomor HP')),
                ('email', models.EmailField(max_length=254, verbose_name='email')),
                ('work_type', models.CharField(choices=[('ojol', 'Pengemudi ojek / taksi online'), ('driver', 'Sopir / kurir'), ('trader', 'Pedagang / pemilik usaha kecil'), ('farmer', 'Petani / peternak'), ('fisher', 'Nelayan'), ('labourer', 'Buruh harian lepas / tukang'), ('domestic', 'Pekerja rumah tangga'), ('freelancer', 'Pekerja lepas / profesional mandiri'), ('creative', 'Pekerja seni / kreator konten'), ('other', 'Lainnya')], max_length=20, verbose_name='jenis pekerjaan')),
                ('declared_income_idr', models.BigIntegerField(verbose_name='penghasilan dilaporkan')),
                ('with_jht', models.BooleanField(verbose_name='ikut JHT')),
                ('code_hash', models.CharField(max_length=64)),
                ('email_taken', models.BooleanField(default=False)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('voided_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='participants.branch')),
            ],
            options={
                'verbose_name': 'pendaftaran BPU tertunda',
                'verbose_name_plural': 'pendaftaran BPU tertunda',
                'constraints': [models.CheckConstraint(condition=models.Q(('declared_income_idr__gte', 0)), name='pending_bpu_income_non_negative')],
            },
        ),
        migrations.RunPython(backfill_declarations, migrations.RunPython.noop),
    ]
