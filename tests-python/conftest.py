"""Runs runtime/python/sitecustomize.py for real: a fresh interpreter per case, the patch imported at start-up
the way a Lambda image imports it (a directory on sys.path holding sitecustomize.py), real boto3/botocore.
No network: requests are stopped in botocore's before-send hook, which stands in for the endpoint."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PATCH = Path(__file__).resolve().parent.parent / "runtime" / "python" / "sitecustomize.py"

# Prepended to every snippet: a before-send handler that records each HTTP attempt and answers it locally,
# so botocore's real retry, endpoint and signing logic runs while nothing leaves the process.
HARNESS = textwrap.dedent(
    """
    import json, sys
    ATTEMPTS = []
    def answer_locally(status=200, body=b"{}", headers=None):
        from botocore.awsrequest import AWSResponse
        class Raw:
            def __init__(self, data): self._data = data
            def stream(self, *a, **k):
                yield self._data
            def read(self, *a, **k): return self._data
        def handler(request, **kwargs):
            ATTEMPTS.append({"url": request.url, "method": request.method})
            return AWSResponse(request.url, status, headers or {}, Raw(body))
        return handler
    def result(value):
        sys.stdout.write("RESULT " + json.dumps(value) + "\\n")
    """
)


def base_environment(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    for key in ("S3_ENDPOINT", "DYNAMODB_ENDPOINT", "GATEWAY_INTERNAL_URL", "LOG_LEVEL", "PYTHONPATH"):
        env.pop(key, None)
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "test-key",
            "AWS_SECRET_ACCESS_KEY": "test-secret",
            "AWS_DEFAULT_REGION": "ap-northeast-1",
            "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    return env


class Run:
    def __init__(self, completed):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr

    @property
    def result(self):
        for line in self.stdout.splitlines():
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT ") :])
        raise AssertionError("no RESULT line\nstdout:\n%s\nstderr:\n%s" % (self.stdout, self.stderr))

    def json_lines(self):
        out = []
        for line in self.stdout.splitlines():
            if line.startswith("{"):
                out.append(json.loads(line))
        return out


@pytest.fixture
def site_dir(tmp_path):
    directory = tmp_path / "site"
    directory.mkdir()
    shutil.copy(PATCH, directory / "sitecustomize.py")
    return directory


@pytest.fixture
def run_patched(tmp_path, site_dir):
    """run_patched(code, **env) -> Run: executes code in a new interpreter that imported the patch at start."""

    def run(code, python=sys.executable, harness=True, **env_overrides):
        env = base_environment(tmp_path)
        env["PYTHONPATH"] = str(site_dir)
        for key, value in env_overrides.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        source = (HARNESS if harness else "") + textwrap.dedent(code)
        completed = subprocess.run(
            [python, "-c", source], env=env, capture_output=True, text=True, timeout=120, cwd=str(tmp_path)
        )
        return Run(completed)

    return run
