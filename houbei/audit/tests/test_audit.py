import pytest
from django.test import Client
from django.urls import reverse

from houbei.audit.models import AuditEvent, EventType
from houbei.audit.presenters import describe_changes
from houbei.audit.services import audit_record, changed_values
from houbei.conftest import World
from houbei.regions.codes import Level
from houbei.tests.factories import make_person, make_region


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_the_changes_transaction():
    region = make_region("510000000000", "四川省", Level.PROVINCE)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(
            acting_user=None, event_type=EventType.REGION_UPDATED, target=region, region=region
        )
    assert not AuditEvent.objects.exists()


def test_changed_values_keeps_only_differences():
    assert changed_values({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == ({"b": 2}, {"b": 3})


def test_the_log_is_scoped_to_the_auditors_district(world: World):
    make_person(world.village_a, "王强")
    make_person(world.village_c, "张超")
    auditor = Client()
    auditor.force_login(world.auditor)
    page = auditor.get(reverse("audit:list")).content.decode()
    assert "王强" in page and "张超" in page
    other = Client()
    other.force_login(world.auditor_other)
    page = other.get(reverse("audit:list")).content.decode()
    assert "王强" not in page and "没有记录" in page


def test_filters_and_detail_show_readable_changes(world: World):
    person = make_person(world.village_a, "王强", political_status="masses")
    client = Client()
    client.force_login(world.auditor)
    listing = client.get(
        reverse("audit:list"), {"event_type": EventType.PERSON_CREATED, "record": "王"}
    ).content.decode()
    assert "登记人员" in listing
    assert (
        "没有记录"
        in client.get(reverse("audit:list"), {"event_type": EventType.GRANT_ADDED}).content.decode()
    )
    bad = client.get(reverse("audit:list"), {"date_from": "not a date"})
    assert bad.status_code == 200 and "输入一个有效的日期" in bad.content.decode()
    event = AuditEvent.objects.get(target_id=str(person.pk))
    detail = client.get(reverse("audit:detail", args=[event.pk])).content.decode()
    assert "政治面貌" in detail and "群众" in detail
    labels = {change.label: change.new for change in describe_changes(event)}
    assert labels["政治面貌"] == "群众"
    assert labels["身份证号"] == "5110**********" + event.extra_data["new"]["id_number"][-4:]
