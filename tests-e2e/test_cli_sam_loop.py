"""The SAM user's loop with the real esb binary (issue 14): init, validate, generate with SAM's own conventions
(template.yml, -t, --parameter-overrides, samconfig.toml), the folder options of build, and ImageConfig built by the
real Docker engine and answered through the real RIE.

Needs the esb binary (swift build --product esb; ESB_BIN overrides the path). The ImageConfig test also needs
dockerd (tests-e2e/lib/ensure-dockerd.sh) and the local base image esb-local/lambda-python:3.11
(tests-e2e/build-base-image.sh). Missing prerequisites FAIL the tests with the command that provides them.
"""

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from test_cli_build import BASE_IMAGE, Container, docker_ready, esb_binary, run  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parent.parent
WILD = REPO / "Tests" / "SAMGeneratorFixtures" / "Templates" / "wild"


def esb(*args, cwd):
    return subprocess.run([esb_binary()] + list(args), cwd=cwd, capture_output=True, text=True, timeout=120)


def test_init_then_validate_then_generate_with_no_arguments(tmp_path):
    made = esb("init", "app", "--runtime", "python3.11", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    app = tmp_path / "app"
    assert (app / "template.yaml").is_file() and (app / "src" / "hello" / "app.py").is_file()
    again = esb("init", "app", cwd=tmp_path)
    assert again.returncode == 1 and "never overwrites" in again.stderr

    checked = esb("validate", cwd=app)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == "1 function, 1 route, 0 warnings"
    assert not (app / ".esb").exists(), "validate writes nothing"

    generated = esb("generate", cwd=app)
    assert generated.returncode == 0, generated.stderr
    assert generated.stdout.splitlines()[-1] == "1 function, 1 route, 0 warnings"
    functions = (app / ".esb" / "functions.yml").read_text()
    assert "  HelloFunction:\n    image: \"hellofunction:latest\"" in functions
    assert "LOG_LEVEL: \"${LOG_LEVEL}\"" in functions
    check = subprocess.run([str(Path(esb_binary()).parent / "esb-gateway"), "--check-config"], capture_output=True, text=True,
                           env=dict(os.environ, FUNCTIONS_CONFIG_PATH=str(app / ".esb" / "functions.yml"),
                                    ROUTING_CONFIG_PATH=str(app / ".esb" / "routing.yml")))
    if "No such file" in check.stderr:
        pytest.fail("esb-gateway missing next to esb: swift build --product esb-gateway")
    assert check.stdout.strip() == "ok", check.stdout + check.stderr


def test_template_yml_samconfig_and_sam_spellings(tmp_path):
    shutil.copytree(WILD / "template-yml", tmp_path / "app")
    app = tmp_path / "app"
    checked = esb("validate", cwd=app)
    assert checked.returncode == 0, checked.stderr
    assert "template.yml:22:7: warning: duplicate key \"Timeout\"" in checked.stderr
    generated = esb("generate", "-t", "template.yml", "--output", "out", "--parameter-overrides", "Owner=ops", cwd=app)
    assert generated.returncode == 0, generated.stderr
    functions = (app / "out" / "functions.yml").read_text()
    # Stage from samconfig.toml's build table, Owner from the command line, region and stack from samconfig.toml.
    assert "  hello-dev-ops:" in functions
    assert "STACK: \"hello-stack\"" in functions and "REGION: \"eu-west-1\"" in functions


def test_output_that_is_a_file_and_an_unknown_param(tmp_path):
    shutil.copytree(WILD / "capital-names", tmp_path / "app")
    app = tmp_path / "app"
    (app / "out.txt").write_text("not a folder")
    ran = esb("generate", "--output", "out.txt", cwd=app)
    assert ran.returncode == 1
    assert ran.stderr.strip() == "error: --output out.txt: out.txt is a file; esb generate needs a folder to write into"
    ran = esb("generate", "--output", "out.txt/deeper", cwd=app)
    assert ran.returncode == 1
    assert ran.stderr.strip() == "error: --output out.txt/deeper: out.txt is a file; esb generate needs a folder to write into"
    ran = esb("validate", "--param", "Stage=dev", cwd=app)
    assert ran.returncode == 0
    assert "warning: --param Stage matches no parameter of template.yaml (the template has no Parameters); ignored" in ran.stderr.splitlines()


def test_build_takes_dir_and_keeps_config_as_an_alias(tmp_path):
    # The folder's name is the default AWS::StackName, so it keeps its name.
    shutil.copytree(WILD / "My_Project", tmp_path / "My_Project")
    app = tmp_path / "My_Project"
    refused = esb("generate", "--output", "out", cwd=app)
    assert refused.returncode == 1
    assert "the template's folder name \"My_Project\" unless --stack-name is given" in refused.stderr
    assert esb("generate", "--output", "out", "--stack-name", "my-project", cwd=app).returncode == 0
    for option in ["--dir", "--config"]:
        built = esb("build", option, "out", cwd=app)
        assert built.returncode == 0, built.stderr
        assert built.stdout.splitlines()[-1] == "built 0 image(s)"


def test_image_config_gives_two_functions_of_one_dockerfile_their_own_handler(docker_ready, tmp_path):
    """serverless-patterns lambda-ecs-durable-python-sam's shape, built for real (issue 14, defect 3)."""
    shutil.copytree(WILD / "image-config", tmp_path / "app")
    app = tmp_path / "app"
    # No registry here: the user's Dockerfile starts from the local Lambda base image instead of AWS's.
    (app / "app" / "Dockerfile").write_text("FROM %s\nCOPY app.py /var/task/\nCMD [\"app.start\"]\n" % BASE_IMAGE)
    prefix = "esb-cli-test-%s/" % uuid.uuid4().hex[:8]
    try:
        generated = esb("generate", "--output", "out", "--image-prefix", prefix, cwd=app)
        assert generated.returncode == 0, generated.stderr
        built = run([esb_binary(), "build", "--dir", "out", "start-function", "status-function"], cwd=app)
        assert built.stdout.splitlines()[-1] == "built 2 image(s)"
        for name, handler in [("start-function", "start"), ("status-function", "status")]:
            container = Container("%s%s:python3.12-v1" % (prefix, name), name)
            try:
                answer = container.invoke({})
                assert '"handler": "%s"' % handler in answer["body"], answer
            finally:
                container.remove()
    finally:
        images = run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}}"], check=False).stdout.split()
        mine = [image for image in images if image.startswith(prefix)]
        if mine:
            subprocess.run(["docker", "rmi", "-f"] + mine, capture_output=True)
