"""Configuration of the gateway end-to-end suites (tests-e2e/test_gateway_*.py) over the one box helper.

The processes, clients and cleanup are tests-e2e/contract/box.py's (real esb-manager and esb-gateway built by
SwiftPM, the real dockerd, workers from the real local Lambda base image with the real RIE, TLS clients on
127.0.0.1); this file only holds the functions and routes these suites use and their few other defaults.
"""
from contract.box import ECHO_IMAGE, Box as _Box, free_port, wait_until  # noqa: F401 (used as gs.NAME)

FUNCTIONS_YML = """\
defaults:
  environment: {{ AWS_DEFAULT_REGION: "ap-northeast-1" }}
  timeout: 30
  memory_size: 128
  max_concurrency: 4
functions:
  echo:
    image: "{image}"
    environment: {{ GREETING: "hi" }}
  echo-two:
    image: "{image}"
    max_concurrency: 2
  echo-short:
    image: "{image}"
    timeout: 2
  missing-image:
    image: "esb-test/does-not-exist:latest"
"""

ROUTING_YML = """\
routes:
  - path: "/echo"
    method: "ANY"
    function: "echo"
  - path: "/echo2/{rest+}"
    method: "ANY"
    function: "echo"
    payload_format: "2.0"
  - path: "/users/{id}"
    method: "GET"
    function: "echo"
  - path: "/users/{id}"
    method: "POST"
    function: "echo"
  - path: "/open"
    method: "GET"
    function: "echo"
    auth: "none"
  - path: "/two"
    method: "ANY"
    function: "echo-two"
  - path: "/short"
    method: "ANY"
    function: "echo-short"
  - path: "/missing-image"
    method: "GET"
    function: "missing-image"
"""


class Box(_Box):
    """A Manager and any number of gateways with the gateway suites' functions and routes."""

    tag = "e2e-gw"
    manager_settings = {"IDLE_TIMEOUT_MINUTES": "2"}
    gateway_settings = {}

    def __init__(self):
        super().__init__(functions_yml=FUNCTIONS_YML, routing_yml=ROUTING_YML)

    def worker_containers(self, all_states=True):
        """`containers` under the name bench/gateway_latency.py calls it by."""
        return self.containers(all_states)


def box_fixture():
    """A module-scoped pytest fixture body: a Box with its manager started; closed afterwards."""
    b = Box()
    b.start_manager()
    try:
        yield b
    finally:
        b.close()
