package dev.llmrollout.local;

import dev.llmrollout.local.internal.FileWatcher;
import dev.llmrollout.local.internal.FlagDefinition;
import dev.llmrollout.local.internal.FlagFileException;
import dev.llmrollout.local.internal.FlagFileParser;
import dev.llmrollout.local.internal.TargetingRule;
import dev.llmrollout.spi.BackendException;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.spi.VariantValidator;
import dev.llmrollout.variant.InvalidVariantException;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flags from a local JSON file in flagd's flag-definition format: the default backend, no account
 * needed. The same file can later be served by flagd itself; splits bucket exactly as flagd does.
 *
 * <pre>{@code
 * FlagBackend flags = LocalFileBackend.watching(Path.of("flags.json"));
 * OpenFeatureAPI.getInstance().setProviderAndWait(LlmFeatureProvider.builder(flags).build());
 * }</pre>
 *
 * <p>A saved edit is served as soon as the file system reports it (and within the poll interval
 * where it does not), with a CONFIGURATION_CHANGED event naming the changed flags. An edit that
 * breaks a flag it changes is rejected as a whole with an ERROR event, and the last good
 * configuration keeps serving. A {@link VariantValidator} given with {@link
 * #validating(VariantValidator)} adds the application's own checks to "breaks".
 */
public final class LocalFileBackend implements FlagBackend {
  private static final Logger LOG = LoggerFactory.getLogger(LocalFileBackend.class);
  private static final Duration SETTLE_PAUSE = Duration.ofMillis(5);
  private static final int SETTLE_ATTEMPTS = 10;

  private final Path file;
  private final Duration pollInterval;
  private final boolean useWatchService;
  private final VariantValidator validator;
  private volatile Map<String, FlagDefinition> flags = Map.of();

  /** The last content read, served or rejected: the same content is never judged twice. */
  private String lastContent;

  private BackendListener listener = new BackendListener() {};
  private FileWatcher watcher;

  private LocalFileBackend(
      Path file, Duration pollInterval, boolean useWatchService, VariantValidator validator) {
    this.file = file.toAbsolutePath();
    this.pollInterval = pollInterval;
    this.useWatchService = useWatchService;
    this.validator = validator;
  }

  /**
   * A backend over {@code file} that reloads it on every saved edit (polling once a second too).
   */
  public static LocalFileBackend watching(Path file) {
    return watching(file, Duration.ofSeconds(1));
  }

  /** As {@link #watching(Path)}, with the polling fallback's interval. */
  public static LocalFileBackend watching(Path file, Duration pollInterval) {
    return new LocalFileBackend(
        Objects.requireNonNull(file, "file"), positive(pollInterval), true, VariantValidator.NONE);
  }

  /**
   * A backend that only polls the file's modification time, for file systems that report no change
   * events (some network mounts).
   */
  public static LocalFileBackend polling(Path file, Duration pollInterval) {
    return new LocalFileBackend(
        Objects.requireNonNull(file, "file"), positive(pollInterval), false, VariantValidator.NONE);
  }

  /**
   * This backend, not yet started, with {@code validator} applied to every flag of every
   * configuration it loads: an edit that changes a flag so that one of its variants fails the check
   * is rejected like a malformed one, and a flag that fails it at start serves PARSE_ERROR.
   */
  public LocalFileBackend validating(VariantValidator validator) {
    return new LocalFileBackend(
        file, pollInterval, useWatchService, Objects.requireNonNull(validator, "validator"));
  }

  private static Duration positive(Duration pollInterval) {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval: expected a positive duration");
    }
    return pollInterval;
  }

  public Path file() {
    return file;
  }

  @Override
  public String name() {
    return "local-file";
  }

  @Override
  public synchronized void start(BackendListener listener, Duration timeout) {
    this.listener = Objects.requireNonNull(listener, "listener");
    String content = read();
    try {
      flags = parse(content);
    } catch (FlagFileException e) {
      throw new BackendException(e.getMessage(), e);
    }
    lastContent = content;
    flags.values().stream()
        .flatMap(f -> f.problem().stream())
        .forEach(problem -> LOG.error("{}: {}", file, problem));
    try {
      watcher = new FileWatcher(file, pollInterval, useWatchService, this::reload);
    } catch (IOException e) {
      throw new BackendException(file + ": cannot watch for changes: " + e.getMessage(), e);
    }
  }

  private String read() {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new BackendException(file + ": flags file not found", e);
    } catch (IOException e) {
      throw new BackendException(file + ": cannot read the flags file: " + e.getMessage(), e);
    }
  }

  /** Reads the file again and serves it if it is good; called by the watcher. */
  synchronized void reload() {
    String content;
    try {
      content = settledContent();
    } catch (BackendException e) {
      reject(e.getMessage());
      return;
    }
    if (content.equals(lastContent)) {
      return;
    }
    lastContent = content;
    Map<String, FlagDefinition> candidate;
    try {
      candidate = parse(content);
    } catch (FlagFileException e) {
      reject(e.getMessage());
      return;
    }
    Set<String> changed = changedKeys(flags, candidate);
    Optional<String> problem =
        changed.stream()
            .map(candidate::get)
            .filter(Objects::nonNull)
            .flatMap(f -> f.problem().stream())
            .findFirst();
    if (problem.isPresent()) {
      reject(problem.get());
      return;
    }
    flags = candidate;
    if (!changed.isEmpty()) {
      LOG.info("{}: serving a new configuration; changed flags {}", file, changed);
      listener.onFlagsChanged(changed);
    }
  }

  /** The file's flags, each that fails the validator kept as an invalid flag with its problem. */
  private Map<String, FlagDefinition> parse(String content) throws FlagFileException {
    Map<String, FlagDefinition> parsed = FlagFileParser.parse(content, file.toString());
    Map<String, FlagDefinition> validated = new LinkedHashMap<>();
    parsed.forEach((key, flag) -> validated.put(key, validated(flag)));
    return validated;
  }

  private FlagDefinition validated(FlagDefinition flag) {
    try {
      for (VariantPayload variant : flag.variants().values()) {
        validator.check(variant);
      }
      return flag;
    } catch (InvalidVariantException e) {
      return FlagDefinition.invalid(flag.key(), flag.json(), e.getMessage());
    }
  }

  /**
   * The file's content once it stops changing: an editor that truncates and then writes would
   * otherwise be caught half-way and reported as a broken edit.
   */
  private String settledContent() {
    String content = read();
    for (int attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++) {
      try {
        Thread.sleep(SETTLE_PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return content;
      }
      String again = read();
      if (again.equals(content)) {
        return content;
      }
      content = again;
    }
    return content;
  }

  private void reject(String problem) {
    String message =
        "rejected an edit of the flags file, still serving the last good one: " + problem;
    LOG.error(message);
    listener.onError(message, ErrorCode.PARSE_ERROR);
  }

  private static Set<String> changedKeys(
      Map<String, FlagDefinition> before, Map<String, FlagDefinition> after) {
    Set<String> changed = new LinkedHashSet<>();
    after.forEach(
        (key, flag) -> {
          FlagDefinition old = before.get(key);
          if (old == null || !old.json().equals(flag.json())) {
            changed.add(key);
          }
        });
    before.keySet().stream().filter(k -> !after.containsKey(k)).forEach(changed::add);
    return changed;
  }

  @Override
  public Resolution resolve(String flagKey, EvaluationContext context) {
    FlagDefinition flag = flags.get(flagKey);
    if (flag == null) {
      return Resolution.notFound(flagKey);
    }
    if (flag.problem().isPresent()) {
      return Resolution.error(flagKey, ErrorCode.PARSE_ERROR, flag.problem().get());
    }
    if (!flag.enabled()) {
      return Resolution.disabled(flagKey);
    }
    if (flag.targeting().isEmpty()) {
      return servedDefault(flag, Reason.STATIC);
    }
    TargetingRule rule = flag.targeting().get();
    String targetingKey = context.getTargetingKey();
    if (rule.splits() && (targetingKey == null || targetingKey.isEmpty())) {
      return flag.defaultVariant()
          .map(Resolution::targetingKeyMissing)
          .orElseGet(
              () ->
                  Resolution.error(
                      flagKey,
                      ErrorCode.TARGETING_KEY_MISSING,
                      "flag '" + flagKey + "' needs a targeting key to split traffic"));
    }
    return evaluate(flag, rule, targetingKey, context);
  }

  private static Resolution evaluate(
      FlagDefinition flag, TargetingRule rule, String targetingKey, EvaluationContext ctx) {
    TargetingRule.Outcome outcome;
    try {
      outcome = rule.evaluate(flag.key(), targetingKey, ctx);
    } catch (IllegalStateException e) {
      return Resolution.error(
          flag.key(),
          ErrorCode.GENERAL,
          "flag '" + flag.key() + "': targeting failed: " + e.getMessage());
    }
    Object result = outcome.result();
    if (result == null) {
      return servedDefault(flag, Reason.DEFAULT);
    }
    String name =
        result instanceof String s ? s : result instanceof Boolean b ? b.toString() : null;
    VariantPayload payload = name == null ? null : flag.variants().get(name);
    if (payload == null) {
      return Resolution.error(
          flag.key(),
          ErrorCode.GENERAL,
          "flag '"
              + flag.key()
              + "': targeting chose "
              + result
              + ", expected one of its variants "
              + flag.variants().keySet());
    }
    return Resolution.served(payload, outcome.split() ? Reason.SPLIT : Reason.TARGETING_MATCH);
  }

  private static Resolution servedDefault(FlagDefinition flag, Reason reason) {
    return flag.defaultVariant()
        .map(v -> Resolution.served(v, reason))
        .orElseGet(() -> new Resolution(flag.key(), null, Reason.DEFAULT.name(), null, null));
  }

  @Override
  public Optional<VariantPayload> variant(String flagKey, String variantName) {
    FlagDefinition flag = flags.get(flagKey);
    return flag == null ? Optional.empty() : Optional.ofNullable(flag.variants().get(variantName));
  }

  @Override
  public Set<String> flagKeys() {
    return flags.keySet();
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }
}
