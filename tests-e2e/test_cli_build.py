"""esb generate + esb build on the real Docker engine, and the built images answering through the real Lambda RIE.

Needs: dockerd (tests-e2e/lib/ensure-dockerd.sh), the local base image esb-local/lambda-python:3.11
(tests-e2e/build-base-image.sh), the esb binary (swift build --product esb; ESB_BIN overrides the path), and PyPI
reachable from this machine for the pip step of the shop template. Missing prerequisites FAIL the tests with the
command that provides them; nothing is skipped.
"""

import json
import os
import shutil
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from contract.box import esb_binary

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "Tests" / "SAMGeneratorFixtures" / "Templates"
BASE_IMAGE = os.environ.get("ESB_TEST_BASE_IMAGE", "esb-local/lambda-python:3.11")


def run(args, cwd=None, check=True, timeout=900):
    completed = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and completed.returncode != 0:
        pytest.fail("%s failed (%d)\nstdout:\n%s\nstderr:\n%s" % (args, completed.returncode, completed.stdout, completed.stderr))
    return completed


@pytest.fixture(scope="module")
def docker_ready():
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        pytest.fail("the Docker engine does not answer: run tests-e2e/lib/ensure-dockerd.sh")
    if subprocess.run(["docker", "image", "inspect", BASE_IMAGE], capture_output=True).returncode != 0:
        pytest.fail("base image %s missing: run tests-e2e/build-base-image.sh" % BASE_IMAGE)


@pytest.fixture
def workspace(tmp_path):
    """A copy of the fixture templates, and an image prefix of its own so parallel runs never share images."""
    prefix = "esb-cli-test-%s/" % uuid.uuid4().hex[:8]
    yield tmp_path, prefix
    images = run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}}"], check=False).stdout.split()
    mine = [image for image in images if image.startswith(prefix)]
    if mine:
        subprocess.run(["docker", "rmi", "-f"] + mine, capture_output=True)


def generate(tmp_path, template, prefix, *extra):
    shutil.copytree(TEMPLATES / template, tmp_path / template)
    return run([esb_binary(), "generate", "--template", "%s/template.yaml" % template, "--output", "out",
                "--base-image", BASE_IMAGE, "--image-prefix", prefix] + list(extra), cwd=tmp_path)


class Container:
    """One function image run the way the Manager runs it, its RIE port published on 127.0.0.1."""

    def __init__(self, image, name, network=None, **environment):
        extra = ["--network", network] if network else []
        for key, value in environment.items():
            extra += ["-e", "%s=%s" % (key, value)]
        self.id = run(["docker", "run", "-d", "-p", "127.0.0.1:0:8080",
                       "-e", "AWS_LAMBDA_FUNCTION_NAME=%s" % name, "-e", "LOG_LEVEL=DEBUG",
                       "-e", "AWS_DEFAULT_REGION=ap-northeast-1", "-e", "AWS_ACCESS_KEY_ID=test",
                       "-e", "AWS_SECRET_ACCESS_KEY=test"] + extra + [image]).stdout.strip()
        port = run(["docker", "port", self.id, "8080/tcp"]).stdout.split("\n")[0].rsplit(":", 1)[1]
        self.url = "http://127.0.0.1:%s/2015-03-31/functions/function/invocations" % port

    def invoke(self, event):
        deadline = time.time() + 30
        while True:
            try:
                request = urllib.request.Request(self.url, data=json.dumps(event).encode(), method="POST")
                with urllib.request.urlopen(request, timeout=30) as answer:
                    return json.loads(answer.read())
            except OSError:
                # The RIE listens a few hundred ms after the container starts.
                if time.time() > deadline:
                    raise
                time.sleep(0.2)

    def logs(self):
        return run(["docker", "logs", self.id]).stdout

    def remove(self):
        subprocess.run(["docker", "rm", "-f", self.id], capture_output=True)


def test_reference_template_builds_and_answers_through_the_rie(docker_ready, workspace):
    tmp_path, prefix = workspace
    generate(tmp_path, "reference-e2e", prefix, "--param", "PythonRuntime=python3.11")
    built = run([esb_binary(), "build", "--config", "out"], cwd=tmp_path)
    lines = built.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:4]] == [
        "[1/4] lambda-hello", "[2/4] lambda-invoke-test", "[3/4] lambda-s3-test", "[4/4] lambda-scylla-test"]
    assert all(" built %s" % prefix in line for line in lines[:4]), built.stdout
    assert lines[-1] == "built 4 image(s)"

    container = Container(prefix + "lambda-hello:latest", "lambda-hello")
    try:
        answer = container.invoke({"requestContext": {"authorizer": {"cognito:username": "alice"}}})
        assert answer["statusCode"] == 200
        assert json.loads(answer["body"])["message"] == "Hello, alice!"
        # The runtime patch is active in the image: PutLogEvents comes out as JSON lines on stdout.
        answer = container.invoke({"body": json.dumps({"action": "test_cloudwatch"})})
        assert json.loads(answer["body"])["success"] is True
        time.sleep(0.5)
        records = [json.loads(line) for line in container.logs().splitlines() if line.startswith("{")]
        assert {r["level"] for r in records} == {"INFO", "DEBUG", "ERROR"}
        assert all(r["function"] == "lambda-hello" and r["log_group"] == "/lambda/hello-test" for r in records)
    finally:
        container.remove()


MOTO_IMAGE = os.environ.get("ESB_TEST_MOTO_IMAGE", "esb-local/moto:latest")


@pytest.fixture
def storage_network():
    """A bridge network of this test's own with a moto server on it, named `esb-storage` there (moto stands in
    for RustFS and ScyllaDB Alternator, docs/contract-tests.md), its port also published on 127.0.0.1."""
    if subprocess.run(["docker", "image", "inspect", MOTO_IMAGE], capture_output=True).returncode != 0:
        pytest.fail("moto image %s missing: run tests-e2e/build-moto-image.sh" % MOTO_IMAGE)
    network = "esb-patch-%s" % uuid.uuid4().hex[:10]
    run(["docker", "network", "create", network])
    moto = None
    try:
        moto = run(["docker", "run", "-d", "--network", network, "--network-alias", "esb-storage",
                    "-p", "127.0.0.1:0:9000", MOTO_IMAGE]).stdout.strip()
        port = run(["docker", "port", moto, "9000/tcp"]).stdout.split("\n")[0].rsplit(":", 1)[1]
        yield network, "http://127.0.0.1:%s" % port
    finally:
        if moto:
            subprocess.run(["docker", "rm", "-f", moto], capture_output=True)
        subprocess.run(["docker", "network", "rm", network], capture_output=True)


def test_the_runtime_patch_sends_s3_and_dynamodb_to_the_box_endpoints(docker_ready, workspace, storage_network):
    """§6 in a built image: the patch is imported at interpreter start from the runtime's site-packages, and plain
    `boto3.client("s3")` / `boto3.client("dynamodb")` reach S3_ENDPOINT / DYNAMODB_ENDPOINT (no AWS_ENDPOINT_URL_*
    is set, and AWS itself is unreachable from here: without the patch both calls fail)."""
    import boto3

    tmp_path, prefix = workspace
    network, published = storage_network
    generate(tmp_path, "reference-e2e", prefix, "--param", "PythonRuntime=python3.11")
    built = run([esb_binary(), "build", "--config", "out", "lambda-s3-test", "lambda-scylla-test"], cwd=tmp_path)
    assert built.stdout.splitlines()[-1] == "built 2 image(s)"
    endpoints = {"S3_ENDPOINT": "http://esb-storage:9000", "DYNAMODB_ENDPOINT": "http://esb-storage:9000"}
    s3_function = Container(prefix + "lambda-s3-test:latest", "lambda-s3-test", network, **endpoints)
    dynamodb_function = Container(prefix + "lambda-scylla-test:latest", "lambda-scylla-test", network, **endpoints)
    try:
        loaded = run(["docker", "exec", s3_function.id, "python3", "-c",
                      "import sys; print(sys.modules['sitecustomize'].__file__)"]).stdout.strip()
        assert loaded == "/var/lang/lib/python3.11/site-packages/sitecustomize.py"

        bucket, key = "patch-%s" % uuid.uuid4().hex[:12], "note.txt"
        for action in ({"action": "create_bucket"}, {"action": "put", "data": "from the box"}):
            answer = s3_function.invoke({"body": json.dumps(dict(action, bucket=bucket, key=key))})
            assert answer["statusCode"] == 200 and json.loads(answer["body"])["success"] is True, answer
        # The object is in THIS moto: read back from the host through the published port.
        s3 = boto3.client("s3", endpoint_url=published, region_name="ap-northeast-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"from the box"

        answer = dynamodb_function.invoke({})
        body = json.loads(answer["body"])
        assert answer["statusCode"] == 200 and body["success"] is True, answer
        dynamodb = boto3.client("dynamodb", endpoint_url=published, region_name="ap-northeast-1",
                                aws_access_key_id="test", aws_secret_access_key="test")
        item = dynamodb.get_item(TableName="test_table", Key={"id": {"S": body["item_id"]}})["Item"]
        assert item["message"] == {"S": "Hello from lambda-scylla-test"}
    finally:
        s3_function.remove()
        dynamodb_function.remove()


def test_build_base_image_per_runtime_overrides_the_generated_default(docker_ready, workspace):
    """§5/§9 `esb build --base-image RUNTIME=IMAGE`: generated without --base-image, the Dockerfile's default is
    AWS's image (not pullable here, so the build can only succeed through the override); an override for another
    runtime is ignored, the one for python3.11 is used."""
    tmp_path, prefix = workspace
    shutil.copytree(TEMPLATES / "reference-e2e", tmp_path / "reference-e2e")
    run([esb_binary(), "generate", "--template", "reference-e2e/template.yaml", "--output", "out",
         "--image-prefix", prefix, "--param", "PythonRuntime=python3.11"], cwd=tmp_path)
    dockerfile = (tmp_path / "out" / "functions" / "lambda-hello" / "Dockerfile").read_text()
    assert "ARG BASE_IMAGE=public.ecr.aws/lambda/python:3.11\nFROM ${BASE_IMAGE}\n" in dockerfile
    built = run([esb_binary(), "build", "--config", "out", "--base-image", "nodejs20.x=esb-test/absent-node:20",
                 "--base-image", "python3.11=" + BASE_IMAGE, "lambda-hello"], cwd=tmp_path)
    assert built.stdout.splitlines()[-1] == "built 1 image(s)"
    image = prefix + "lambda-hello:latest"
    base_layers = run(["docker", "image", "inspect", "--format", "{{json .RootFS.Layers}}", BASE_IMAGE]).stdout
    layers = run(["docker", "image", "inspect", "--format", "{{json .RootFS.Layers}}", image]).stdout
    assert json.loads(layers)[:len(json.loads(base_layers))] == json.loads(base_layers), "built FROM the override"
    container = Container(image, "lambda-hello")
    try:
        answer = container.invoke({"requestContext": {"authorizer": {"cognito:username": "bob"}}})
        assert json.loads(answer["body"])["message"] == "Hello, bob!"
    finally:
        container.remove()


def test_requirements_and_python_layers_are_installed_on_the_host_and_baked_in(docker_ready, workspace):
    tmp_path, prefix = workspace
    generate(tmp_path, "shop", prefix)
    built = run([esb_binary(), "build", "--config", "out", "shop-orders-dev"], cwd=tmp_path)
    assert built.stdout.splitlines()[-1] == "built 1 image(s)"
    deps = tmp_path / "out" / "functions" / "shop-orders-dev" / "build"
    assert (deps / "deps" / "requests").is_dir()
    assert list((deps / "layers" / "shop-common" / "python" / "simplejson").glob("_speedups.cpython-311-*.so"))
    log = tmp_path / "out" / "functions" / "shop-orders-dev" / "build.log"
    assert " -m pip install " in log.read_text()
    # A rebuild with unchanged requirements takes them from pip-cache/: no pip run, same image content.
    rebuilt = run([esb_binary(), "build", "--config", "out", "shop-orders-dev"], cwd=tmp_path)
    assert rebuilt.stdout.splitlines()[-1] == "built 1 image(s)"
    assert " -m pip install " not in log.read_text()
    assert (deps / "deps" / "requests").is_dir()
    # §9 `esb build --no-cache`: neither pip-cache/ nor docker's layer cache is used (a new image, pip ran again).
    image = prefix + "shop-orders-dev:latest"
    cached_id = run(["docker", "image", "inspect", "--format", "{{.Id}}", image]).stdout.strip()
    fresh = run([esb_binary(), "build", "--config", "out", "--no-cache", "shop-orders-dev"], cwd=tmp_path)
    assert fresh.stdout.splitlines()[-1] == "built 1 image(s)"
    assert " -m pip install " in log.read_text()
    assert run(["docker", "image", "inspect", "--format", "{{.Id}}", image]).stdout.strip() != cached_id
    container = Container(prefix + "shop-orders-dev:latest", "shop-orders-dev")
    try:
        body = json.loads(container.invoke({"httpMethod": "GET", "path": "/orders"})["body"])
        # requests from requirements.txt (deps/), shoplib from the layer (/opt/python). simplejson is not
        # compared: the local base image ships its own copy in /var/runtime, ahead of /opt/python.
        assert body["requests"] == "2.32.3"
        assert body["total"] == "12.34"
    finally:
        container.remove()


def test_a_failed_image_is_summarised_and_the_exit_code_is_1(docker_ready, workspace, tmp_path):
    _, prefix = workspace
    project = tmp_path / "failing"
    (project / "image").mkdir(parents=True)
    (project / "ok").mkdir()
    (project / "ok" / "app.py").write_text("def handler(event, context):\n    return 'ok'\n")
    # The classic builder keeps the container of a failed RUN step (docker build's --force-rm is not accepted by
    # every buildx): the marker finds this run's one to remove it, so no state outlives the test.
    marker = "about to fail %s" % prefix.strip("/").replace("/", "-")
    (project / "image" / "Dockerfile").write_text("FROM %s\nRUN echo %s && exit 3\n" % (BASE_IMAGE, marker))
    (project / "template.yaml").write_text(
        "Resources:\n"
        "  Broken:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {PackageType: Image}\n"
        "    Metadata: {Dockerfile: Dockerfile, DockerContext: image}\n"
        "  Fine:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: ok, Handler: app.handler, Runtime: python3.11}\n")
    run([esb_binary(), "generate", "--template", "failing/template.yaml", "--output", "out", "--image-prefix", prefix],
        cwd=tmp_path)
    try:
        built = run([esb_binary(), "build", "--config", "out", "--base-image", BASE_IMAGE], cwd=tmp_path,
                    check=False)
    finally:
        remove_failed_step_containers(marker)
    assert built.returncode == 1
    assert built.stdout.splitlines()[0] == "[1/2] broken: FAILED: docker build failed (exit 3)" \
        or built.stdout.splitlines()[0].startswith("[1/2] broken: FAILED: docker build failed")
    assert built.stdout.splitlines()[1].startswith("[2/2] fine: built %sfine:latest" % prefix)
    assert "1 of 2 image(s) failed:" in built.stderr
    assert "about to fail" in built.stderr  # the tail of the build log


def remove_failed_step_containers(marker):
    """Removes the stopped containers whose command holds `marker` (a failed build step's)."""
    listed = subprocess.run(["docker", "ps", "-a", "--no-trunc", "--filter", "status=exited", "--format",
                             "{{.ID}}\t{{.Command}}"], capture_output=True, text=True).stdout
    ids = [line.split("\t", 1)[0] for line in listed.splitlines() if marker in line]
    if ids:
        subprocess.run(["docker", "rm", "-f", *ids], capture_output=True)
