package dev.llmrollout.router.cli;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The processes and servers a test started, closed after it in the reverse order (traffic before
 * the gateways it reaches, gateways before their model servers). Register with
 * {@code @RegisterExtension}.
 */
final class StartedResources implements AfterEachCallback {
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** Returns {@code resource}, to be closed after the test. */
  <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).close();
      }
    } finally {
      resources.clear();
    }
  }
}
