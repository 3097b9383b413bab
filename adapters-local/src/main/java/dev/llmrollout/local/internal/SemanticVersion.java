package dev.llmrollout.local.internal;

import java.math.BigDecimal;

/**
 * A version as flagd's {@code sem_ver} reads it: Semantic Versioning 2.0.0 with an optional {@code
 * v}/{@code V} prefix, and {@code MAJOR} or {@code MAJOR.MINOR} as shorthands for {@code MAJOR.0.0}
 * and {@code MAJOR.MINOR.0} (without pre-release or build parts), the rules of the Go semver
 * package flagd uses. Build metadata is accepted and ignored when comparing.
 */
final class SemanticVersion implements Comparable<SemanticVersion> {
  private final String major;
  private final String minor;
  private final String patch;
  private final String[] prerelease;

  private SemanticVersion(String major, String minor, String patch, String[] prerelease) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.prerelease = prerelease;
  }

  /**
   * Reads a version from a rule's value: a string, or a number written as flagd writes it ({@code
   * 2} and {@code 1.2}, never {@code 1e+06}).
   *
   * @return null when the value is not a version
   */
  static SemanticVersion of(Object value) {
    String text;
    if (value instanceof String s) {
      text = s;
    } else if (value instanceof Number n) {
      text = decimal(n.doubleValue());
    } else {
      return null;
    }
    if (text == null) {
      return null;
    }
    if (text.startsWith("v")) {
      text = text.substring(1);
    } else if (text.startsWith("V")) {
      text = text.substring(1);
    }
    return parse(text);
  }

  /** A number as Go's {@code %v} prints it, or null where that is not plain decimal digits. */
  private static String decimal(double number) {
    if (!Double.isFinite(number) || number < 0 || Double.doubleToRawLongBits(number) < 0) {
      return null;
    }
    if (number == 0) {
      return "0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(number)).stripTrailingZeros();
    int exponent = exact.precision() - exact.scale() - 1;
    return exponent < -4 || exponent >= 6 ? null : exact.toPlainString();
  }

  private static SemanticVersion parse(String text) {
    int plus = text.indexOf('+');
    String core = plus < 0 ? text : text.substring(0, plus);
    if (plus >= 0 && !identifiers(text.substring(plus + 1), false)) {
      return null;
    }
    int dash = core.indexOf('-');
    String numbers = dash < 0 ? core : core.substring(0, dash);
    String[] parts = numbers.split("\\.", -1);
    if (parts.length > 3 || (parts.length < 3 && (plus >= 0 || dash >= 0))) {
      return null;
    }
    for (String part : parts) {
      if (!numeric(part) || (part.length() > 1 && part.charAt(0) == '0')) {
        return null;
      }
    }
    String[] pre = new String[0];
    if (dash >= 0) {
      String tail = core.substring(dash + 1);
      if (!identifiers(tail, true)) {
        return null;
      }
      pre = tail.split("\\.", -1);
    }
    return new SemanticVersion(
        parts[0], parts.length > 1 ? parts[1] : "0", parts.length > 2 ? parts[2] : "0", pre);
  }

  /** Dot-separated, non-empty [0-9A-Za-z-] identifiers; numeric pre-release ones without 0s. */
  private static boolean identifiers(String text, boolean prerelease) {
    for (String id : text.split("\\.", -1)) {
      if (id.isEmpty() || !id.chars().allMatch(SemanticVersion::identifierChar)) {
        return false;
      }
      if (prerelease && numeric(id) && id.length() > 1 && id.charAt(0) == '0') {
        return false;
      }
    }
    return true;
  }

  private static boolean identifierChar(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  }

  private static boolean numeric(String text) {
    return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** Decimal digit strings without leading zeros, compared as numbers of any size. */
  private static int compareNumbers(String a, String b) {
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }

  @Override
  public int compareTo(SemanticVersion other) {
    int c = compareNumbers(major, other.major);
    if (c == 0) {
      c = compareNumbers(minor, other.minor);
    }
    if (c == 0) {
      c = compareNumbers(patch, other.patch);
    }
    return c != 0 ? c : comparePrerelease(prerelease, other.prerelease);
  }

  private static int comparePrerelease(String[] a, String[] b) {
    if (a.length == 0 || b.length == 0) {
      // A release ranks above any of its pre-releases.
      return a.length == b.length ? 0 : a.length == 0 ? 1 : -1;
    }
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i].equals(b[i])) {
        continue;
      }
      boolean aNumeric = numeric(a[i]);
      boolean bNumeric = numeric(b[i]);
      if (aNumeric != bNumeric) {
        return aNumeric ? -1 : 1;
      }
      return Integer.signum(aNumeric ? compareNumbers(a[i], b[i]) : a[i].compareTo(b[i]));
    }
    return Integer.compare(a.length, b.length);
  }

  boolean sameMajor(SemanticVersion other) {
    return major.equals(other.major);
  }

  boolean sameMinor(SemanticVersion other) {
    return sameMajor(other) && minor.equals(other.minor);
  }

  @Override
  public String toString() {
    return major
        + "."
        + minor
        + "."
        + patch
        + (prerelease.length == 0 ? "" : "-" + String.join(".", prerelease));
  }
}
