"""Settings that only work when spelled right reach the libraries that read them."""

from django.conf import settings

from config.celery import app


def test_celery_reads_the_reliability_settings_from_django() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_url == settings.REDIS_URL


def test_celery_keeps_database_connections_between_tasks() -> None:
    # Read by Celery's Django fix-up under this exact name; a typo would close the
    # connection around every task and halve throughput.
    assert app.conf.get("CELERY_DB_REUSE_MAX") == settings.CELERY_DB_REUSE_MAX
    assert settings.CELERY_DB_REUSE_MAX > 0


def test_distributed_mode_uses_redis_for_channels() -> None:
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"


def test_web_requests_do_not_hold_connections_open_by_default() -> None:
    # Under ASGI every request runs on its own thread: persistent connections would pile up.
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is True


def _database_options(env: dict[str, str]) -> dict:
    """config.settings' DATABASES OPTIONS in a fresh interpreter with `env` added."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup(); "
        "from django.conf import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    run = {**os.environ, "DEBUG": "true", **env}
    out = subprocess.run([sys.executable, "-c", code], env=run, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_postgresql_connections_prepare_the_hot_statements_unless_turned_off() -> None:
    url = settings.DATABASES["default"]["NAME"]
    postgres = f"postgres://postgres@127.0.0.1:5432/{url}"
    assert _database_options({"DATABASE_URL": postgres})["prepare_threshold"] == 2
    assert (
        _database_options({"DATABASE_URL": postgres, "DB_PREPARED_STATEMENTS": "false"})["prepare_threshold"]
        is None
    )


def test_a_sqlite_database_url_gets_no_postgresql_options(tmp_path) -> None:
    assert "prepare_threshold" not in _database_options(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    )
