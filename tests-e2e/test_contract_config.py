"""Contract §2.1, §2.2, §9: `esb-gateway --check-config` / `esb-manager --check-config` against real files.

Exact `FILE:LINE:COLUMN: message` lines (PATH as given, 1-based), `ok` on success, exit codes 0/1. The positions
of syntax errors are taken from libyaml itself (PyYAML's CLoader is libyaml) as the oracle.
"""
import os
import subprocess

import pytest
import yaml

from contract.box import bin_dir

GOOD_FUNCTIONS = """\
defaults:
  timeout: 30
  environment: { LOG_LEVEL: "${LOG_LEVEL}" }
functions:
  lambda-hello:
    image: "lambda-hello:latest"
    environment: { GREETING: "hi" }
    timeout: 10
  lambda-ping:
"""

GOOD_ROUTING = """\
routes:
  - path: "/api/users/{user_id}"
    method: "GET"
    function: "lambda-hello"
    payload_format: "1.0"
    auth: "jwt"
  - path: "/ping/{rest+}"
    method: "ANY"
    function: "lambda-ping"
    payload_format: "2.0"
    auth: "none"
"""


def check(daemon, tmp_path, functions=None, routing=None, cwd=None, fpath="functions.yml", rpath="routing.yml"):
    cwd = cwd or tmp_path
    if functions is not None:
        (cwd / fpath).parent.mkdir(parents=True, exist_ok=True)
        (cwd / fpath).write_text(functions)
    if routing is not None:
        (cwd / rpath).parent.mkdir(parents=True, exist_ok=True)
        (cwd / rpath).write_text(routing)
    env = {"PATH": os.environ["PATH"], "FUNCTIONS_CONFIG_PATH": fpath, "ROUTING_CONFIG_PATH": rpath,
           "JWT_SECRET_KEY": "k" * 40}
    p = subprocess.run([os.path.join(bin_dir(), daemon), "--check-config"], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def error_lines(out):
    return [line for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize("daemon", ["esb-gateway", "esb-manager"])
def test_good_configuration_prints_ok_and_exits_0(daemon, tmp_path):
    code, out, err = check(daemon, tmp_path, GOOD_FUNCTIONS, GOOD_ROUTING)
    assert (code, out.strip()) == (0, "ok"), (out, err)


FUNCTION_ERRORS = [
    # (name, file text, expected "LINE:COLUMN", a word the message must contain)
    ("unknown key", "functions:\n  echo:\n    imag: \"x\"\n", "3:5", "imag"),
    ("bad name with a slash", "functions:\n  Bad/Name:\n    timeout: 3\n", "2:3", "Bad/Name"),
    ("bad name with a bang", "functions:\n  echo!:\n    timeout: 3\n", "2:3", "echo!"),
    ("bad name too long", "functions:\n  " + "a" * 65 + ":\n", "2:3", "a" * 65),
    ("duplicate key", "functions:\n  echo:\n    timeout: 3\n    timeout: 4\n", "4:5", "timeout"),
    ("duplicate function", "functions:\n  echo:\n  other:\n  echo:\n", "4:3", "echo"),
    ("wrong type timeout", "functions:\n  echo:\n    timeout: soon\n", "3:14", "timeout"),
    ("wrong type environment", "functions:\n  echo:\n    environment: [a, b]\n", "3:18", "environment"),
    ("functions not a mapping", "functions:\n  - echo\n", "2:3", "functions"),
    ("unknown top-level key", "functions: {}\nfunktions: {}\n", "2:1", "funktions"),
    ("unknown key in defaults", "defaults:\n  timout: 3\nfunctions: {}\n", "2:3", "timout"),
    ("max_concurrency zero", "functions:\n  echo:\n    max_concurrency: 0\n", "3:22", "max_concurrency"),
]


@pytest.mark.parametrize("daemon", ["esb-gateway", "esb-manager"])
@pytest.mark.parametrize("name,text,position,word", FUNCTION_ERRORS, ids=[c[0] for c in FUNCTION_ERRORS])
def test_functions_yml_errors_are_one_exact_line(daemon, tmp_path, name, text, position, word):
    code, out, err = check(daemon, tmp_path, text, "routes: []\n")
    lines = error_lines(out)
    assert code == 1, (out, err)
    assert lines and lines[0].startswith("functions.yml:%s: " % position), (lines, err)
    assert word in lines[0]
    assert len(lines) == 1, lines


SYNTAX_ERRORS = [
    "functions:\n  echo: [a, b\n",
    "functions:\n  echo:\n    timeout: 3\n   image: x\n",
    "functions:\n  echo: {image: x\n",
    "functions:\n\techo:\n",
    "functions:\n  echo:\n    image: \"unterminated\n",
]


def libyaml_mark(text):
    try:
        yaml.load(text, Loader=yaml.CLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        return "%d:%d" % (mark.line + 1, mark.column + 1)
    raise AssertionError("oracle: libyaml accepted %r" % text)


@pytest.mark.parametrize("daemon", ["esb-gateway", "esb-manager"])
@pytest.mark.parametrize("text", SYNTAX_ERRORS)
def test_yaml_syntax_error_position_is_libyamls_plus_one(daemon, tmp_path, text):
    code, out, err = check(daemon, tmp_path, text, "routes: []\n")
    lines = error_lines(out)
    assert code == 1, (out, err)
    assert len(lines) == 1 and lines[0].startswith("functions.yml:%s: " % libyaml_mark(text)), lines


def test_path_is_printed_as_given(tmp_path):
    code, out, _ = check("esb-manager", tmp_path, "functions:\n  echo:\n    imag: x\n",
                         fpath="conf/sub/../sub/functions.yml")
    assert code == 1
    assert error_lines(out)[0].startswith("conf/sub/../sub/functions.yml:3:5: "), out
    absolute = str(tmp_path / "abs-functions.yml")
    code, out, _ = check("esb-manager", tmp_path, "functions:\n  echo:\n    imag: x\n", fpath=absolute)
    assert error_lines(out)[0].startswith(absolute + ":3:5: "), out


def test_every_error_of_a_file_is_reported_one_line_each(tmp_path):
    text = "functions:\n  Bad/Name:\n  echo:\n    imag: x\n    timeout: soon\n"   # "/" is outside AWS's name rule
    code, out, _ = check("esb-manager", tmp_path, text)
    lines = error_lines(out)
    assert code == 1
    assert [line.split(": ", 1)[0] for line in lines] == ["functions.yml:2:3", "functions.yml:4:5",
                                                          "functions.yml:5:14"], lines


def test_substitution_happens_in_values_not_keys_and_types_after_substitution(tmp_path):
    env_ok = "functions:\n  echo:\n    timeout: ${CONTRACT_T}\n    environment:\n      ${CONTRACT_K}: \"$$x\"\n"
    (tmp_path / "functions.yml").write_text(env_ok)
    env = {"PATH": os.environ["PATH"], "FUNCTIONS_CONFIG_PATH": "functions.yml", "CONTRACT_T": "2.5",
           "CONTRACT_K": "GOOD_NAME"}
    p = subprocess.run([os.path.join(bin_dir(), "esb-manager"), "--check-config"], cwd=tmp_path, env=env,
                       capture_output=True, text=True)
    # the key `${CONTRACT_K}` is not substituted, so it is an invalid environment-variable name
    assert p.returncode == 1 and p.stdout.startswith("functions.yml:5:7: "), p.stdout
    (tmp_path / "functions.yml").write_text("functions:\n  echo:\n    timeout: ${CONTRACT_T}\n")
    env["CONTRACT_T"] = "soon"
    p = subprocess.run([os.path.join(bin_dir(), "esb-manager"), "--check-config"], cwd=tmp_path, env=env,
                       capture_output=True, text=True)
    assert p.returncode == 1 and p.stdout.startswith("functions.yml:3:14: "), p.stdout
    env["CONTRACT_T"] = "2.5"
    p = subprocess.run([os.path.join(bin_dir(), "esb-manager"), "--check-config"], cwd=tmp_path, env=env,
                       capture_output=True, text=True)
    assert (p.returncode, p.stdout.strip()) == (0, "ok"), p.stdout


ROUTING_ERRORS = [
    ("bad method", "routes:\n  - path: /a\n    method: FETCH\n    function: lambda-hello\n", "3:13", "FETCH"),
    ("bad payload format", "routes:\n  - path: /a\n    method: GET\n    function: lambda-hello\n"
     "    payload_format: \"3.0\"\n", "5:21", "3.0"),
    ("bad auth", "routes:\n  - path: /a\n    method: GET\n    function: lambda-hello\n    auth: basic\n",
     "5:11", "basic"),
    ("unknown key", "routes:\n  - path: /a\n    method: GET\n    function: lambda-hello\n    timeout: 3\n",
     "5:5", "timeout"),
    ("path without slash", "routes:\n  - path: a/b\n    method: GET\n    function: lambda-hello\n", "2:11",
     "a/b"),
    ("greedy not last", "routes:\n  - path: /a/{p+}/b\n    method: GET\n    function: lambda-hello\n",
     "2:11", "/a/{p+}/b"),
    # no single node is "the" position of these two: the route's mapping, the key or the value are all fine
    ("missing function key", "routes:\n  - path: /a\n    method: GET\n", ("2:5",), "function"),
    ("undefined function", "routes:\n  - path: /a\n    method: GET\n    function: lambda-ghost\n",
     ("2:5", "4:5", "4:15"), "lambda-ghost"),
]


@pytest.mark.parametrize("name,text,position,word", ROUTING_ERRORS, ids=[c[0] for c in ROUTING_ERRORS])
def test_routing_yml_errors_are_one_exact_line_for_the_gateway(tmp_path, name, text, position, word):
    code, out, err = check("esb-gateway", tmp_path, GOOD_FUNCTIONS, text)
    lines = error_lines(out)
    assert code == 1, (out, err)
    positions = position if isinstance(position, tuple) else (position,)
    assert len(lines) == 1 and any(lines[0].startswith("routing.yml:%s: " % p) for p in positions), lines
    assert word in lines[0]


def test_manager_check_config_ignores_routing(tmp_path):
    code, out, _ = check("esb-manager", tmp_path, GOOD_FUNCTIONS, "routes: [[[\n")
    assert (code, out.strip()) == (0, "ok")


def test_legacy_function_mapping_is_accepted_with_a_warning(tmp_path):
    legacy = ("routes:\n  - path: /a\n    method: GET\n    function:\n      container: lambda-hello\n"
              "      image: other:latest\n")
    code, out, err = check("esb-gateway", tmp_path, GOOD_FUNCTIONS, legacy)
    assert (code, out.strip()) == (0, "ok"), (out, err)
    assert "functions.yml" in err and "routing.yml:6:" in err, err


def test_missing_files_are_not_errors(tmp_path):
    code, out, err = check("esb-gateway", tmp_path, fpath="nope/functions.yml", rpath="nope/routing.yml")
    assert (code, out.strip()) == (0, "ok"), (out, err)


@pytest.mark.parametrize("daemon", ["esb-gateway", "esb-manager", "esb"])
def test_version_and_help(daemon):
    p = subprocess.run([os.path.join(bin_dir(), daemon), "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.strip(), p
    p = subprocess.run([os.path.join(bin_dir(), daemon), "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "usage" in (p.stdout + p.stderr).lower(), p


@pytest.mark.parametrize("daemon,broken", [("esb-gateway", "functions.yml"), ("esb-gateway", "routing.yml"),
                                           ("esb-gateway", "both"), ("esb-manager", "functions.yml")])
def test_a_daemon_started_with_a_broken_file_stops_with_the_located_line(daemon, broken, tmp_path):
    """§2.1 "Errors ... stop the process at start-up, one line each: `PATH:LINE:COLUMN: what is wrong`": the daemons
    themselves (not --check-config), started with every other setting good, exit 1 and print each error as that
    plain line on stderr (the JSON log on stdout carries it too); with both files broken, both errors."""
    (tmp_path / "functions.yml").write_text(GOOD_FUNCTIONS)
    (tmp_path / "routing.yml").write_text(GOOD_ROUTING)
    positions = []
    if broken in ("functions.yml", "both"):
        (tmp_path / "functions.yml").write_text(GOOD_FUNCTIONS.replace("    timeout: 10\n", "    timeout: ten\n"))
        positions.append("functions.yml:8:14: ")
    if broken in ("routing.yml", "both"):
        (tmp_path / "routing.yml").write_text(GOOD_ROUTING.replace('method: "GET"', 'method: "FETCH"'))
        positions.append("routing.yml:3:13: ")
    env = {"PATH": os.environ["PATH"], "FUNCTIONS_CONFIG_PATH": "functions.yml", "ROUTING_CONFIG_PATH": "routing.yml",
           "JWT_SECRET_KEY": "k" * 40, "MANAGER_TOKEN": "m" * 32, "ESB_INSTANCE": "config-start-refusal",
           "GATEWAY_LISTEN": "127.0.0.1:0", "TLS_CERT_PATH": str(tmp_path / "c.crt"),
           "TLS_KEY_PATH": str(tmp_path / "c.key"), "MANAGER_URL": "unix://" + str(tmp_path / "none.sock"),
           "MANAGER_LISTEN": "unix://" + str(tmp_path / "manager.sock"), "EVENT_SPOOL_DIR": str(tmp_path / "events"),
           "LAMBDA_NETWORK": "config-start-refusal-unused"}
    p = subprocess.run([os.path.join(bin_dir(), daemon)], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 1, (p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    for position in positions:
        located = [line for line in p.stderr.splitlines() if line.startswith(position)]
        assert len(located) == 1, (position, p.stdout[-2000:], p.stderr[-2000:])
    assert not (tmp_path / "manager.sock").exists()
