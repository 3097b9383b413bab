package dev.llmrollout.launchdarkly.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.launchdarkly.sdk.server.interfaces.DataStoreStatusProvider.CacheStats;
import com.launchdarkly.sdk.server.subsystems.DataStore;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.DataKind;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.FullDataSet;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.ItemDescriptor;
import com.launchdarkly.sdk.server.subsystems.DataStoreTypes.KeyedItems;
import dev.llmrollout.launchdarkly.VariationNameSource;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The SDK's in-memory data store, holding next to each flag its variations parsed into {@code
 * VariantPayload}s, so that an evaluation only looks the served variation up.
 *
 * <p>A new version of a flag with a variation that is not a valid variant is rejected: the SDK
 * keeps evaluating the last good version and the rejection is reported. A flag that never had a
 * good version is stored, and marked so that it resolves to a parse error.
 *
 * <p>Every write replaces the whole map (copy on write), as the SDK's own in-memory store does;
 * writes come only from the data source thread.
 */
public final class VariantCatalogStore implements DataStore {
  static final String FEATURES = "features";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A flag as the SDK stores it and its parsed variations; null variants for a deleted flag. */
  public record Entry(ItemDescriptor descriptor, FlagVariants variants) {}

  private final VariationNameSource names;
  private final Consumer<String> onRejected;
  private final Object writeLock = new Object();
  private final Object versionMonitor = new Object();
  private volatile Map<String, Entry> flags = Map.of();
  private volatile Map<DataKind, Map<String, ItemDescriptor>> others = Map.of();
  private volatile boolean initialized;

  public VariantCatalogStore(VariationNameSource names, Consumer<String> onRejected) {
    this.names = names;
    this.onRejected = onRejected;
  }

  /** The flag's current entry, or null. The same object until the flag changes. */
  public Entry entry(String flagKey) {
    return flags.get(flagKey);
  }

  /** Keys of flags that exist (not deleted). */
  public Set<String> flagKeys() {
    Set<String> keys = new TreeSet<>();
    flags.forEach(
        (k, e) -> {
          if (e.variants() != null) {
            keys.add(k);
          }
        });
    return keys;
  }

  @Override
  public void init(FullDataSet<ItemDescriptor> allData) {
    synchronized (writeLock) {
      Map<String, Entry> newFlags = new HashMap<>();
      Map<DataKind, Map<String, ItemDescriptor>> newOthers = new HashMap<>();
      for (Map.Entry<DataKind, KeyedItems<ItemDescriptor>> kind : allData.getData()) {
        boolean features = isFeatures(kind.getKey());
        Map<String, ItemDescriptor> items = new HashMap<>();
        for (Map.Entry<String, ItemDescriptor> item : kind.getValue().getItems()) {
          if (features) {
            newFlags.put(item.getKey(), admit(kind.getKey(), item.getKey(), item.getValue()));
          } else {
            items.put(item.getKey(), item.getValue());
          }
        }
        if (!features) {
          newOthers.put(kind.getKey(), Map.copyOf(items));
        }
      }
      flags = Map.copyOf(newFlags);
      others = Map.copyOf(newOthers);
      initialized = true;
    }
    versionsChanged();
  }

  @Override
  public ItemDescriptor get(DataKind kind, String key) {
    if (isFeatures(kind)) {
      Entry entry = flags.get(key);
      return entry == null ? null : entry.descriptor();
    }
    Map<String, ItemDescriptor> items = others.get(kind);
    return items == null ? null : items.get(key);
  }

  @Override
  public KeyedItems<ItemDescriptor> getAll(DataKind kind) {
    if (isFeatures(kind)) {
      Map<String, ItemDescriptor> items = new HashMap<>();
      flags.forEach((k, e) -> items.put(k, e.descriptor()));
      return new KeyedItems<>(List.copyOf(items.entrySet()));
    }
    Map<String, ItemDescriptor> items = others.getOrDefault(kind, Map.of());
    return new KeyedItems<>(List.copyOf(items.entrySet()));
  }

  @Override
  public boolean upsert(DataKind kind, String key, ItemDescriptor item) {
    synchronized (writeLock) {
      ItemDescriptor old = get(kind, key);
      if (old != null && old.getVersion() >= item.getVersion()) {
        return false;
      }
      if (!isFeatures(kind)) {
        Map<DataKind, Map<String, ItemDescriptor>> newOthers = new HashMap<>(others);
        Map<String, ItemDescriptor> items = new HashMap<>(others.getOrDefault(kind, Map.of()));
        items.put(key, item);
        newOthers.put(kind, Map.copyOf(items));
        others = Map.copyOf(newOthers);
        return true;
      }
      Entry admitted = admit(kind, key, item);
      if (admitted == flags.get(key)) {
        return false;
      }
      Map<String, Entry> newFlags = new HashMap<>(flags);
      newFlags.put(key, admitted);
      flags = Map.copyOf(newFlags);
      versionsChanged();
      return true;
    }
  }

  /**
   * The entry to store for a flag: the new version, or the current entry when the new version is
   * malformed and the current one is good.
   */
  private Entry admit(DataKind kind, String key, ItemDescriptor item) {
    if (item.getItem() == null) {
      return new Entry(item, null);
    }
    FlagVariants parsed = parse(kind, key, item);
    if (parsed.servable()) {
      return new Entry(item, parsed);
    }
    Entry current = flags.get(key);
    if (current != null && current.variants() != null && current.variants().servable()) {
      onRejected.accept(
          parsed.rejection().get()
              + "; rejected version "
              + item.getVersion()
              + ", still serving version "
              + current.descriptor().getVersion());
      return current;
    }
    onRejected.accept(parsed.rejection().get());
    return new Entry(item, parsed);
  }

  private FlagVariants parse(DataKind kind, String key, ItemDescriptor item) {
    JsonNode flag;
    try {
      flag = JSON.readTree(kind.serialize(item));
    } catch (IOException e) {
      return new FlagVariants(
          key,
          item.getVersion(),
          List.of(),
          false,
          -1,
          Optional.of("flag '" + key + "': the SDK's flag data is not JSON: " + e.getMessage()));
    }
    return FlagVariants.parse(key, flag, names.variationNames(key).or(() -> currentNames(key)));
  }

  /**
   * The names the flag is served under now, so that a failed name lookup does not rename its
   * variations (the guard and the metrics know them by name).
   */
  private Optional<List<String>> currentNames(String key) {
    Entry current = flags.get(key);
    if (current == null || current.variants() == null || !current.variants().servable()) {
      return Optional.empty();
    }
    return Optional.of(current.variants().payloads().stream().map(p -> p.name()).toList());
  }

  /**
   * Waits until the stored version of {@code flagKey} is at least {@code version}, for callers
   * confirming that a write reached this process through the stream.
   *
   * @return false when the timeout passed first
   */
  public boolean awaitVersion(String flagKey, int version, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    synchronized (versionMonitor) {
      while (true) {
        Entry entry = flags.get(flagKey);
        if (entry != null && entry.descriptor().getVersion() >= version) {
          return true;
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        versionMonitor.wait(left);
      }
    }
  }

  private void versionsChanged() {
    synchronized (versionMonitor) {
      versionMonitor.notifyAll();
    }
  }

  private static boolean isFeatures(DataKind kind) {
    return FEATURES.equals(kind.getName());
  }

  @Override
  public boolean isInitialized() {
    return initialized;
  }

  @Override
  public boolean isStatusMonitoringEnabled() {
    return false;
  }

  @Override
  public CacheStats getCacheStats() {
    return null;
  }

  @Override
  public void close() {
    // nothing to release: the data lives in memory
  }
}
