"""Start-up rules of config/settings.py, checked in a fresh interpreter (settings load once)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def load_settings(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "TIMELIVE_HTTPS"}}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", TIMELIVE_VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run([sys.executable, "-c", PRINT_KEY], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    run = load_settings(tmp_path, TIMELIVE_HTTPS="1")
    assert run.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set when TIMELIVE_HTTPS is on" in run.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_reads_the_key_from_a_secret_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("a-key-from-a-mounted-secret\n")
    run = load_settings(tmp_path, TIMELIVE_HTTPS="1", SECRET_KEY_FILE=str(key_file))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "a-key-from-a-mounted-secret"


def test_a_local_install_keeps_one_generated_key_readable_only_by_its_owner(tmp_path):
    first = load_settings(tmp_path)
    second = load_settings(tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == second.stdout.strip() != ""
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600
