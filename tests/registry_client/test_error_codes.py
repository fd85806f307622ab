"""Every registry error code reaches the user with the exit code README's table gives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from contractctl.registry import RegistryClient
from contractctl.registry.error_codes import REGISTRY_ERROR_CODES
from contractctl.registry.errors import RegistryError
from tests.conftest import GitRepo, record
from tests.registry_client.helpers import avro_record, settings
from tests.registry_double import RegistryDouble

ROOT = Path(__file__).resolve().parents[2]


def status_of(code: int) -> int:
    return code if code < 1000 else code // 100


@pytest.mark.parametrize("code", sorted(REGISTRY_ERROR_CODES))
def test_a_registration_refused_with_each_code_carries_its_exit_code(
    registry_double: RegistryDouble, code: int
) -> None:
    registry_double.faults.fail_next(10, status=status_of(code), body={"error_code": code, "message": "no"})
    client = RegistryClient(settings(registry_double.url))
    with pytest.raises(RegistryError) as caught:
        client.register("orders-value", avro_record("Order", {"name": "id", "type": "string"}), "AVRO", [])
    client.close()
    assert caught.value.exit_code == REGISTRY_ERROR_CODES[code].exit_code, caught.value


def test_an_exporter_conflict_is_not_read_as_an_incompatible_schema(registry_double: RegistryDouble) -> None:
    """HTTP 409 is also what exporter refusals answer with: the error code decides, not the status."""
    registry_double.faults.fail_next(1, status=409, body={"error_code": 40951, "message": "bad config"})
    client = RegistryClient(settings(registry_double.url))
    with pytest.raises(RegistryError) as caught:
        client.register("orders-value", avro_record("Order", {"name": "id", "type": "string"}), "AVRO", [])
    client.close()
    assert caught.value.exit_code == 2 and "incompatible" not in caught.value.reason


FAST = "retries: {max: 1, backoff_initial: 0.01, backoff_max: 0.02}"


@pytest.mark.parametrize(("code", "exit_code"), [(42205, 1), (42201, 2), (50001, 3), (40301, 3)])
def test_check_against_a_registry_exits_with_the_code_of_its_answer(
    repo: GitRepo, registry_double: RegistryDouble, code: int, exit_code: int
) -> None:
    repo.write(
        "contractctl.yaml", f'version: 1\nregistries:\n  r: {{url: "{registry_double.url}", {FAST}}}\n'
    )
    repo.write("contracts/orders/value.avsc", record("Order", [{"name": "id", "type": "string"}]))
    repo.commit("v1")
    assert repo.run("publish", "--registry", "r").code == 0
    repo.write(
        "contracts/orders/value.avsc",
        record("Order", [{"name": "id", "type": "string"}, {"name": "n", "type": "int", "default": 0}]),
    )
    registry_double.faults.fail_next(
        10, status=status_of(code), body={"error_code": code, "message": "no"}, path_prefix="/compatibility"
    )
    result = repo.run("check", "--registry", "r", "--format", "json")
    assert result.code == exit_code, result.output
    assert "Traceback" not in result.output


def test_readme_table_lists_every_registry_error_code() -> None:
    readme = (ROOT / "README.md").read_text()
    for code, entry in REGISTRY_ERROR_CODES.items():
        assert f"| {code} | {entry.meaning} | {entry.exit_code} |" in readme, code
