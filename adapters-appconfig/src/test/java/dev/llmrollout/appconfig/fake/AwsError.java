package dev.llmrollout.appconfig.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An AWS error as the REST-JSON protocol sends it: the status, the {@code x-amzn-ErrorType} header
 * naming the exception, and a JSON body with {@code Message} and the exception's own members.
 */
final class AwsError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String type;
  final transient ObjectNode body;

  AwsError(int status, String type, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.body = JsonNodeFactory.instance.objectNode().put("Message", message);
  }

  /** A failure a test asked for; {@code jsonBody} replaces the default body when given. */
  static AwsError injected(int status, String type, String jsonBody) {
    AwsError error = new AwsError(status, type, "Injected failure (" + type + ")");
    if (jsonBody != null) {
      try {
        error.body.removeAll();
        error.body.setAll(
            (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(jsonBody));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("injected body is not JSON", e);
      }
    }
    return error;
  }

  static AwsError badRequest(String message) {
    return new AwsError(400, "BadRequestException", message);
  }

  /** An AppConfigData 400 naming the parameter and its problem (Corrupted, Expired, ...). */
  static AwsError invalidParameter(String parameter, String problem, String message) {
    AwsError error = badRequest(message);
    error.body.put("Reason", "InvalidParameters");
    error
        .body
        .putObject("Details")
        .putObject("InvalidParameters")
        .putObject(parameter)
        .put("Problem", problem);
    return error;
  }

  /** A control-plane 404 ({@code ResourceName}); the data plane names a {@code ResourceType}. */
  static AwsError notFound(String resource, String message) {
    AwsError error = new AwsError(404, "ResourceNotFoundException", message);
    error.body.put("ResourceName", resource);
    return error;
  }

  static AwsError dataNotFound(String resourceType, String message) {
    AwsError error = new AwsError(404, "ResourceNotFoundException", message);
    error.body.put("ResourceType", resourceType);
    error.body.putObject("ReferencedBy");
    return error;
  }

  static AwsError conflict(String message) {
    return new AwsError(409, "ConflictException", message);
  }
}
