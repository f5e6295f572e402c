#!/usr/bin/env bash
# Checks openapi.yaml against itself and against the running code:
#   1. lints it with @redocly/cli (rules in redocly.yaml);
#   2. installs schemathesis (pinned) into .venv/ unless that exact version is already there;
#   3. starts the local server (js/server.js) on a free port with a throwaway data folder and
#      runs schemathesis against it, with the secret supplied, for a bounded number of
#      examples: no 5xx, and every status, header, content type and body as documented.
# The server is stopped and the data folder removed on every exit, failures included.
#
# OPENAPI_CHECK_MAX_EXAMPLES (default 50) bounds the examples per operation;
# OPENAPI_CHECK_SEED makes a run reproducible (schemathesis prints the seed it used);
# OPENAPI_CHECK_REPORT_DIR keeps a HAR file of every request and response there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

SCHEMATHESIS_VERSION=4.32.5
VENV=.venv
MAX_EXAMPLES="${OPENAPI_CHECK_MAX_EXAMPLES:-50}"
SEED="${OPENAPI_CHECK_SEED:-}"
REPORT_DIR="${OPENAPI_CHECK_REPORT_DIR:-}"
REQUEST_TIMEOUT_SECONDS=20
STARTUP_TIMEOUT_SECONDS=30
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance
CHECKS+=,response_headers_conformance,response_schema_conformance
CHECKS+=,unsupported_method,allow_header_conformance

# Redocly would otherwise try to send usage data and print an update notice.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

say() { printf '[openapi-check] %s\n' "$*" >&2; }

say "linting openapi.yaml with redocly"
npx --no-install redocly lint openapi.yaml

if [ "$("$VENV/bin/st" --version 2>/dev/null)" != "st, version $SCHEMATHESIS_VERSION" ]; then
  say "installing schemathesis $SCHEMATHESIS_VERSION into $VENV/"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/clarento-openapi-check.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); \
print(s.getsockname()[1]); s.close()')
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
url="http://127.0.0.1:$port"

say "starting the local server on $url"
# No signing secret: with one, every generated request that carries a webhook-* header (the
# coverage phase puts the documented examples on nearly all) could only be answered 401.
WEBHOOK_SECRET="$secret" HOST=127.0.0.1 PORT="$port" DATA_DIR="$work/data" \
  node js/server.js >"$work/server.log" 2>&1 &
server_pid=$!

deadline=$((SECONDS + STARTUP_TIMEOUT_SECONDS))
until curl --silent --output /dev/null --max-time 2 "$url/"; do
  if ! kill -0 "$server_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
    say "the local server did not start; its output:"
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.2
done

# The run authenticates with the Authorization header. A `secret` generated into a body
# could only be wrong, which tests nothing but the 401 (the node tests cover the body secret),
# so this hook removes `secret` from the schemas before generation starts.
mkdir -p "$work/hooks"
cat >"$work/hooks/clarento_hooks.py" <<'PY'
import schemathesis


def drop_secret(node):
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            properties.pop("secret", None)
        for value in node.values():
            drop_secret(value)
    elif isinstance(node, list):
        for value in node:
            drop_secret(value)


@schemathesis.hook
def before_load_schema(ctx, raw_schema):
    drop_secret(raw_schema.get("components", {}).get("schemas", {}))
PY

say "running schemathesis $SCHEMATHESIS_VERSION: $MAX_EXAMPLES examples per operation"
status=0
(
  cd "$work"
  PYTHONPATH="$work/hooks" SCHEMATHESIS_HOOKS=clarento_hooks \
    "$root/$VENV/bin/st" run "$root/openapi.yaml" \
    --url "$url" \
    --header "Authorization: Bearer $secret" \
    --checks "$CHECKS" \
    --max-examples "$MAX_EXAMPLES" \
    --request-timeout "$REQUEST_TIMEOUT_SECONDS" \
    --workers 2 \
    --no-color \
    ${SEED:+--seed "$SEED"} \
    ${REPORT_DIR:+--report har --report-dir "$REPORT_DIR"}
) || status=$?

if [ "$status" -ne 0 ]; then
  say "schemathesis found problems (exit $status); the server's last log lines:"
  tail -n 20 "$work/server.log" >&2
  exit "$status"
fi
say "no server errors and no response outside the schema"
