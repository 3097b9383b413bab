package dev.llmrollout.unleash.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Every flag of one toggle fetch, prepared for evaluation; immutable, swapped as a whole. */
public final class FlagCatalog {
  public static final FlagCatalog EMPTY = new FlagCatalog(Map.of());

  private final Map<String, CatalogFlag> flags;

  FlagCatalog(Map<String, CatalogFlag> flags) {
    this.flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
  }

  public Optional<CatalogFlag> flag(String key) {
    return Optional.ofNullable(flags.get(key));
  }

  public Map<String, CatalogFlag> flags() {
    return flags;
  }
}
