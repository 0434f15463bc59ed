#!/usr/bin/env bash
# Starts, stops or reports one local Elasticsearch node (single-node, loopback only, small heap).
# Usage: elasticsearch.sh start|stop|status|clean (clean: stop, then delete this node's data and logs)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ES_HOME="$STACK_DIR/elasticsearch-$ELASTICSEARCH_VERSION"
ES_URL="$ES_SCHEME://$ES_HOST:$ES_PORT"

as_es_user() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u "$ES_RUN_USER" -- "$@"; else "$@"; fi
}

# As root the node runs as an unprivileged user, who must be able to reach its files; a checkout
# under a private home directory is not reachable, so then the node's files live under /tmp.
# (Before the first start STACK_DIR may not exist yet: its parent decides, so the answer never changes.)
es_base() {
  local probe="$STACK_DIR"
  [[ -e "$probe" ]] || probe="$(dirname "$STACK_DIR")"
  if [[ "$(id -u)" == 0 ]] && ! runuser -u "$ES_RUN_USER" -- test -x "$probe" 2>/dev/null; then
    echo "${TMPDIR:-/tmp}/edr-dbdump-stack/$(printf '%s' "$STACK_DIR" | cksum | cut -d' ' -f1)/$STACK_NAME/elasticsearch"
  else
    echo "$RUN_DIR/elasticsearch"
  fi
}
BASE="$(es_base)"
PID_FILE="$BASE/es.pid"

es_answers() {
  local auth=()
  [[ -n "${EDR_STACK_ES_CURL_AUTH:-}" ]] && auth=(-u "$EDR_STACK_ES_CURL_AUTH")
  curl -sf -k "${auth[@]}" "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1
}

start() {
  if pid_alive "$PID_FILE" && es_answers; then log "Elasticsearch already running at $ES_URL"; return 0; fi
  port_open "$ES_HOST" "$ES_PORT" && die "port $ES_PORT is taken by another process"
  [[ -f "$ES_HOME/.complete" ]] || bash "$REPO_ROOT/scripts/stack/fetch.sh"
  local java_home; java_home="$(find_java_home)" || die "no Java found (Temurin 25 expected)"

  if [[ "$(id -u)" == 0 ]] && ! id "$ES_RUN_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_RUN_USER"
  fi
  mkdir -p "$BASE/data" "$BASE/logs" "$BASE/tmp"
  local home="$ES_HOME"
  if [[ "$BASE" != "$RUN_DIR/elasticsearch" ]]; then
    home="$(dirname "$BASE")/elasticsearch-home-$ELASTICSEARCH_VERSION"
    [[ -d "$home" ]] || cp -a "$ES_HOME" "$home"
  fi
  rm -rf "$BASE/config" && cp -a "$home/config" "$BASE/config"
  if [[ -n "$ES_EXTRA_CONFIG_DIR" ]]; then
    [[ -d "$ES_EXTRA_CONFIG_DIR" ]] || die "EDR_STACK_ES_EXTRA_CONFIG_DIR is not a folder: $ES_EXTRA_CONFIG_DIR"
    cp -a "$ES_EXTRA_CONFIG_DIR/." "$BASE/config/"
  fi
  cat > "$BASE/config/elasticsearch.yml" <<YML
cluster.name: edr-dbdump-local-$STACK_NAME
node.name: local-$STACK_NAME
discovery.type: single-node
network.host: $ES_HOST
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
path.data: $BASE/data
path.logs: $BASE/logs
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
xpack.security.enabled: ${EDR_STACK_ES_SECURITY:-false}
$ES_EXTRA_SETTINGS
YML
  if [[ "$(id -u)" == 0 ]]; then chown -R "$ES_RUN_USER" "$BASE" "$home"; fi

  log "starting Elasticsearch $ELASTICSEARCH_VERSION at $ES_URL (heap $ES_HEAP)"
  as_es_user env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$BASE/config" ES_TMPDIR="$BASE/tmp" \
    ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP ${EDR_STACK_ES_JAVA_OPTS:-}" \
    "$home/bin/elasticsearch" -d -p "$PID_FILE" >"$BASE/logs/stdout.log" 2>&1 || {
      tail -n 40 "$BASE/logs/stdout.log" "$BASE/logs/"*.log 2>/dev/null >&2; die "Elasticsearch failed to start"; }
  if ! wait_for "Elasticsearch" es_answers "${EDR_STACK_TIMEOUT_S:-120}"; then
    tail -n 40 "$BASE/logs/"*.log >&2 2>/dev/null || true
    die "Elasticsearch did not answer at $ES_URL"
  fi
  log "Elasticsearch ready at $ES_URL"
}

stop() {
  if pid_alive "$PID_FILE"; then
    local pid; pid="$(cat "$PID_FILE")"
    log "stopping Elasticsearch (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

status() {
  if pid_alive "$PID_FILE" && es_answers; then
    local auth=(); [[ -n "${EDR_STACK_ES_CURL_AUTH:-}" ]] && auth=(-u "$EDR_STACK_ES_CURL_AUTH")
    local version; version="$(curl -sf -k "${auth[@]}" "$ES_URL/_nodes/_local/version" | sed -n 's/.*"version":"\([^"]*\)".*/\1/p' | head -1)"
    echo "elasticsearch: running  version=${version:-?}  url=$ES_URL  pid=$(cat "$PID_FILE")  data=$BASE"
  else
    echo "elasticsearch: stopped  (version $ELASTICSEARCH_VERSION, url $ES_URL)"
    return 1
  fi
}

clean() {
  stop
  rm -rf "$BASE"
  rmdir "$RUN_DIR" 2>/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  clean) clean ;;
  *) die "usage: elasticsearch.sh start|stop|status|clean" ;;
esac
