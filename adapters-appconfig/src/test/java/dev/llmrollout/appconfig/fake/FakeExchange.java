package dev.llmrollout.appconfig.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One request as the routes see it, and the response they build. */
final class FakeExchange {
  static final ObjectMapper JSON = new ObjectMapper();

  final String method;
  final String[] segments;
  final Map<String, String> query;
  final Map<String, String> headers;
  final byte[] body;

  int status = 200;
  final Map<String, String> responseHeaders = new LinkedHashMap<>();
  byte[] responseBody = new byte[0];

  FakeExchange(
      String method,
      String path,
      Map<String, String> query,
      Map<String, String> headers,
      byte[] body) {
    this.method = method;
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    this.segments = trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    this.query = query;
    this.headers = headers;
    this.body = body;
  }

  /** A request header, case-insensitively. */
  String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  JsonNode jsonBody() {
    try {
      return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      throw AwsError.badRequest("The request body is not valid JSON");
    }
  }

  boolean matches(String method, String... pattern) {
    if (!this.method.equals(method) || segments.length != pattern.length) {
      return false;
    }
    for (int i = 0; i < pattern.length; i++) {
      if (!pattern[i].equals("*") && !pattern[i].equals(segments[i])) {
        return false;
      }
    }
    return true;
  }

  void json(int status, JsonNode body) {
    this.status = status;
    responseHeaders.put("Content-Type", "application/json");
    try {
      responseBody = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  void error(AwsError error) {
    json(error.status, error.body);
    responseHeaders.put("x-amzn-ErrorType", error.type + ":http://internal.amazon.com/coral/");
    responseHeaders.put("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
