#!/usr/bin/env bash
# Issue 20's gateway load runs, each its own command (outside ./mvnw verify):
#
#   benchmarks/gateway-load.sh streams [N]   N slow streams (default 10000, one event a second for
#                                            30 s) through one gateway on a Java 21+ JVM, with short
#                                            requests beside them (section 3b)
#   benchmarks/gateway-load.sh cold-start    gateways started cold into 1,000 req/s, warm-up off and
#                                            on (--warm-up-requests 0 / 3000), each plain and with an
#                                            AppCDS archive from a training run (section 3c)
#   benchmarks/gateway-load.sh profile       JFR allocation and CPU profile of non-streamed requests
#   benchmarks/gateway-load.sh upstream      CPU and allocation per request, the gateway's model
#                                            calls on the JDK client against Jetty's, alternating
#                                            rounds (section 3d)
#
# The gateway's JVM for `streams` is $GATEWAY_JAVA, else Temurin 25 where installed, else `java`.
# Sections are written to benchmarks/target/results/; benchmarks/run.sh includes 3b and 3c.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WHAT=${1:-}
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  echo "== building (benchmarks and llm-router.jar, no tests)"
  ./mvnw -B -q -pl benchmarks,llm-router -am package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime -DskipTests
fi
CP="$ROOT/benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
JAR="$ROOT/llm-router/target/llm-router.jar"
RESULTS="$ROOT/benchmarks/target/results"
mkdir -p "$RESULTS"
cd "$RESULTS"
GATEWAY_JAVA=${GATEWAY_JAVA:-}
if [[ -z "$GATEWAY_JAVA" ]]; then
  GATEWAY_JAVA=java
  if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    GATEWAY_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  fi
fi
case "$WHAT" in
  streams)
    # The driver holds one socket per stream and the endpoint (its own process) one more.
    java -Xmx2g -cp "$CP" dev.llmrollout.benchmarks.ConcurrentStreams "$RESULTS/3b-streams.md" \
      "$JAR" "$GATEWAY_JAVA" "${2:-10000}" 30 1000 200
    ;;
  cold-start)
    java -cp "$CP" dev.llmrollout.benchmarks.ColdStart "$RESULTS/3c-cold-start.md" "$JAR" 1000 30 3
    ;;
  profile)
    java -cp "$CP" dev.llmrollout.benchmarks.GatewayProfile "$JAR" 500 20 "$RESULTS/gateway.jfr"
    ;;
  upstream)
    java -cp "$CP" dev.llmrollout.benchmarks.GatewayCpuPerRequest "$RESULTS/3d-upstream.md" \
      6000 5 4 jdk="$JAR,--upstream-client=jdk" jetty="$JAR,--upstream-client=jetty"
    ;;
  *)
    echo "usage: $0 streams [N] | cold-start | profile | upstream" >&2
    exit 2
    ;;
esac
