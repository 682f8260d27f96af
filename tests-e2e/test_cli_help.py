"""esb --version and --help on every subcommand (docs/contract.md §9). Needs the esb binary (ESB_BIN overrides)."""

import subprocess

import pytest

from contract.box import esb_binary


def esb(*args):
    return subprocess.run([esb_binary()] + list(args), capture_output=True, text=True, timeout=30)


def test_version():
    ran = esb("--version")
    assert ran.returncode == 0
    assert ran.stdout.startswith("esb ")


@pytest.mark.parametrize("command,option", [
    ([], "SUBCOMMANDS:"),
    (["generate"], "--base-image <[RUNTIME=]IMAGE>"),
    (["build"], "--no-cache"),
    (["provision"], "--dir, --config <DIR>"),
    (["build"], "--dir, --config <DIR>"),
    (["validate"], "--parameter-overrides <OVERRIDES>"),
    (["generate"], "-t, --template <PATH>"),
    (["generate"], "--skip-unsupported"),
    (["init"], "--runtime <RUNTIME>"),
    # docs/contract.md §9: `--help` on every command, with the options the contract names
    (["invoke"], "USAGE: esb invoke <NAME> [--event <FILE|->] [--type <TYPE>] [--endpoint <URL>]"),
    (["logs"], "USAGE: esb logs <NAME> [--follow] [--since <DURATION>]"),
    (["deploy"], "--dir, --config <DIR>"),
    (["deploy"], "--to <CONFIG_DIR>"),
    (["init"], "USAGE: esb init [<DIR>]"),
])
def test_help(command, option):
    ran = esb(*(command + ["--help"]))
    assert ran.returncode == 0
    assert "USAGE: esb" in ran.stdout
    assert option in ran.stdout


def test_an_unknown_option_is_a_usage_error():
    ran = esb("build", "--folder", "x")
    assert ran.returncode == 64
    assert "Unknown option '--folder'" in ran.stderr
