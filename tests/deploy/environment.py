"""What the deployment tests need to know about the settings: the environment variables they read."""

import ast
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SETTINGS_DIR = BASE_DIR / "config" / "settings"
ENV_READERS = {"env_bool", "env_list", "getenv"}


def variables_read(path: Path) -> set[str]:
    """Names of the environment variables a module reads (os.environ[...], .get, .setdefault, env_*)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args and _reads_environment(node.func):
            key = node.args[0]
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def _reads_environment(func: ast.AST) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ENV_READERS
    if isinstance(func, ast.Attribute):
        return func.attr == "getenv" or (func.attr in {"get", "setdefault", "pop"} and _is_environ(func.value))
    return False


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def production_variables() -> set[str]:
    return variables_read(SETTINGS_DIR / "base.py") | variables_read(SETTINGS_DIR / "production.py")


def required_production_variables() -> tuple[str, ...]:
    for node in ast.parse((SETTINGS_DIR / "production.py").read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "REQUIRED_ENVIRONMENT" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("config/settings/production.py has no REQUIRED_ENVIRONMENT")


def production_environment(**overrides: str) -> dict[str, str]:
    """An environment in which the production settings load (for subprocesses)."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAPILLARY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=os.environ.get("DATABASE_URL") or "postgresql://capillary@127.0.0.1:5432/capillary",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DJANGO_SECRET_KEY="k3Vq-8hZ!r2Lw9xN@4tYb7mPc6dFs1gJ0aQe5uTo_iRnWzXyBvHlKjCpMfDgSaE",
        DJANGO_ALLOWED_HOSTS="capillary.example.cn",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://capillary.example.cn",
    )
    env.update(overrides)
    return env
