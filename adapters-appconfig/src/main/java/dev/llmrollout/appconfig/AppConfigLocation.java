package dev.llmrollout.appconfig;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the flags live in AppConfig: an application, an environment and a configuration profile,
 * each by its ID (the control plane accepts only IDs, {@code [a-z0-9]{4,7}}).
 *
 * <pre>{@code
 * AppConfigLocation where = new AppConfigLocation("abc1234", "env5678", "prof901");
 * }</pre>
 */
public record AppConfigLocation(String applicationId, String environmentId, String profileId) {
  private static final Pattern ID = Pattern.compile("[a-z0-9]{4,7}");

  public AppConfigLocation {
    check("applicationId", applicationId);
    check("environmentId", environmentId);
    check("profileId", profileId);
  }

  private static void check(String field, String id) {
    Objects.requireNonNull(id, field);
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          field
              + ": expected an AppConfig ID of 4 to 7 lowercase letters or digits, found '"
              + id
              + "'");
    }
  }

  @Override
  public String toString() {
    return "appconfig:" + applicationId + "/" + environmentId + "/" + profileId;
  }
}
