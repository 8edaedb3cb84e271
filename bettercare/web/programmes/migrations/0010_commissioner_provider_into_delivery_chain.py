"""A scheme's single ``commissioner`` and ``provider`` fields move into its delivery chain
(ADR 0120): each non-blank one becomes an entry in that role, after the chain's own entries,
unless the chain already names that organisation in that role; then the fields go. Each
entry added is in the delivery chain's history, saying where it came from."""

from django.db import migrations
from django.utils import timezone

from bettercare.core.scheme_description import DeliveryPartner, legacy_partners

REASON = "moved from the scheme's {role} field"


def into_chain(apps, schema_editor):  # type: ignore[no-untyped-def]
    Scheme = apps.get_model("programmes", "Scheme")
    Partner = apps.get_model("programmes", "SchemeDeliveryPartner")
    History = apps.get_model("programmes", "HistoricalSchemeDeliveryPartner")
    schemes = Scheme.objects.exclude(commissioner="", provider="").only(
        "pk", "commissioner", "provider"
    )
    now = timezone.now()
    for scheme in schemes.iterator():
        held = list(Partner.objects.filter(scheme_id=scheme.pk).order_by("position", "id"))
        chain = [DeliveryPartner(p.organisation, p.role) for p in held]
        position = max((p.position for p in held), default=-1) + 1
        for index, partner in enumerate(
            legacy_partners(chain, scheme.commissioner, scheme.provider)
        ):
            row = Partner.objects.create(
                scheme_id=scheme.pk,
                organisation=partner.organisation,
                role=partner.role,
                responsibility="",
                position=position + index,
            )
            History.objects.create(
                id=row.pk,
                scheme_id=scheme.pk,
                organisation=row.organisation,
                role=row.role,
                responsibility="",
                position=row.position,
                history_date=now,
                history_type="+",
                history_change_reason=REASON.format(role=row.role),
            )


def out_of_chain(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Back: each scheme's first commissioner and first provider fill the fields again (the
    chain keeps its entries)."""
    Scheme = apps.get_model("programmes", "Scheme")
    Partner = apps.get_model("programmes", "SchemeDeliveryPartner")
    for scheme in Scheme.objects.all().iterator():
        chain = Partner.objects.filter(scheme_id=scheme.pk).order_by("position", "id")
        first = {role: None for role in ("commissioner", "provider")}
        for partner in chain:
            if first.get(partner.role, "") is None:
                first[partner.role] = partner.organisation[:200]
        if any(first.values()):
            Scheme.objects.filter(pk=scheme.pk).update(
                commissioner=first["commissioner"] or "", provider=first["provider"] or ""
            )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0009_scheme_descriptions")]

    operations = [
        migrations.RunPython(into_chain, out_of_chain),
        migrations.RemoveField(model_name="historicalscheme", name="commissioner"),
        migrations.RemoveField(model_name="historicalscheme", name="provider"),
        migrations.RemoveField(model_name="scheme", name="commissioner"),
        migrations.RemoveField(model_name="scheme", name="provider"),
    ]
