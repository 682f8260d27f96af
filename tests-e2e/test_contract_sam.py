"""Contract §5/§9 end to end: a SAM template → `esb generate` → `esb build` (real dockerd, local base image) →
the generated functions.yml/routing.yml run by real esb-manager + esb-gateway → real clients. Plus the generator's
exit codes, warnings with template positions, `$$` escaping, dry run, nothing half-written."""
import json
import os
import re
import shutil
import subprocess
import uuid

import pytest
import yaml

from contract.box import Box, bin_dir, esb_binary

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(HERE, "contract", "sam-app")
BASE_IMAGE = os.environ.get("ESB_TEST_BASE_IMAGE", "esb-local/lambda-python:3.11")


def esb(*args, cwd=None, timeout=600):
    return subprocess.run([esb_binary()] + list(args), cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    work = tmp_path_factory.mktemp("sam")
    shutil.copytree(APP, work / "app")
    prefix = "esb-contract-%s/" % uuid.uuid4().hex[:8]
    ran = esb("generate", "--template", "app/template.yaml", "--output", "out", "--base-image", BASE_IMAGE,
              "--image-prefix", prefix, cwd=work)
    yield work, prefix, ran
    images = subprocess.run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}}"], capture_output=True,
                            text=True).stdout.split()
    mine = [i for i in images if i.startswith(prefix)]
    if mine:
        subprocess.run(["docker", "rmi", "-f"] + mine, capture_output=True)


def load(work, name):
    return yaml.safe_load(open(work / "out" / name))


def test_generate_exit_code_outputs_and_first_lines(generated):
    work, prefix, ran = generated
    assert ran.returncode == 0, ran.stderr
    for name in ("functions.yml", "routing.yml", "resources.yml", "schedules.yml"):
        path = work / "out" / name
        assert path.is_file(), name
        assert "generated" in path.read_text().splitlines()[0].lower(), name
        assert name in ran.stdout
    for fn in ("hello-world-function", "items-dev"):
        dockerfile = work / "out" / "functions" / fn / "Dockerfile"
        assert dockerfile.is_file(), fn
        lines = dockerfile.read_text().splitlines()
        assert "generated" in lines[0].lower()
        assert any(line.startswith("ARG BASE_IMAGE=") for line in lines)
        assert any(line.strip() == "FROM ${BASE_IMAGE}" for line in lines)


def test_unsupported_event_is_a_warning_with_its_position(generated):
    work, prefix, ran = generated
    warnings = [line for line in ran.stderr.splitlines() if "SQS" in line]
    assert warnings, ran.stderr
    m = re.search(r"template\.yaml:(\d+):(\d+)", warnings[0])
    # line 54, column 17: the event's `Type: SQS` value, the thing the box does not support
    assert m and (int(m.group(1)), int(m.group(2))) == (54, 17), warnings[0]


def test_schedule_event_becomes_schedules_yml(generated):
    work, _, ran = generated
    assert not [line for line in ran.stderr.splitlines() if "Tick" in line], ran.stderr
    doc = load(work, "schedules.yml")
    assert doc == {"schedules": [{"name": "hello-world-function-tick", "function": "hello-world-function",
                                  "expression": "rate(5 minutes)", "enabled": True}]}


def test_functions_yml_contents(generated):
    work, prefix, _ = generated
    doc = load(work, "functions.yml")["functions"]
    hello, items = doc["hello-world-function"], doc["items-dev"]
    assert hello["timeout"] == 3 and hello["memory_size"] == 128          # Lambda's defaults
    assert items["timeout"] == 5 and items["memory_size"] == 256
    assert items["max_concurrency"] == 2 and items["min_warm"] == 1
    assert hello["environment"]["STAGE"] == "dev"
    assert hello["environment"]["TEMPLATE_LITERAL"] == "order-$${orderId}"   # survives §2.1 substitution
    assert hello["environment"]["TABLE"] == "items-table-dev"                # !Ref to a table → its name
    assert hello["image"].startswith(prefix) and items["image"].startswith(prefix)
    assert hello.get("runtime") == "python3.11" and hello.get("handler") == "app.handler"


def test_routing_yml_contents(generated):
    work, _, _ = generated
    routes = {(r["path"], r["method"].upper()): r for r in load(work, "routing.yml")["routes"]}
    hello = routes[("/hello/{name}", "GET")]
    assert hello["function"] == "hello-world-function"
    assert str(hello.get("payload_format", "1.0")) in ("1.0", "1") and hello.get("auth", "jwt") == "jwt"
    assert routes[("/public", "GET")]["auth"] == "none"
    items = routes[("/items/{proxy+}", "ANY")]
    assert items["function"] == "items-dev" and str(items["payload_format"]) in ("2.0", "2")
    # Globals.Api.Cors on the implicit REST API's routes, Globals.HttpApi.CorsConfiguration on the HTTP API's
    assert hello["cors"] == {"allow_origins": ["https://app.example"],
                             "allow_headers": ["Content-Type", "Authorization"]}
    assert items["cors"] == {"allow_origins": ["https://app.example"], "allow_methods": ["GET", "DELETE"],
                             "allow_credentials": True}


def test_resources_yml_contents(generated):
    work, _, _ = generated
    doc = load(work, "resources.yml")
    assert [t["name"] for t in doc["tables"]] == ["items-table-dev"]
    assert [b["name"] for b in doc["buckets"]] == ["assets-bucket"]


@pytest.mark.parametrize("daemon", ["esb-gateway", "esb-manager"])
def test_generated_files_pass_check_config(generated, daemon):
    work, _, _ = generated
    env = dict(os.environ, FUNCTIONS_CONFIG_PATH=str(work / "out" / "functions.yml"),
               ROUTING_CONFIG_PATH=str(work / "out" / "routing.yml"))
    p = subprocess.run([os.path.join(bin_dir(), daemon), "--check-config"], env=env, capture_output=True, text=True)
    assert (p.returncode, p.stdout.strip()) == (0, "ok"), (p.stdout, p.stderr)


def test_generate_is_deterministic(generated, tmp_path):
    work, prefix, _ = generated
    shutil.copytree(APP, tmp_path / "app")
    ran = esb("generate", "--template", "app/template.yaml", "--output", "out", "--base-image", BASE_IMAGE,
              "--image-prefix", prefix, cwd=tmp_path)
    assert ran.returncode == 0
    for name in ("functions.yml", "routing.yml", "resources.yml", "schedules.yml"):
        assert (tmp_path / "out" / name).read_text() == (work / "out" / name).read_text(), name


def test_dry_run_writes_nothing(tmp_path):
    shutil.copytree(APP, tmp_path / "app")
    ran = esb("generate", "--template", "app/template.yaml", "--output", "out", "--dry-run", cwd=tmp_path)
    assert ran.returncode == 0 and "functions.yml" in ran.stdout
    assert not (tmp_path / "out").exists()


def test_broken_template_exit_1_with_position_and_nothing_written(tmp_path):
    shutil.copytree(APP, tmp_path / "app")
    text = (tmp_path / "app" / "template.yaml").read_text()
    (tmp_path / "app" / "template.yaml").write_text(text.replace("TABLE: !Ref ItemsTable", "TABLE: !Ref NoSuchThing"))
    ran = esb("generate", "--template", "app/template.yaml", "--output", "out", cwd=tmp_path)
    assert ran.returncode == 1
    line = next(i + 1 for i, l in enumerate(text.splitlines()) if "TABLE: !Ref ItemsTable" in l)
    assert re.search(r"template\.yaml:%d:\d+: " % line, ran.stderr + ran.stdout), ran.stderr
    assert not (tmp_path / "out").exists()


def test_yaml_syntax_error_exit_1_nothing_written(tmp_path):
    (tmp_path / "template.yaml").write_text("Resources:\n  Fn: [unclosed\n")
    ran = esb("generate", "--template", "template.yaml", "--output", "out", cwd=tmp_path)
    assert ran.returncode == 1 and "template.yaml:" in ran.stderr + ran.stdout
    assert not (tmp_path / "out").exists()


# --- build and run through the box ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(generated):
    work, prefix, _ = generated
    ran = esb("build", "--config", "out", cwd=work, timeout=900)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return work, prefix, ran


def test_build_progress_lines_and_images(built):
    work, prefix, ran = built
    lines = [line for line in ran.stdout.splitlines() if line.strip()]
    assert any("hello-world-function" in line for line in lines) and any("items-dev" in line for line in lines)
    for fn in ("hello-world-function", "items-dev"):
        image = load(work, "functions.yml")["functions"][fn]["image"]
        assert subprocess.run(["docker", "image", "inspect", image], capture_output=True).returncode == 0, image


def test_generated_app_served_by_the_box(built):
    work, prefix, _ = built
    box = Box(functions_yml=open(work / "out" / "functions.yml").read().replace("{", "{{").replace("}", "}}"),
              routing_yml=open(work / "out" / "routing.yml").read())
    try:
        box.start_manager()
        gw = box.start_gateway()
        status, _, body = gw.request("GET", "/public")
        assert status == 200, body
        doc = json.loads(body)
        assert doc["function"] == "hello-world-function" and doc["stage"] == "dev"
        assert doc["literal"] == "order-${orderId}" and doc["table"] == "items-table-dev"
        assert doc["timeout"] == "3" and doc["memory"] == "128"
        assert gw.request("GET", "/hello/world")[0] == 401
        token = gw.login()
        status, _, body = gw.request("GET", "/hello/w%C3%B6rld", headers={"Authorization": "Bearer " + token})
        assert status == 200 and json.loads(body)["path_parameters"] == {"name": "wörld"}
        status, _, body = gw.request("DELETE", "/items/a/b", headers={"Authorization": "Bearer " + token})
        doc = json.loads(body)
        assert status == 200 and doc["function"] == "items-dev" and doc["version"] == "2.0"
        assert doc["path_parameters"] == {"proxy": "a/b"} and doc["memory"] == "256"
        # min_warm 1: the Manager keeps one items-dev worker
        workers = box.manager_request("GET", "/v1/workers")[2]["workers"]
        assert any(w["function"] == "items-dev" for w in workers)
        # the Invoke API reaches a generated function by its FunctionName
        # CORS from the template: a browser's preflight is answered without a token, and the worker's answer
        # carries the allowed origin (docs/configuration.md "CORS")
        status, headers, _ = gw.request("OPTIONS", "/hello/x", headers={
            "Origin": "https://app.example", "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization"})
        assert status == 204 and headers["access-control-allow-origin"] == ["https://app.example"]
        assert headers["access-control-allow-headers"] == ["Content-Type,Authorization"]
        assert headers["access-control-allow-methods"] == ["GET,OPTIONS"]
        status, headers, _ = gw.request("DELETE", "/items/a", headers={
            "Authorization": "Bearer " + token, "Origin": "https://app.example"})
        assert status == 200 and headers["access-control-allow-origin"] == ["https://app.example"]
        assert headers["access-control-allow-credentials"] == ["true"]
        client = gw.lambda_client()
        resp = client.invoke(FunctionName="items-dev", Payload=b"{}")
        assert resp["StatusCode"] == 200 and json.loads(json.loads(resp["Payload"].read())["body"])["function"] \
            == "items-dev"
    finally:
        box.close()
