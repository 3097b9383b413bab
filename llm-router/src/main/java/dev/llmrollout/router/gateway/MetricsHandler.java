package dev.llmrollout.router.gateway;

import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: the router's OpenTelemetry metrics in Prometheus text format. */
final class MetricsHandler {
  private final PrometheusMetricReader reader;
  private final PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);

  MetricsHandler(PrometheusMetricReader reader) {
    this.reader = reader;
  }

  void handle(HttpExchange exchange) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, reader.collect());
    } catch (IOException e) {
      exchange.sendError(500, "metrics_error", "cannot write metrics: " + e.getMessage());
      return;
    }
    exchange.send(200, "text/plain; version=0.0.4", out.toString(StandardCharsets.UTF_8));
  }
}
