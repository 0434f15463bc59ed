#!/usr/bin/env bash
# Starts, stops or reports one local schema registry (Apicurio, Confluent-compatible API, loopback only).
# Usage: registry.sh start|stop|status|clean (clean: stop, then delete this registry's data and logs)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REGISTRY_HOME="$STACK_DIR/apicurio-registry-$REGISTRY_VERSION"
BASE="$RUN_DIR/registry"
PID_FILE="$BASE/registry.pid"
REGISTRY_URL="http://$REGISTRY_HOST:$REGISTRY_PORT/apis/ccompat/v7"
HEALTH_URL="http://$REGISTRY_HOST:$REGISTRY_MANAGEMENT_PORT/health/ready"

# Major version of the JDK at $1 (17, 21, 25), from its release file or, failing that, `java -version`.
java_major() {
  local version
  version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)"
  [[ -n "$version" ]] || version="$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  echo "${version:-0}"
}

# The management port answers without credentials, so readiness holds with basic auth switched on.
registry_answers() { curl -sf "$HEALTH_URL" >/dev/null 2>&1; }

# Quarkus reads config/application.properties from its working directory: settings (and the test
# users' passwords) go there rather than on a command line that `ps` shows.
write_config() {
  mkdir -p "$BASE/config" "$BASE/data" "$BASE/logs"
  cat > "$BASE/config/application.properties" <<PROPS
quarkus.http.host=$REGISTRY_HOST
quarkus.http.port=$REGISTRY_PORT
quarkus.management.host=$REGISTRY_HOST
quarkus.management.port=$REGISTRY_MANAGEMENT_PORT
apicurio.rules.global.compatibility=$REGISTRY_COMPATIBILITY
# Schemas survive a restart (ids are forever, and a stopped registry must come back with the same ones).
apicurio.storage.kind=sql
apicurio.storage.sql.kind=h2
apicurio.datasource.url=jdbc:h2:file:$BASE/data/registry;DB_CLOSE_ON_EXIT=FALSE
apicurio.datasource.username=sa
apicurio.datasource.password=sa
# A local registry serves a handful of clients: the default pool of 20 connections only costs memory.
apicurio.datasource.jdbc.initial-size=2
apicurio.datasource.jdbc.min-size=2
apicurio.datasource.jdbc.max-size=10
quarkus.http.access-log.enabled=false
quarkus.log.file.enabled=true
quarkus.log.file.path=$BASE/logs/registry.log
${EDR_STACK_REGISTRY_EXTRA_PROPERTIES:-}
PROPS
  chmod 600 "$BASE/config/application.properties"
}

start() {
  [[ "$REGISTRY_ENABLED" == true ]] || { log "schema registry disabled (EDR_STACK_REGISTRY=$REGISTRY_ENABLED)"; return 0; }
  if pid_alive "$PID_FILE" && registry_answers; then log "schema registry already running at $REGISTRY_URL"; return 0; fi
  port_open "$REGISTRY_HOST" "$REGISTRY_PORT" && die "port $REGISTRY_PORT is taken by another process"
  port_open "$REGISTRY_HOST" "$REGISTRY_MANAGEMENT_PORT" && die "port $REGISTRY_MANAGEMENT_PORT (registry management) is taken by another process"
  [[ -f "$REGISTRY_HOME/.complete" ]] || bash "$REPO_ROOT/scripts/stack/fetch.sh"
  local java_home; java_home="$(find_java_home)" || die "no Java found (Java 21 or newer needed: Temurin 25 expected)"
  local major; major="$(java_major "$java_home")"
  if (( major < 21 )); then
    die "the schema registry needs Java 21 or newer, found Java $major at $java_home: set EDR_STACK_JAVA_HOME, or EDR_STACK_REGISTRY=false to run the stack without a registry"
  fi
  write_config

  log "starting Apicurio Registry $REGISTRY_VERSION at $REGISTRY_URL (heap $REGISTRY_HEAP)"
  (cd "$BASE" && exec nohup "$java_home/bin/java" -Xms64m -Xmx"$REGISTRY_HEAP" -XX:+UseSerialGC -Djava.awt.headless=true \
    ${EDR_STACK_REGISTRY_JAVA_OPTS:-} -jar "$REGISTRY_HOME/quarkus-run.jar" >"$BASE/logs/stdout.log" 2>&1) &
  echo $! >"$PID_FILE"
  if ! wait_for "schema registry" "pid_alive '$PID_FILE' && registry_answers" "${EDR_STACK_TIMEOUT_S:-120}"; then
    tail -n 40 "$BASE/logs/stdout.log" >&2 2>/dev/null || true
    die "the schema registry did not start"
  fi
  log "schema registry ready at $REGISTRY_URL"
}

stop() {
  if pid_alive "$PID_FILE"; then
    local pid; pid="$(cat "$PID_FILE")"
    log "stopping schema registry (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

status() {
  if [[ "$REGISTRY_ENABLED" != true ]]; then echo "schema registry: disabled (EDR_STACK_REGISTRY=$REGISTRY_ENABLED)"; return 0; fi
  if pid_alive "$PID_FILE" && registry_answers; then
    local version; version="$(curl -sf "http://$REGISTRY_HOST:$REGISTRY_PORT/apis/registry/v3/system/info" | sed -n 's/.*"version":"\([^"]*\)".*/\1/p')"
    echo "schema registry: running  version=Apicurio ${version:-$REGISTRY_VERSION?}  url=$REGISTRY_URL  pid=$(cat "$PID_FILE")  data=$BASE"
  else
    echo "schema registry: stopped  (Apicurio $REGISTRY_VERSION, url $REGISTRY_URL)"
    return 1
  fi
}

server_main registry.sh "$@"
