"""Shared pytest configuration of tests-e2e. The contract suite's fixtures live in contract/fixtures.py."""
from contract.fixtures import contract_auth, contract_box, contract_gw, contract_token  # noqa: F401
