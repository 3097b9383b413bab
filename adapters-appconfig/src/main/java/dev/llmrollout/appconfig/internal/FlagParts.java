package dev.llmrollout.appconfig.internal;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The write-relevant parts of one stored flag, whatever the document format.
 *
 * @param weights variant to weight in split order (percent or flagd integers); empty for no split
 */
record FlagParts(
    boolean enabled,
    List<String> variantNames,
    String defaultVariant,
    Map<String, BigDecimal> weights,
    Optional<String> killedTo,
    Optional<Integer> killedFrom) {}
