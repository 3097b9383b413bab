#!/usr/bin/env bash
# Builds the project, runs every benchmark of issue 9 and writes docs/PERFORMANCE.md.
#
#   benchmarks/run.sh            full run (about 15-20 minutes on 2 cores; the figures to publish)
#   benchmarks/run.sh --reduced  short settings (about 5 minutes) to check that everything runs
#
# Needs Java 17 and the Maven wrapper: the load generator is a Java HttpClient open-loop driver
# (Debian's wrk cannot hold a fixed rate), and every server runs on 127.0.0.1. The gateway section
# compares against Debian's nginx, installed with apt-get when /usr/sbin/nginx is missing. The kill-switch
# section also runs the real Unleash server: .ci/unleash-server.sh installs PostgreSQL (apt) and
# unleash-server (npm) when missing; if that fails, the Unleash row says "not measured" and why.
set -euo pipefail

MODE=full
if [[ "${1:-}" == "--reduced" ]]; then
  MODE=reduced
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--reduced]" >&2
  exit 2
fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
COMMAND="benchmarks/run.sh${1:+ $1}"
STARTED=$(date -u +"%Y-%m-%d %H:%M UTC")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

if [[ $MODE == full ]]; then
  JMH_ARGS=(-f 2 -wi 3 -i 5 -w 2s -r 3s)
  ROUTER_ARGS=(5000 3)
  GATEWAY_ARGS=(5000 5 500,1000,2000)
  SHADOW_ARGS=(5000 3 50 64)
  KILL_TRIALS=20
  WINDOW_ROUNDS=20
  STREAMS=10000
else
  JMH_ARGS=(-f 1 -wi 2 -i 2 -w 2s -r 2s)
  ROUTER_ARGS=(1000 1)
  GATEWAY_ARGS=(2000 5 500,2000)
  SHADOW_ARGS=(1500 1 50 64)
  KILL_TRIALS=5
  WINDOW_ROUNDS=5
  STREAMS=1000
fi

echo "== building (benchmarks and llm-router.jar, no tests)"
./mvnw -B -q -pl benchmarks,llm-router -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime -DskipTests

echo "== installing the Unleash server for section 5 (PostgreSQL from apt, unleash-server from npm)"
UNLEASH_STATE="$ROOT/benchmarks/target/unleash-server"
mkdir -p "$UNLEASH_STATE"
# The server is started and stopped by the benchmark; this stops it should the run be cut short.
trap 'UNLEASH_STATE_DIR="$UNLEASH_STATE" "$ROOT/.ci/unleash-server.sh" stop >/dev/null 2>&1 || true' EXIT
if ! "$ROOT/.ci/unleash-server.sh" install >"$UNLEASH_STATE/install.log" 2>&1; then
  BENCH_UNLEASH_UNAVAILABLE="\`.ci/unleash-server.sh install\` failed: $(tail -n 1 "$UNLEASH_STATE/install.log")"
  export BENCH_UNLEASH_UNAVAILABLE
  echo "   $BENCH_UNLEASH_UNAVAILABLE (see $UNLEASH_STATE/install.log)"
fi
echo "== installing nginx for section 3 (Debian's nginx-light from apt)"
if [[ ! -x /usr/sbin/nginx ]]; then
  if ! { apt-get install -y nginx-light || apt-get install -y nginx; } \
    >"$ROOT/benchmarks/target/nginx-install.log" 2>&1; then
    echo "   nginx could not be installed (see benchmarks/target/nginx-install.log);" \
      "section 3 says so and measures the gateway alone"
  fi
fi
CP="$ROOT/benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
JAR="$ROOT/llm-router/target/llm-router.jar"
RESULTS="$ROOT/benchmarks/target/results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
# Run from the results directory so nothing a component writes lands in the source tree.
cd "$RESULTS"
# The loopback model endpoints run on the JDK's HttpServer, which by default keeps only 200 idle
# connections and closes the rest as it answers: at 512 callers a client could reuse a connection
# the server was closing and fail with "header parser received no bytes". A model endpoint keeps
# its connections alive, so the rig's does too.
JAVA=(java -Dsun.net.httpserver.nodelay=true -Dsun.net.httpserver.maxIdleConnections=2048 -cp "$CP")

echo "== 1. flag evaluation (JMH ${JMH_ARGS[*]} -prof gc)"
"${JAVA[@]}" org.openjdk.jmh.Main FlagEvaluationBenchmark LaunchDarklyEvaluationBenchmark \
  UnleashEvaluationBenchmark \
  "${JMH_ARGS[@]}" -prof gc \
  -rf json -rff "$RESULTS/jmh.json"
"${JAVA[@]}" dev.llmrollout.benchmarks.JmhReport "$RESULTS/jmh.json" "$RESULTS/1-evaluation.md" \
  "Settings: \`${JMH_ARGS[*]}\`."

echo "== 2. router overhead"
"${JAVA[@]}" dev.llmrollout.benchmarks.RouterOverhead "$RESULTS/2-router.md" "${ROUTER_ARGS[@]}"

echo "== 3. gateway overhead and 6b. in-flight memory"
"${JAVA[@]}" dev.llmrollout.benchmarks.GatewayOverhead "$RESULTS/3-gateway.md" \
  "$RESULTS/6b-inflight.md" "$JAR" "${GATEWAY_ARGS[@]}"

echo "== 3b. concurrent slow streams and 3c. cold start (benchmarks/gateway-load.sh)"
BENCH_SKIP_BUILD=1 "$ROOT/benchmarks/gateway-load.sh" streams "$STREAMS"
BENCH_SKIP_BUILD=1 "$ROOT/benchmarks/gateway-load.sh" cold-start

echo "== 4. shadow"
"${JAVA[@]}" dev.llmrollout.benchmarks.ShadowOverhead "$RESULTS/4-shadow.md" "${SHADOW_ARGS[@]}"

echo "== 5. kill switch"
"${JAVA[@]}" dev.llmrollout.benchmarks.KillSwitchPropagation "$RESULTS/5-kill.md" "$KILL_TRIALS" \
  "$ROOT/.ci/unleash-server.sh" "$UNLEASH_STATE"

echo "== 5b. Unleash conditional-write window"
if [[ -z "${BENCH_UNLEASH_UNAVAILABLE:-}" ]]; then
  "${JAVA[@]}" dev.llmrollout.benchmarks.UnleashWriteWindow "$RESULTS/5b-unleash-window.md" \
    "$WINDOW_ROUNDS" "$ROOT/.ci/unleash-server.sh" "$UNLEASH_STATE" 0,5,10,20,50
else
  printf '## 5b. Unleash conditional-write window\n\nNot measured: %s\n\n' \
    "$BENCH_UNLEASH_UNAVAILABLE" >"$RESULTS/5b-unleash-window.md"
fi

echo "== 6a. heap per 1,000 flags"
"${JAVA[@]}" dev.llmrollout.benchmarks.MemoryFootprint "$RESULTS/6a-flags.md"

FINISHED=$(date -u +"%Y-%m-%d %H:%M UTC")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
cd "$ROOT"
REPORT="$ROOT/docs/PERFORMANCE.md"
{
  echo "# Performance"
  echo
  echo "Generated by \`$COMMAND\` from $STARTED to $FINISHED (commit $(git rev-parse --short HEAD))."
  echo "Regenerate with the same command; every figure below is measured against its baseline in"
  echo "the same run, so ratios survive a noisy machine better than absolute numbers do."
  echo
  if [[ $MODE == reduced ]]; then
    echo "> **Reduced run**: short JMH and load settings, for checking that the suite runs. These"
    echo "> figures are not the ones to quote; regenerate with \`benchmarks/run.sh\` on a quiet machine."
    echo
  fi
  echo "## Goals at a glance"
  echo
  for section in 1-evaluation 2-router 3-gateway 3b-streams 3c-cold-start 4-shadow 5-kill; do
    title=$(head -n 1 "$RESULTS/$section.md" | sed 's/^## //')
    met=$(grep -o '\*\*met\*\*' "$RESULTS/$section.md" | wc -l || true)
    missed=$(grep -o '\*\*missed\*\*' "$RESULTS/$section.md" | wc -l || true)
    echo "- $title: $met met, $missed missed"
  done
  echo "- 6. Memory: reported, the issue sets no goal"
  echo
  echo "## Machine"
  echo
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "- Memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- Java: $(java -version 2>&1 | head -n 2 | tail -n 1)"
  echo "- Load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER"
  echo
  for section in 1-evaluation 2-router 3-gateway 3b-streams 3c-cold-start 4-shadow 5-kill \
    5b-unleash-window 6a-flags 6b-inflight; do
    cat "$RESULTS/$section.md"
  done
  cat "$ROOT/benchmarks/report-notes.md"
} > "$REPORT"
echo "== wrote $REPORT"
