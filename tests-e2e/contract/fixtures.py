"""pytest fixtures of the contract suite (imported by tests-e2e/conftest.py).

One manager + one default gateway are shared by the whole session (cold starts are the slow part); tests that
need other settings start their own gateway on the same manager (`contract_box.start_gateway(NAME=value)`).
"""
import subprocess

import pytest

from contract.box import ECHO_IMAGE, Box


def _require_docker():
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        pytest.fail("the Docker engine does not answer: run tests-e2e/setup.sh")
    if subprocess.run(["docker", "image", "inspect", ECHO_IMAGE], capture_output=True).returncode != 0:
        pytest.fail("image %s missing: run tests-e2e/setup.sh" % ECHO_IMAGE)


@pytest.fixture(scope="session")
def contract_box():
    _require_docker()
    box = Box()
    box.start_manager(CONTRACT_WHO="contract")
    try:
        yield box
    finally:
        box.close()


@pytest.fixture(scope="session")
def contract_gw(contract_box):
    return contract_box.start_gateway()


@pytest.fixture(scope="session")
def contract_token(contract_gw):
    return contract_gw.login()


@pytest.fixture(scope="session")
def contract_auth(contract_token):
    return {"Authorization": "Bearer " + contract_token}


class side_gateway:
    """A gateway with other settings on a Manager of its own (context manager). One Manager must serve one
    Gateway: a second Gateway rebuilds its pools from the Manager's list and takes over the first one's leased
    workers (see the bug list), so side gateways never share the session's Manager."""

    def __init__(self, **gateway_env):
        self.gateway_env = gateway_env
        self.box = None

    def __enter__(self):
        _require_docker()
        self.box = Box()
        try:
            self.box.start_manager(CONTRACT_WHO="side")
            return self.box.start_gateway(**self.gateway_env)
        except BaseException:
            self.box.close()
            raise

    def __exit__(self, *exc):
        self.box.close()
        return False
