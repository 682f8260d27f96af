"""Helpers of the black-box contract suite (tests-e2e/test_contract_*.py); see docs/contract-tests.md."""
