import subprocess
import sys

from tests.deploy.environment import BASE_DIR, production_environment

STRICT = ["-W", "error::DeprecationWarning", "-W", "error::PendingDeprecationWarning"]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = [sys.executable, *STRICT, "manage.py", *args]
    return subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deployment_checklist_without_any_warning():
    # given the production settings with the variables docker-compose.yml gives them
    env = production_environment()

    # when Django's deployment checklist runs, failing on warnings and on deprecations
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    # then it finds nothing at all
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr and "Warning" not in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    # given a production environment that lacks the secret key
    env = production_environment()
    del env["DJANGO_SECRET_KEY"]

    # when any command loads the settings
    result = run_manage("check", env=env)

    # then it stops with a message that names the missing variable (never a default key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_sends_mail_over_smtp_configured_from_the_environment():
    # given SMTP settings in the environment
    env = production_environment(
        DJANGO_EMAIL_HOST="smtp.example.cn", DJANGO_EMAIL_PORT="465", DJANGO_EMAIL_USE_SSL="true"
    )
    code = (
        "import django; django.setup(); from django.core import mail; m = mail.mailers.default; "
        "print(type(m).__module__, m.host, m.port, m.use_ssl)"
    )

    # when the default mailer is built (without sending anything)
    result = subprocess.run(
        [sys.executable, *STRICT, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )

    # then it is Django's SMTP backend with those values, and no deprecated EMAIL_* setting is involved
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.smtp", "smtp.example.cn", "465", "True"]
