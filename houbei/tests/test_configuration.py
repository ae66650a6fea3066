"""Settings, packaging and the command line, as an operator meets them."""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from houbei.accounts.models import User

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run our own interpreter on ``code`` with a clean Houbei environment plus ``env``."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HOUBEI_", "DATABASE_URL", "DJANGO_"))
    }
    return subprocess.run(  # noqa: S603 - fixed interpreter, code written by the test
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def _import_settings(module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _python(f"import {module}", env)


def test_production_refuses_to_start_without_real_secrets():
    result = _import_settings("houbei.config.settings.prod", {})
    assert result.returncode != 0
    assert "HOUBEI_SECRET_KEY" in result.stderr
    weak = _import_settings("houbei.config.settings.prod", {"HOUBEI_SECRET_KEY": "change-me" * 10})
    assert "HOUBEI_SECRET_KEY" in weak.stderr


def test_production_starts_with_everything_set(tmp_path):
    from cryptography.fernet import Fernet

    env = {
        "HOUBEI_SECRET_KEY": secrets.token_urlsafe(64),
        "HOUBEI_FIELD_KEYS": Fernet.generate_key().decode(),
        "HOUBEI_LOOKUP_KEY": "y" * 40,
        "HOUBEI_ALLOWED_HOSTS": "houbei.example.gov.cn",
        "DATABASE_URL": "postgres://houbei@127.0.0.1:5432/houbei",
        "HOUBEI_REDIS_URL": "redis://127.0.0.1:6379/0",
        "HOUBEI_DATA_DIR": str(tmp_path),
    }
    result = _import_settings("houbei.config.settings.prod", env)
    assert result.returncode == 0, result.stderr
    deploy = _python(
        "import django, sys; from django.core.management import call_command; django.setup(); "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')",
        {**env, "DJANGO_SETTINGS_MODULE": "houbei.config.settings.prod"},
    )
    assert deploy.returncode == 0, deploy.stderr  # check --deploy: no warning at all
    for required in ("DATABASE_URL", "HOUBEI_REDIS_URL"):
        missing = _import_settings(
            "houbei.config.settings.prod", {k: v for k, v in env.items() if k != required}
        )
        assert required in missing.stderr


def test_development_creates_and_keeps_its_own_keys(tmp_path):
    env = {"HOUBEI_DATA_DIR": str(tmp_path)}
    code = (
        "from houbei.config.settings import dev; "
        "print(dev.SECRET_KEY); print(dev.HOUBEI_FIELD_KEYS[0])"
    )
    first, second = _python(code, env), _python(code, env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout) > 60
    assert oct((tmp_path / "dev-secrets.json").stat().st_mode & 0o777) == "0o600"


def test_env_helpers_explain_bad_values(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from houbei.config.env import env_bool, env_int

    monkeypatch.setenv("HOUBEI_X", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="HOUBEI_X must be true or false"):
        env_bool("HOUBEI_X")
    monkeypatch.setenv("HOUBEI_Y", "ten")
    with pytest.raises(ImproperlyConfigured, match="HOUBEI_Y must be a whole number"):
        env_int("HOUBEI_Y", 1)


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_demo_runs_without_debug_pages(tmp_path):
    probe = (
        "import os\n"
        "from houbei.cli import main\n"
        "try:\n"
        "    main([{command!r}, '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "from django.conf import settings\n"
        "print(os.environ['DJANGO_SETTINGS_MODULE'], settings.DEBUG)\n"
    )
    env = {"HOUBEI_DATA_DIR": str(tmp_path)}
    demo = _python(probe.format(command="demo"), env, cwd=tmp_path)
    assert demo.stdout.split()[-2:] == ["houbei.config.settings.demo", "False"], demo.stderr
    other = _python(probe.format(command="migrate"), env, cwd=tmp_path)
    assert other.stdout.split()[-2:] == ["houbei.config.settings.dev", "True"], other.stderr


def test_the_houbei_command_wraps_django(tmp_path):
    result = _python(
        "from houbei.cli import main; main(['help', 'demo'])",
        {"HOUBEI_DATA_DIR": str(tmp_path)},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "--no-serve" in result.stdout


@pytest.mark.django_db
def test_accounts_command_creates_a_districts_first_administrator():
    call_command("regions", "load-reference", stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "accounts",
        "create",
        "--username",
        "zzb-admin",
        "--name",
        "周敏",
        "--region",
        "511002",
        "--role",
        "district_admin",
        stdout=out,
    )
    user = User.objects.get(username="zzb-admin")
    assert user.must_change_password
    assert "Temporary password" in out.getvalue()
    with pytest.raises(CommandError, match="No region"):
        call_command(
            "accounts",
            "create",
            "--username",
            "x",
            "--name",
            "x",
            "--region",
            "999999",
            "--role",
            "auditor",
        )


def test_serve_refuses_development_settings():
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="production settings"):
        call_command("serve")


def test_an_expired_form_gets_a_clear_page(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_missing_pages_use_the_friendly_404(db):
    from django.test import Client

    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()
