"""The README stays true: the two commands on top, every environment variable documented."""

import re

from tests.deploy.environment import BASE_DIR, variables_read

MODULES_READING_THE_ENVIRONMENT = [
    "config/settings/base.py",
    "config/settings/local.py",
    "config/settings/test.py",
    "config/settings/production.py",
    "config/embedded.py",
    "config/health.py",
    "scripts/run_demo.py",
]


def readme() -> str:
    return (BASE_DIR / "README.md").read_text()


def documented_variables() -> set[str]:
    """The first column of the README's configuration table."""
    section = readme().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE))


def test_the_readme_opens_with_the_two_commands():
    head = readme()[:400]
    assert "make demo" in head and "make test" in head
    assert head.index("make demo") < head.index("Capillary is")


def test_every_environment_variable_the_code_reads_is_in_the_configuration_table():
    # given every variable read by the settings, the embedded defaults, the health probe and the demo
    read = set()
    for module in MODULES_READING_THE_ENVIRONMENT:
        read |= variables_read(BASE_DIR / module)

    # then each one has a row in the README's configuration table
    missing = read - documented_variables()
    assert not missing, f"README.md, Configuration, lacks {sorted(missing)}"


def test_every_variable_docker_compose_interpolates_is_documented():
    compose = (BASE_DIR / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z_]+)[:}]", compose))
    missing = interpolated - documented_variables()
    assert not missing, f"README.md, Configuration, lacks {sorted(missing)}"
