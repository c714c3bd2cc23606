"""`manage.py check --deploy` is clean with production-like settings."""

import subprocess

from tests.support.processes import PYTHON, REPO, process_env


def test_deploy_check_reports_no_warnings_with_production_settings() -> None:
    env = process_env(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x7#k2!production-like-secret-with-enough-length-and-variety-93jd8",
            "ALLOWED_HOSTS": "flowdesk.example.com",
            "SECURE_SSL_REDIRECT": None,
            "SESSION_COOKIE_SECURE": None,
            "CSRF_COOKIE_SECURE": None,
            "DJANGO_ALLOW_ASYNC_UNSAFE": None,
        }
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    env = process_env({"DEBUG": "false", "SECRET_KEY": None})
    result = subprocess.run(
        [PYTHON, "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
