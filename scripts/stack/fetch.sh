#!/usr/bin/env bash
# Downloads Kafka, Elasticsearch and the schema registry from Maven Central into Maven's local repository (the cache)
# and unpacks them under the stack folder. Re-running is cheap: both steps are skipped when done.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v mvn >/dev/null || die "Maven (mvn) is required to fetch the stack: apt-get install maven"
MVN=(mvn -q -B -Dstyle.color=never -f "$STACK_POM")
if [[ -n "${MAVEN_REPO_LOCAL:-}" ]]; then MVN+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL"); fi

KAFKA_HOME="$STACK_DIR/kafka-$KAFKA_VERSION"
if [[ ! -f "$KAFKA_HOME/.complete" ]]; then
  log "fetching Kafka $KAFKA_VERSION and its dependencies"
  rm -rf "$KAFKA_HOME" && mkdir -p "$KAFKA_HOME/libs"
  "${MVN[@]}" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs"
  touch "$KAFKA_HOME/.complete"
fi

ES_HOME="$STACK_DIR/elasticsearch-$ELASTICSEARCH_VERSION"
if [[ ! -f "$ES_HOME/.complete" ]]; then
  log "fetching Elasticsearch $ELASTICSEARCH_VERSION (integ-test-zip)"
  artifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ELASTICSEARCH_VERSION:zip"
  "${MVN[@]}" dependency:copy -Dartifact="$artifact" -DoutputDirectory="$STACK_DIR/downloads" -Dmdep.overWriteIfNewer=true
  rm -rf "$ES_HOME" "$STACK_DIR/unpack" && mkdir -p "$STACK_DIR/unpack"
  (cd "$STACK_DIR/unpack" && unzip -q "$STACK_DIR/downloads/elasticsearch-$ELASTICSEARCH_VERSION.zip")
  mv "$STACK_DIR/unpack/elasticsearch-$ELASTICSEARCH_VERSION" "$ES_HOME" && rmdir "$STACK_DIR/unpack"
  rm -f "$STACK_DIR/downloads/elasticsearch-$ELASTICSEARCH_VERSION.zip"
  touch "$ES_HOME/.complete"
fi

REGISTRY_HOME="$STACK_DIR/apicurio-registry-$REGISTRY_VERSION"
if [[ "$REGISTRY_ENABLED" == true && ! -f "$REGISTRY_HOME/.complete" ]]; then
  log "fetching Apicurio Registry $REGISTRY_VERSION (about 160 MB the first time)"
  artifact="io.apicurio:apicurio-registry-app:$REGISTRY_VERSION:tar.gz:all"
  "${MVN[@]}" dependency:copy -Dartifact="$artifact" -DoutputDirectory="$STACK_DIR/downloads" -Dmdep.overWriteIfNewer=true
  archive="$STACK_DIR/downloads/apicurio-registry-app-$REGISTRY_VERSION-all.tar.gz"
  rm -rf "$REGISTRY_HOME" "$STACK_DIR/unpack" && mkdir -p "$STACK_DIR/unpack"
  tar -xzf "$archive" -C "$STACK_DIR/unpack"
  # The archive's top folder name is not part of any contract: take whichever holds the runner jar.
  runner="$(find "$STACK_DIR/unpack" -maxdepth 3 -name quarkus-run.jar | head -1)"
  [[ -n "$runner" ]] || die "no quarkus-run.jar in $archive"
  mv "$(dirname "$runner")" "$REGISTRY_HOME" && rm -rf "$STACK_DIR/unpack"
  rm -f "$archive"
  touch "$REGISTRY_HOME/.complete"
fi
