import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from houbei.audit.models import AuditEvent
from houbei.regions.models import Region


def test_load_reference_ships_the_real_codes_and_is_idempotent(db):
    out = io.StringIO()
    call_command("regions", "load-reference", stdout=out)
    assert "23 added" in out.getvalue()
    assert Region.objects.get(code="511000000000").name == "内江市"
    assert Region.objects.get(code="511002000000").name == "市中区"
    assert Region.objects.filter(parent__code="511002000000").count() == 15
    huahong = Region.objects.get(code="511002102220")
    assert (huahong.name, huahong.parent.name, huahong.urban_rural_class, huahong.is_demo) == (
        "花红村",
        "凌家镇",
        "220",
        False,
    )
    assert AuditEvent.objects.filter(acting_user__isnull=True).count() == 23
    out = io.StringIO()
    call_command("regions", "load-reference", stdout=out)
    assert "0 added, 0 updated, 23 unchanged" in out.getvalue()


def test_import_dry_run_and_errors(db, tmp_path: Path):
    call_command("regions", "load-reference", stdout=io.StringIO())
    good = tmp_path / "good.csv"
    good.write_text(
        "code,name,level,parent_code\n511002102223,新村,village,511002102\n", encoding="utf-8"
    )
    out = io.StringIO()
    call_command("regions", "import", str(good), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Region.objects.filter(code="511002102223").exists()
    call_command("regions", "import", str(good), stdout=io.StringIO())
    assert Region.objects.filter(code="511002102223").exists()

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,level,parent_code\n511002104223,错村,village,511002102\n", encoding="utf-8"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command("regions", "import", str(bad), stdout=io.StringIO(), stderr=err)
    assert "line 2" in err.getvalue()
    with pytest.raises(CommandError, match="no such file"):
        call_command("regions", "import", str(tmp_path / "missing.csv"))
