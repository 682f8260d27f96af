/// The Python runtime patch, `runtime/python/sitecustomize.py`, embedded so that the `esb` binary works
/// anywhere. A test checks that this copy equals the file (`ESB_UPDATE_GOLDEN=1` rewrites it).
public enum PythonRuntimePatch {
    public static let source = ##"""
        # Edge Serverless Box runtime patch for Python Lambda images (docs/contract.md §6).
        #
        # Copied by the generated Dockerfiles to /var/lang/lib/pythonX.Y/site-packages/sitecustomize.py, so the
        # interpreter imports it at start-up without any change to function code. What it does:
        #   * clients for s3, dynamodb and lambda (boto3.client, boto3.resource, Session.client, Session.resource and
        #     plain botocore clients alike) go to S3_ENDPOINT, DYNAMODB_ENDPOINT and GATEWAY_INTERNAL_URL when those
        #     are set, unless the caller passed endpoint_url itself;
        #   * the lambda client never retries: a synchronous invoke that may already have run must not run twice;
        #   * CloudWatch Logs PutLogEvents becomes one JSON line per event on stdout (the box has no CloudWatch).
        # The patch is installed lazily by an import hook on botocore.session, so a function that never imports
        # boto3 pays nothing, and a missing boto3 cannot break the interpreter. docs/sam-support.md has the details.

        import sys

        _ENDPOINT_VARIABLES = {
            "s3": "S3_ENDPOINT",
            "dynamodb": "DYNAMODB_ENDPOINT",
            "lambda": "GATEWAY_INTERNAL_URL",
        }

        _LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "WARN": 30, "ERROR": 40, "CRITICAL": 50}

        # The longest Lambda timeout is 900 s: a synchronous invoke must be allowed to wait for it.
        _LAMBDA_READ_TIMEOUT = 905


        def _forced_config(service_name):
            """The client configuration the box needs for a redirected service (the caller's own Config wins)."""
            from botocore.config import Config

            if service_name == "s3":
                # Path-style: bucket host names like bucket.esb-storage do not resolve inside the box.
                return Config(s3={"addressing_style": "path"}, signature_version="s3v4")
            if service_name == "dynamodb":
                # Alternator may be warming up; DynamoDB calls are retried by every AWS SDK anyway.
                return Config(retries={"mode": "standard", "total_max_attempts": 10}, connect_timeout=5)
            # lambda: one attempt in total, a sync invoke that may have run is never repeated.
            return Config(
                retries={"mode": "standard", "total_max_attempts": 1},
                connect_timeout=5,
                read_timeout=_LAMBDA_READ_TIMEOUT,
            )


        def _redirect(service_name, arguments):
            """Rewrites create_client's arguments in place for the three redirected services."""
            variable = _ENDPOINT_VARIABLES.get(service_name)
            if variable is None:
                return
            import os

            endpoint = os.environ.get(variable, "").strip()
            if not endpoint or arguments.get("endpoint_url") is not None:
                return  # nothing configured, or the caller chose an endpoint explicitly: the caller wins
            arguments["endpoint_url"] = endpoint
            forced = _forced_config(service_name)
            caller_config = arguments.get("config")
            arguments["config"] = forced.merge(caller_config) if caller_config is not None else forced
            # The box's internal endpoints carry a self-signed certificate unless the site installs a CA bundle
            # (AWS_CA_BUNDLE, which botocore reads itself). An explicit verify= from the caller is kept.
            if endpoint.lower().startswith("https:") and arguments.get("verify") is None:
                if not os.environ.get("AWS_CA_BUNDLE"):
                    arguments["verify"] = False
                    _silence_insecure_request_warning()


        def _silence_insecure_request_warning():
            try:
                import warnings

                from urllib3.exceptions import InsecureRequestWarning

                warnings.simplefilter("ignore", InsecureRequestWarning)
            except Exception:
                pass


        def _iso_time(timestamp_ms):
            import datetime

            moment = datetime.datetime.fromtimestamp(timestamp_ms / 1000.0, tz=datetime.timezone.utc)
            return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


        def _split_level(message):
            """'[ERROR] disk full' -> ('ERROR', 'disk full'); untagged messages are INFO."""
            if message.startswith("["):
                end = message.find("]")
                if end > 1:
                    tag = message[1:end].upper()
                    if tag in _LEVELS:
                        return ("WARNING" if tag == "WARN" else tag), message[end + 1 :].lstrip()
            return "INFO", message


        def _emit_log_events(params):
            import json
            import os
            import time

            threshold = _LEVELS.get(os.environ.get("LOG_LEVEL", "INFO").strip().upper(), 20)
            function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or "unknown"
            lines = []
            for event in params.get("logEvents") or []:
                level, message = _split_level(str(event.get("message", "")))
                if _LEVELS[level] < threshold:
                    continue
                timestamp = event.get("timestamp")
                if not isinstance(timestamp, (int, float)):
                    timestamp = time.time() * 1000
                record = {
                    "_time": _iso_time(timestamp),
                    "level": level,
                    "message": message,
                    "log_group": params.get("logGroupName", ""),
                    "log_stream": params.get("logStreamName", ""),
                    "logger": "boto3.mock",
                    "function": function,
                }
                lines.append(json.dumps(record, ensure_ascii=False, default=str))
            if lines:
                # One write per call keeps the lines of one PutLogEvents together under concurrent threads.
                sys.stdout.write("\n".join(lines) + "\n")
                sys.stdout.flush()


        _LOGS_ANSWERS = {
            "CreateLogGroup": {},
            "CreateLogStream": {},
            "DeleteLogGroup": {},
            "DeleteLogStream": {},
            "PutRetentionPolicy": {},
            "DescribeLogGroups": {"logGroups": []},
            "DescribeLogStreams": {"logStreams": []},
        }


        def _patch_logs_client(client):
            """CloudWatch Logs calls are answered locally; PutLogEvents goes to stdout as JSON lines."""
            original = client._make_api_call

            def _make_api_call(operation_name, api_params):
                if operation_name == "PutLogEvents":
                    _emit_log_events(api_params)
                    answer = {"nextSequenceToken": "mock-token"}
                elif operation_name in _LOGS_ANSWERS:
                    answer = dict(_LOGS_ANSWERS[operation_name])
                else:
                    return original(operation_name, api_params)
                import uuid

                answer["ResponseMetadata"] = {
                    "RequestId": str(uuid.uuid4()),
                    "HTTPStatusCode": 200,
                    "HTTPHeaders": {},
                    "RetryAttempts": 0,
                }
                return answer

            client._make_api_call = _make_api_call


        def _patch_botocore_session(module):
            session_class = getattr(module, "Session", None)
            original = getattr(session_class, "create_client", None)
            if original is None or getattr(original, "_esb_patched", False):
                return
            import functools
            import inspect

            signature = inspect.signature(original)

            @functools.wraps(original)
            def create_client(*args, **kwargs):
                try:
                    bound = signature.bind(*args, **kwargs)
                except TypeError:
                    return original(*args, **kwargs)  # let botocore raise its own error
                service_name = bound.arguments.get("service_name")
                explicit_endpoint = bound.arguments.get("endpoint_url") is not None
                try:
                    _redirect(service_name, bound.arguments)
                except Exception as error:  # never break a function because of the patch
                    _warn("endpoint redirection failed: %r" % (error,))
                client = original(*bound.args, **bound.kwargs)
                if service_name == "logs" and not explicit_endpoint:
                    try:
                        _patch_logs_client(client)
                    except Exception as error:
                        _warn("logs patch failed: %r" % (error,))
                return client

            create_client._esb_patched = True
            session_class.create_client = create_client


        def _warn(text):
            try:
                sys.stderr.write("[sitecustomize] %s\n" % text)
            except Exception:
                pass


        class _PatchingLoader(object):
            """Runs the real loader of botocore.session, then patches the module it produced."""

            def __init__(self, loader):
                self._loader = loader

            def create_module(self, spec):
                return self._loader.create_module(spec)

            def exec_module(self, module):
                self._loader.exec_module(module)
                try:
                    _patch_botocore_session(module)
                except Exception as error:
                    _warn("patch failed: %r" % (error,))

            def __getattr__(self, name):
                return getattr(self._loader, name)


        class _BotocoreImportHook(object):
            """A meta path finder that only reacts to botocore.session; everything else is left to Python."""

            def find_spec(self, fullname, path=None, target=None):
                if fullname != "botocore.session":
                    return None
                for finder in sys.meta_path:
                    if finder is self or not hasattr(finder, "find_spec"):
                        continue
                    spec = finder.find_spec(fullname, path, target)
                    if spec is not None:
                        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                            spec.loader = _PatchingLoader(spec.loader)
                        return spec
                return None


        def _install():
            already = sys.modules.get("botocore.session")
            if already is not None:
                _patch_botocore_session(already)
            else:
                sys.meta_path.insert(0, _BotocoreImportHook())


        try:
            _install()
        except Exception as _error:  # the interpreter must start whatever happens here
            _warn("not installed: %r" % (_error,))

        """##
}
