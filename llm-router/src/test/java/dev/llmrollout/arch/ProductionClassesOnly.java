package dev.llmrollout.arch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;

/**
 * Leaves out test classes, also those of the test-jars on this module's classpath (the router's
 * harness), which {@link ImportOption.DoNotIncludeTests} recognises only as directories.
 */
public final class ProductionClassesOnly implements ImportOption {
  private static final ImportOption TEST_DIRECTORIES = new DoNotIncludeTests();

  @Override
  public boolean includes(Location location) {
    return TEST_DIRECTORIES.includes(location) && !location.contains("-tests.jar");
  }
}
