package dev.llmrollout.launchdarkly.fake;

/** A REST API error answered as LaunchDarkly does: a status and {@code {"code","message"}}. */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;

  ApiError(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  String body() {
    return FakeFlag.JSON
        .createObjectNode()
        .put("code", code)
        .put("message", getMessage())
        .toString();
  }
}
