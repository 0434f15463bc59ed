# Shared settings for the local stack scripts: versions, ports, folders. Sourced, not run.
# Every value can be overridden from the environment, so tests can run a second stack beside the first.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_POM="$REPO_ROOT/scripts/stack/pom.xml"

KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$STACK_POM")"
ELASTICSEARCH_VERSION="$(sed -n 's:.*<elasticsearch.version>\(.*\)</elasticsearch.version>.*:\1:p' "$STACK_POM")"
REGISTRY_VERSION="$(sed -n 's:.*<apicurio.version>\(.*\)</apicurio.version>.*:\1:p' "$STACK_POM")"

# Where downloads are unpacked and servers keep data and logs (ignored by git).
STACK_DIR="${EDR_STACK_DIR:-$REPO_ROOT/.stack}"
STACK_NAME="${EDR_STACK_NAME:-default}"
RUN_DIR="$STACK_DIR/run/$STACK_NAME"

KAFKA_HOST=127.0.0.1
KAFKA_PORT="${EDR_STACK_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${EDR_STACK_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_HEAP="${EDR_STACK_KAFKA_HEAP:-512m}"
# Extra broker properties (one per line), e.g. listeners for SASL_SSL in the security tests.
KAFKA_EXTRA_PROPERTIES="${EDR_STACK_KAFKA_EXTRA_PROPERTIES:-}"

ES_HOST=127.0.0.1
ES_PORT="${EDR_STACK_ES_PORT:-9200}"
ES_TRANSPORT_PORT="${EDR_STACK_ES_TRANSPORT_PORT:-$((ES_PORT + 100))}"
ES_HEAP="${EDR_STACK_ES_HEAP:-512m}"
ES_SCHEME="${EDR_STACK_ES_SCHEME:-http}"
# Extra elasticsearch.yml lines, e.g. TLS and security for the security tests.
ES_EXTRA_SETTINGS="${EDR_STACK_ES_EXTRA_SETTINGS:-}"
# A folder whose files are copied into the node's config folder at every start (TLS material,
# file-realm users): Elasticsearch only reads such files from there.
ES_EXTRA_CONFIG_DIR="${EDR_STACK_ES_EXTRA_CONFIG_DIR:-}"
# Elasticsearch refuses to run as root; as root we run it as this system user.
ES_RUN_USER="${EDR_STACK_ES_USER:-edrstack}"

# The schema registry (Apicurio, Confluent API under /apis/ccompat/v7); EDR_STACK_REGISTRY=false leaves it out.
REGISTRY_ENABLED="${EDR_STACK_REGISTRY:-true}"
REGISTRY_HOST=127.0.0.1
# Below Kafka's port by default (9081 beside 9092), so a stack moved to other ports takes its registry along.
REGISTRY_PORT="${EDR_STACK_REGISTRY_PORT:-$((KAFKA_PORT - 11))}"
# Quarkus always opens a management port (health, metrics) beside the API port.
REGISTRY_MANAGEMENT_PORT="${EDR_STACK_REGISTRY_MANAGEMENT_PORT:-$((REGISTRY_PORT + 1))}"
REGISTRY_HEAP="${EDR_STACK_REGISTRY_HEAP:-256m}"
# Compatibility applied to every subject without its own rule; Apicurio's own default is NONE.
REGISTRY_COMPATIBILITY="${EDR_STACK_REGISTRY_COMPATIBILITY:-BACKWARD}"

# Elasticsearch runs on the Temurin 25 JDK; Kafka on it too when present, else on the default Java.
find_java_home() {
  local candidate
  for candidate in "${EDR_STACK_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/temurin-25-*; do
    if [[ -n "$candidate" && -x "$candidate/bin/java" ]]; then echo "$candidate"; return 0; fi
  done
  if command -v java >/dev/null; then dirname "$(dirname "$(readlink -f "$(command -v java)")")"; return 0; fi
  return 1
}

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits up to $3 seconds for a command to succeed; returns 1 on time-out.
wait_for() {
  local what="$1" check="$2" seconds="$3" i
  for ((i = 0; i < seconds * 4; i++)); do
    if eval "$check"; then return 0; fi
    sleep 0.25
  done
  log "$what did not become ready within ${seconds}s"
  return 1
}

# The command line every server script offers, once the script has defined start, stop and status:
# start|stop|status|clean (clean: stop, then delete this server's data and logs in $BASE).
server_main() {
  local script="$1"; shift
  case "${1:-}" in
    start | stop | status) "$1" ;;
    clean)
      stop
      rm -rf "$BASE"
      rmdir "$RUN_DIR" 2>/dev/null || true
      ;;
    *) die "usage: $script start|stop|status|clean" ;;
  esac
}
