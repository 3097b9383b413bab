package dev.llmrollout.guard;

/**
 * Where alerts go: a webhook ({@link WebhookAlertHook}), a pager, a log. Must not block for long; a
 * failure to deliver must not stop a rollback.
 */
@FunctionalInterface
public interface AlertHook {

  /** Delivers {@code alert}. */
  void alert(Alert alert);

  /** A hook that drops every alert. */
  static AlertHook none() {
    return alert -> {};
  }
}
