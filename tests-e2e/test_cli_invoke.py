"""docs/contract.md §9 `esb invoke NAME [--event FILE|-] [--type RequestResponse|Event|DryRun] [--endpoint URL]`
against the REAL esb-gateway and esb-manager of the contract session (tests-e2e/contract/fixtures.py), the real RIE
in esb-test/echo, and the esb binary as a user runs it (the box's bin_dir(): ESB_BIN_DIR, else the debug build).

test_cli_box_loop.py runs the default type through ESB_ENDPOINT; this file covers the other invocation types, the
--endpoint option and the refusals, each with the exit code `aws lambda invoke` users expect."""
import json
import os
import subprocess
import time

from contract.box import free_port


def esb_invoke(gw, *args, stdin=None, endpoint=True, **env):
    """Runs `esb invoke ARGS --insecure [--endpoint gw.url]` with the box's key pair; ESB_ENDPOINT points at a port
    nobody listens on, so only --endpoint can reach the gateway."""
    environment = dict(os.environ, INVOKE_ACCESS_KEY_ID=gw.box.access_key, INVOKE_SECRET_ACCESS_KEY=gw.box.secret_key,
                       AWS_REGION="ap-northeast-1", ESB_ENDPOINT="https://127.0.0.1:%d" % free_port())
    environment.update(env)
    argv = [os.path.join(gw.box.bin, "esb"), "invoke"] + list(args) + ["--insecure"]
    if endpoint:
        argv += ["--endpoint", gw.url]
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, env=environment,
                          cwd=gw.box.dir, timeout=120)


def marker(what):
    return "cli-invoke-%s-%d" % (what, time.time_ns())


def test_request_response_prints_the_payload_through_endpoint(contract_gw):
    ran = esb_invoke(contract_gw, "echo", "--event", "-", stdin=json.dumps({"return": {"answer": 42}}))
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {"answer": 42}


def test_without_endpoint_esb_endpoint_is_used(contract_gw):
    """The default comes from ESB_ENDPOINT: pointed at a closed port, the call fails with exit 1 (and the same call
    with --endpoint above succeeds), so --endpoint is what reached the gateway there."""
    ran = esb_invoke(contract_gw, "echo", endpoint=False)
    assert ran.returncode == 1 and ran.stdout == "", (ran.stdout, ran.stderr)
    assert ran.stderr.startswith("error: "), ran.stderr
    ran = esb_invoke(contract_gw, "echo", endpoint=False, ESB_ENDPOINT=contract_gw.url)
    assert ran.returncode == 0, ran.stderr


def test_event_type_is_accepted_and_runs_later(contract_gw, tmp_path):
    printed = marker("event")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"print": printed, "sleep": 0.2}))
    ran = esb_invoke(contract_gw, "echo", "--type", "Event", "--event", str(event))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "" and "accepted" in ran.stderr and "202" in ran.stderr, (ran.stdout, ran.stderr)
    # It ran in the background: the worker's stdout reaches the Manager's log (§4.5).
    contract_gw.box.manager.wait_log_text(printed, timeout=30)


def test_dry_run_type_is_checked_but_not_run(contract_gw):
    skipped = marker("dryrun")
    ran = esb_invoke(contract_gw, "echo", "--type", "DryRun", "--event", "-", stdin=json.dumps({"print": skipped}))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "" and "dry run" in ran.stderr and "204" in ran.stderr, (ran.stdout, ran.stderr)
    # Evidence instead of a sleep (as in test_contract_invoke_api.py): a real invocation afterwards prints its own
    # marker; once it is in the Manager's log, the dry run's would have been too had it run.
    after = marker("after-dryrun")
    assert esb_invoke(contract_gw, "echo", "--event", "-", stdin=json.dumps({"print": after})).returncode == 0
    contract_gw.box.manager.wait_log_text(after, timeout=30)
    assert skipped not in contract_gw.box.manager.log_text()
    # DryRun still checks that the function exists (§3.6).
    missing = esb_invoke(contract_gw, "no-such-function", "--type", "DryRun")
    assert missing.returncode == 1 and "HTTP 404 ResourceNotFoundException" in missing.stderr, missing.stderr


def test_refusals_exit_1_and_name_the_error(contract_gw):
    unknown = esb_invoke(contract_gw, "no-such-function")
    assert unknown.returncode == 1 and "HTTP 404 ResourceNotFoundException" in unknown.stderr, unknown.stderr
    assert "Function not found" in unknown.stderr
    bad_type = esb_invoke(contract_gw, "echo", "--type", "Sometimes")
    assert bad_type.returncode == 1, bad_type.stderr
    assert "--type Sometimes: use RequestResponse, Event or DryRun" in bad_type.stderr
    no_keys = esb_invoke(contract_gw, "echo", INVOKE_ACCESS_KEY_ID="", INVOKE_SECRET_ACCESS_KEY="")
    assert no_keys.returncode == 1 and "INVOKE_ACCESS_KEY_ID" in no_keys.stderr, no_keys.stderr


def test_a_function_error_exits_1_with_the_error_payload(contract_gw):
    ran = esb_invoke(contract_gw, "echo", "--event", "-", stdin=json.dumps({"error": "cli-boom"}))
    assert ran.returncode == 1
    assert json.loads(ran.stdout)["errorMessage"] == "cli-boom"
    assert "X-Amz-Function-Error: Unhandled" in ran.stderr

