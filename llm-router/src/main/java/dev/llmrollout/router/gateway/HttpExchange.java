package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** One request and its response, with the JSON reading and writing every handler needs. */
record HttpExchange(Request request, Response response, Callback callback, ObjectMapper json) {

  String path() {
    return Request.getPathInContext(request);
  }

  String method() {
    return request.getMethod();
  }

  String remoteAddress() {
    return Request.getRemoteAddr(request);
  }

  String header(String name) {
    String value = request.getHeaders().get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** The body as JSON; an empty or invalid body is a {@link BadRequest}. */
  JsonNode jsonBody() {
    try (InputStream in = Content.Source.asInputStream(request)) {
      JsonNode body = json.readTree(in);
      if (body == null || body.isMissingNode()) {
        throw new BadRequest("the request body is empty; expected a JSON object");
      }
      if (!body.isObject()) {
        throw new BadRequest("the request body is JSON but not an object; expected a JSON object");
      }
      return body;
    } catch (JsonProcessingException e) {
      // Jackson's own message names its classes and features: say where, and what is expected.
      JsonLocation at = e.getLocation();
      throw new BadRequest(
          "the request body is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
              + "; expected a JSON object");
    } catch (IOException e) {
      throw new BadRequest("the request body could not be read; expected a JSON object");
    }
  }

  /**
   * Reads and drops the request body. A refusal sent before the body is read would otherwise make
   * Jetty close the connection after the response, under a client about to reuse it.
   */
  void discardBody() {
    try {
      Content.Source.consumeAll(request);
    } catch (IOException e) {
      // the connection is broken already; the refusal is still sent
    }
  }

  /** Writes the JSON as UTF-8 bytes straight from Jackson, with no String in between. */
  void sendJson(int status, JsonNode body) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (IOException e) {
      callback.failed(e);
      return;
    }
    sendJsonBytes(status, bytes);
  }

  /** Sends {@code bytes}, already a JSON document in UTF-8. */
  void sendJsonBytes(int status, byte[] bytes) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  void send(int status, String contentType, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType + "; charset=utf-8");
    Content.Sink.write(response, true, body, callback);
  }

  /** An error in OpenAI's shape, so client libraries show its message. */
  void sendError(int status, String type, String message) {
    ObjectNode body = json.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.putNull("param");
    error.put("code", status);
    sendJson(status, body);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A request the client must fix: answered with 400 and the message. */
  static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }
}
