"""init -> generate -> build -> deploy -> invoke -> logs against the REAL daemons (issue 14): esb-manager and
esb-gateway built by SwiftPM and run as host processes (tests-e2e/gateway_support.py), the real Docker engine, the
real RIE in the local Lambda base image, and the esb binary as a user runs it.

Needs tests-e2e/setup.sh to have run (dockerd, esb-local/lambda-python:3.11). Missing prerequisites FAIL.
"""

import json
import os
import signal
import subprocess
import time
import uuid

import pytest

from gateway_support import box_fixture, wait_until
from test_cli_build import BASE_IMAGE, docker_ready, esb_binary  # noqa: F401 (fixture)


@pytest.fixture
def box(docker_ready):
    yield from box_fixture()


def esb(*args, cwd, env=None, stdin=None, timeout=600):
    return subprocess.run([esb_binary()] + list(args), cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
                          timeout=timeout)


def test_the_sam_users_loop_against_the_real_box(box, tmp_path):
    prefix = "esb-loop-%s/" % uuid.uuid4().hex[:8]
    app = tmp_path / "app"
    try:
        assert esb("init", str(app), "--runtime", "python3.11", cwd=tmp_path).returncode == 0
        generated = esb("generate", "--base-image", BASE_IMAGE, "--image-prefix", prefix, cwd=app)
        assert generated.returncode == 0, generated.stderr
        built = esb("build", cwd=app)
        assert built.returncode == 0, built.stdout + built.stderr
        assert built.stdout.splitlines()[-1] == "built 1 image(s)"

        gateway = box.start_gateway()
        # Deploy into the running box: checked, renamed into place, SIGHUP to both daemons.
        deployed = esb("deploy", "--to", box.config_dir, "--hup", str(box.manager.proc.pid),
                       "--hup", str(gateway.daemon.proc.pid), cwd=app)
        assert deployed.returncode == 0, deployed.stderr
        assert "deployed %s/functions.yml" % box.config_dir in deployed.stdout
        assert "HelloFunction" in open(box.functions_path).read()
        assert 'function: "HelloFunction"' in open(box.routing_path).read()

        env = dict(os.environ, INVOKE_ACCESS_KEY_ID=box.access_key, INVOKE_SECRET_ACCESS_KEY=box.secret_key,
                   AWS_REGION="ap-northeast-1", ESB_ENDPOINT=gateway.url)
        invoke = ["invoke", "HelloFunction", "--insecure", "--event", "events/hello.json"]
        # The daemons reload on SIGHUP; the first invocation after the reload cold-starts a worker.
        answer = {}

        def invoked():
            ran = esb(*invoke, cwd=app, env=env, timeout=120)
            answer["ran"] = ran
            return ran.returncode == 0
        wait_until(invoked, 60, interval=0.5, what="HelloFunction through esb invoke after the reload")
        payload = json.loads(answer["ran"].stdout)
        assert json.loads(payload["body"]) == {"message": "Hello, esb!"}

        # A second deploy without any signal: the daemons' file watch picks the renamed files up, and the changed
        # function configuration retires the old worker.
        template = app / "template.yaml"
        template.write_text(template.read_text().replace("GREETING: Hello", "GREETING: Hi"))
        assert esb("generate", "--base-image", BASE_IMAGE, "--image-prefix", prefix, cwd=app).returncode == 0
        redeployed = esb("deploy", "--to", box.config_dir, cwd=app)
        assert redeployed.returncode == 0, redeployed.stderr
        assert "through their file watch" in redeployed.stdout

        def greets_hi():
            ran = esb(*invoke, cwd=app, env=env, timeout=120)
            return ran.returncode == 0 and json.loads(json.loads(ran.stdout)["body"]) == {"message": "Hi, esb!"}
        wait_until(greets_hi, 60, interval=0.5, what="the redeployed GREETING through the file watch")

        # A function error: exit 1, the error payload on stdout (a list has no .get).
        failed = esb("invoke", "HelloFunction", "--insecure", "--event", "-", cwd=app, env=env, stdin="[1]")
        assert failed.returncode == 1
        assert "errorMessage" in json.loads(failed.stdout)
        assert "X-Amz-Function-Error: Unhandled" in failed.stderr
        # Wrong keys: refused, exit 1.
        refused = esb("invoke", "HelloFunction", "--insecure", cwd=app,
                      env=dict(env, INVOKE_SECRET_ACCESS_KEY="wrong-secret-wrong-secret"))
        assert refused.returncode == 1 and "HTTP 403 InvalidSignatureException" in refused.stderr

        logs = esb("logs", "HelloFunction", "--since", "10m", cwd=app, env=env, timeout=60)
        assert logs.returncode == 0, logs.stderr
        lines = [line for line in logs.stdout.splitlines() if "hello called" in line]
        assert lines and all(line.startswith("esb-HelloFunction-") for line in lines), logs.stdout

        # --follow prints what a later invocation writes, until interrupted.
        follower = subprocess.Popen([esb_binary(), "logs", "HelloFunction", "--follow", "--since", "1s"], cwd=app, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1)
            assert esb("invoke", "HelloFunction", "--insecure", "--event", "-", cwd=app, env=env,
                       stdin='{"name": "follower"}').returncode == 0
            seen = []

            def followed():
                line = follower.stdout.readline()
                seen.append(line)
                return '"follower"' in line
            wait_until(followed, 30, what="the followed log line")
        finally:
            follower.send_signal(signal.SIGINT)
            follower.wait(10)
    finally:
        images = subprocess.run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}}"], capture_output=True,
                                text=True).stdout.split()
        mine = [image for image in images if image.startswith(prefix)]
        if mine:
            subprocess.run(["docker", "rmi", "-f"] + mine, capture_output=True)


@pytest.mark.parametrize("spelling", ["--dir", "--config"])   # §9 names it --config DIR; --dir is the newer name
def test_deploy_refuses_what_the_box_would_refuse(tmp_path, spelling):
    out = tmp_path / "out"
    target = tmp_path / "config"
    out.mkdir()
    target.mkdir()
    (out / "functions.yml").write_text("functions:\n  a: {}\n")
    (out / "routing.yml").write_text("routes:\n  - path: /x\n    method: GET\n    function: missing\n")
    (target / "functions.yml").write_text("old\n")
    ran = esb("deploy", spelling, str(out), "--to", str(target), cwd=tmp_path)
    assert ran.returncode == 1
    assert 'function "missing" is not defined' in ran.stderr
    assert (target / "functions.yml").read_text() == "old\n", "nothing was copied"
    assert sorted(os.listdir(target)) == ["functions.yml"]
