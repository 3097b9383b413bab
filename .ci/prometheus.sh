#!/usr/bin/env bash
# Installs Debian's Prometheus (prometheus + promtool, 2.42 on Debian 12) for the fleet tests:
# PrometheusFleetIT starts its own Prometheus on 127.0.0.1 (free port, tmp storage, 1 s scrape
# interval) and the rules tests run promtool. The package's own service is not needed.
#
#   .ci/prometheus.sh install    installs the package unless prometheus and promtool are on PATH
set -euo pipefail

log() { echo "[prometheus.sh] $*" >&2; }

install_prometheus() {
  if command -v prometheus >/dev/null && command -v promtool >/dev/null; then
    log "already installed: $(prometheus --version 2>&1 | head -1)"
    return
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo -n"; else
      log "run as root: apt-get update && apt-get install -y --no-install-recommends prometheus"
      exit 3
    fi
  fi
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends prometheus >&2
  # The package enables its own service on :9090; the tests start their own instances.
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    $sudo systemctl stop prometheus || log "could not stop the packaged prometheus service"
  fi
  command -v promtool >/dev/null || { log "promtool still missing after apt-get install"; exit 3; }
  log "installed: $(prometheus --version 2>&1 | head -1)"
}

case "${1:-}" in
  install) install_prometheus ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
