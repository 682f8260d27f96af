# Sourced by the benchmark scripts: builds both daemons' release binaries (unless BUILD=0) and runs the Python
# benchmark given as $1 (with its arguments) against them; ESB_BIN_DIR points at other binaries instead.
run_against_release_daemons() {
    local script=$1
    shift
    if [ "$BUILD" = 1 ]; then
        (cd "$ROOT" && swift build -c release --product esb-manager >/dev/null \
            && swift build -c release --product esb-gateway >/dev/null)
    fi
    ESB_BIN_DIR="${ESB_BIN_DIR:-$(cd "$ROOT" && swift build -c release --show-bin-path)}" \
        exec python3 "$ROOT/bench/$script" "$@"
}
