"""esb generate checked against AWS's own SAM translator (the PyPI package aws-sam-translator, the code
CloudFormation runs for `Transform: AWS::Serverless-2016-10-31`): for each template, the routes API Gateway would
serve (path, method, function, payload version) and each function's timeout, memory, handler and environment
variable names must be what the real esb binary writes into routing.yml and functions.yml (docs/sam-support.md).

The translator is the oracle, run offline: local CodeUri/ContentUri are replaced by S3 locations first (what
`sam package` does) and a local AWS::Include is inlined (what CloudFormation does). Where the box deliberately
differs (one route namespace for all APIs, `//` in paths folded) the templates avoid it; values CloudFormation
itself resolves later (a MemorySize from !FindInMap) are not compared.

Needs the esb binary (swift build --product esb; ESB_BIN overrides the path) and `pip install aws-sam-translator`.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from test_cli_build import esb_binary

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "Tests" / "SAMGeneratorFixtures" / "Templates"
CASES = [
    "public-shapes/rest-openapi-include",
    "public-shapes/http-api-document",
    "public-shapes/globals-and-events",
    "wild/capital-names",
    "wild/sam-refs",
    "wild/documented-rest-api",
    "wild/unset-parameters",
    "wild/merged-globals-api",
    "wild/plain-api-body",
    "wild/event-resources",
    "wild/ignore-globals",
]


def translator():
    try:
        from samtranslator.translator.transform import transform
    except ImportError:
        pytest.fail("aws-sam-translator missing: pip install aws-sam-translator")
    return transform


class CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags, read as their long forms (`!Sub x` -> {"Fn::Sub": x})."""


def _tag(loader, suffix, node):
    name = suffix if suffix in ("Ref", "Condition") else "Fn::" + suffix
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CloudFormationLoader.add_multi_constructor("!", _tag)


def load(path):
    return yaml.load(path.read_text(), Loader=CloudFormationLoader)


class NoManagedPolicies:
    def load(self):
        return {}


def translate(folder, template_name):
    template = json.loads(json.dumps(load(folder / template_name), default=str))
    function_globals = (template.get("Globals") or {}).get("Function") or {}
    function_globals.pop("CodeUri", None)
    for resource in (template.get("Resources") or {}).values():
        properties = resource.setdefault("Properties", {}) or {}
        resource["Properties"] = properties
        kind = resource.get("Type")
        if kind == "AWS::Serverless::Function":
            if properties.get("PackageType") == "Image":
                properties.setdefault("ImageUri", "repo:tag")
            elif "InlineCode" not in properties:
                properties["CodeUri"] = "s3://bucket/code.zip"
        elif kind == "AWS::Serverless::LayerVersion":
            properties["ContentUri"] = "s3://bucket/layer.zip"
        elif kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            body = properties.get("DefinitionBody")
            if isinstance(body, dict) and "Fn::Transform" in body:
                location = body["Fn::Transform"]["Parameters"]["Location"]
                properties["DefinitionBody"] = load(folder / location)
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")
    return translator()(template, {}, NoManagedPolicies())


def lambda_target(uri, functions):
    """The logical id of the function an integration URI invokes (as the translator writes it: `${Fn.Arn}`, or
    `${FnAliaslive}` for a function with AutoPublishAlias)."""
    text = json.dumps(uri)
    match = re.search(r"\$\{([A-Za-z0-9]+)(?:\.Arn)?\}", text) or re.search(r'"Fn::GetAtt": \["([A-Za-z0-9]+)", "Arn"\]', text)
    if not match:
        return None
    name = match.group(1)
    if name not in functions and "Alias" in name:
        name = name[: name.rindex("Alias")]
    return name if name in functions else None


def translator_routes(cloudformation):
    functions = {k for k, v in cloudformation["Resources"].items() if v.get("Type") == "AWS::Lambda::Function"}
    routes = set()
    for resource in cloudformation["Resources"].values():
        kind = resource.get("Type")
        if kind not in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            continue
        body = resource.get("Properties", {}).get("Body") or {}
        for path, operations in (body.get("paths") or {}).items():
            for method, operation in operations.items():
                integration = operation.get("x-amazon-apigateway-integration") if isinstance(operation, dict) else None
                if not isinstance(integration, dict) or str(integration.get("type")).lower() != "aws_proxy":
                    continue
                function = lambda_target(integration.get("uri"), functions)
                if function is None:
                    continue
                method = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
                payload = integration.get("payloadFormatVersion", "1.0") if kind == "AWS::ApiGatewayV2::Api" else "1.0"
                if path == "$default":
                    routes |= {("ANY", "/", function, payload), ("ANY", "/{proxy+}", function, payload)}
                else:
                    routes.add((method, path.rstrip("/") or "/", function, payload))
    return routes


def generate(tmp_path, case):
    source = TEMPLATES / case
    folder = tmp_path / "project"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns(".esb"))
    template_name = "template.yaml" if (folder / "template.yaml").exists() else "template.yml"
    result = subprocess.run(
        [esb_binary(), "generate", "--output", str(folder / ".esb")], cwd=folder, capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 0, result.stderr
    output = folder / ".esb"
    # Box name -> logical id, from the generated Dockerfiles' second line.
    logical = {}
    for dockerfile in output.glob("functions/*/Dockerfile"):
        match = re.search(r"# Function (\S+) \((\S+)\)", dockerfile.read_text())
        if match:
            logical[match.group(2)] = match.group(1)
    return folder, template_name, output, logical


@pytest.mark.parametrize("case", CASES)
def test_routes_are_the_ones_api_gateway_would_serve(tmp_path, case):
    folder, template_name, output, logical = generate(tmp_path, case)
    expected = translator_routes(translate(folder, template_name))
    written = yaml.safe_load((output / "routing.yml").read_text())["routes"] or []
    actual = {(r["method"], r["path"], logical.get(r["function"], r["function"]), r["payload_format"]) for r in written}
    assert actual == expected
    assert expected or case.startswith("wild/sam-refs"), "a case that checks no route checks nothing"


@pytest.mark.parametrize("case", CASES)
def test_function_settings_are_the_ones_lambda_would_get(tmp_path, case):
    folder, template_name, output, logical = generate(tmp_path, case)
    cloudformation = translate(folder, template_name)
    config = yaml.safe_load((output / "functions.yml").read_text())
    defaults = config.get("defaults") or {}
    by_logical_id = {logical[name]: body or {} for name, body in config["functions"].items() if name in logical}
    compared = 0
    for logical_id, resource in cloudformation["Resources"].items():
        if resource.get("Type") != "AWS::Lambda::Function" or logical_id not in by_logical_id:
            continue
        properties = resource["Properties"]
        function = {**defaults, **by_logical_id[logical_id]}
        for key, default, ours in (("Timeout", 3, "timeout"), ("MemorySize", 128, "memory_size")):
            value = properties.get(key, default)
            if not isinstance(value, dict):  # an intrinsic only CloudFormation resolves
                assert str(value) == str(function[ours]), (logical_id, key)
        assert properties.get("Handler") == function.get("handler"), logical_id
        variables = (properties.get("Environment") or {}).get("Variables") or {}
        environment = {**(defaults.get("environment") or {}), **(function.get("environment") or {})}
        assert set(variables) <= set(environment), logical_id
        for name, value in variables.items():
            if isinstance(value, str):
                assert environment[name] == value.replace("$", "$$"), (logical_id, name)
        compared += 1
    assert compared == len(by_logical_id) > 0
