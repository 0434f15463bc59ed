#!/usr/bin/env bash
# Starts, stops or reports one local Apache Kafka broker in KRaft mode (combined broker+controller).
# Usage: kafka.sh start|stop|status|clean (clean: stop, then delete this broker's data and logs)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_HOME="$STACK_DIR/kafka-$KAFKA_VERSION"
BASE="$RUN_DIR/kafka"
PID_FILE="$BASE/kafka.pid"

java_cmd() {
  local java_home; java_home="$(find_java_home)" || die "no Java found"
  echo "$java_home/bin/java"
}

write_config() {
  mkdir -p "$BASE/data" "$BASE/logs"
  cat > "$BASE/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=${EDR_STACK_KAFKA_LISTENERS:-PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT},CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=${EDR_STACK_KAFKA_ADVERTISED:-PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT}
controller.listener.names=CONTROLLER
listener.security.protocol.map=${EDR_STACK_KAFKA_PROTOCOL_MAP:-PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT}
inter.broker.listener.name=${EDR_STACK_KAFKA_INTER_BROKER:-PLAINTEXT}
log.dirs=$BASE/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
$KAFKA_EXTRA_PROPERTIES
PROPS
  cat > "$BASE/log4j2.yaml" <<YAML
Configuration:
  Appenders:
    File:
      name: server
      fileName: "$BASE/logs/server.log"
      PatternLayout: { pattern: "[%d] %p %m (%c)%n" }
  Loggers:
    Root: { level: INFO, AppenderRef: [{ ref: server }] }
    Logger:
      - { name: kafka.request.logger, level: WARN }
      - { name: org.apache.kafka.controller, level: WARN }
      - { name: state.change.logger, level: WARN }
YAML
}

classpath() { echo "$KAFKA_HOME/libs/*"; }

start() {
  if pid_alive "$PID_FILE" && port_open "$KAFKA_HOST" "$KAFKA_PORT"; then log "Kafka already running at $KAFKA_HOST:$KAFKA_PORT"; return 0; fi
  port_open "$KAFKA_HOST" "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process"
  [[ -f "$KAFKA_HOME/.complete" ]] || bash "$REPO_ROOT/scripts/stack/fetch.sh"
  local java; java="$(java_cmd)"
  write_config
  if [[ ! -f "$BASE/data/meta.properties" ]]; then
    local cluster_id; cluster_id="$("$java" -cp "$(classpath)" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    "$java" -Dlog4j2.configurationFile="$BASE/log4j2.yaml" -cp "$(classpath)" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$BASE/server.properties" ${EDR_STACK_KAFKA_FORMAT_ARGS:-} >"$BASE/logs/format.log" 2>&1 \
      || { cat "$BASE/logs/format.log" >&2; die "formatting Kafka storage failed"; }
  fi
  log "starting Kafka $KAFKA_VERSION at $KAFKA_HOST:$KAFKA_PORT (heap $KAFKA_HEAP)"
  nohup "$java" -Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$BASE/log4j2.yaml" -cp "$(classpath)" \
    kafka.Kafka "$BASE/server.properties" >"$BASE/logs/stdout.log" 2>&1 &
  echo $! >"$PID_FILE"
  if ! wait_for "Kafka" "port_open $KAFKA_HOST $KAFKA_PORT && grep -q 'Kafka Server started' '$BASE/logs/server.log' 2>/dev/null" "${EDR_STACK_TIMEOUT_S:-120}"; then
    tail -n 40 "$BASE/logs/stdout.log" "$BASE/logs/server.log" >&2 2>/dev/null || true
    die "Kafka did not start"
  fi
  log "Kafka ready at $KAFKA_HOST:$KAFKA_PORT"
}

stop() {
  if pid_alive "$PID_FILE"; then
    local pid; pid="$(cat "$PID_FILE")"
    log "stopping Kafka (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

status() {
  if pid_alive "$PID_FILE" && port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    echo "kafka: running  version=$KAFKA_VERSION  bootstrap=$KAFKA_HOST:$KAFKA_PORT  pid=$(cat "$PID_FILE")  data=$BASE"
  else
    echo "kafka: stopped  (version $KAFKA_VERSION, bootstrap $KAFKA_HOST:$KAFKA_PORT)"
    return 1
  fi
}

server_main kafka.sh "$@"
