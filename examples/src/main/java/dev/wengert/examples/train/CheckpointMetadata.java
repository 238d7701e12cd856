package dev.wengert.examples.train;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Ascii;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reading a checkpoint's metadata strings so that a refusal names every bad key at once: each
 * reader records a problem (the key, what it must be, and the value as found) in a list instead of
 * throwing, and {@link #refuseIfAny} turns the list into one IllegalArgumentException. Used by
 * {@link TrainConfig#fromMetadata} and {@link Trainer#restore}.
 */
final class CheckpointMetadata {

  /** Longer metadata values are shortened in messages, which the command line prints on one line. */
  static final int QUOTED_VALUE_CHARS = 40;

  private CheckpointMetadata() {}

  /**
   * {@code metadata[key]} parsed, or null with a problem naming the key (and the value, when
   * {@code parse} refuses it with an IllegalArgumentException, a NumberFormatException included).
   */
  static <T> T value(
      Map<String, String> metadata, String key, String expected, Function<String, T> parse, List<String> problems) {
    String value = metadata.get(key);
    if (value == null) {
      problems.add("checkpoint metadata '" + key + "' is missing");
      return null;
    }
    try {
      return parse.apply(value);
    } catch (IllegalArgumentException e) { // NumberFormatException included
      problems.add("checkpoint metadata '" + key + "' must be " + expected + ", got " + quoted(value));
      return null;
    }
  }

  /** {@code value} in single quotes, shortened to {@link #QUOTED_VALUE_CHARS}. */
  static String quoted(String value) {
    return "'" + Ascii.truncate(value, QUOTED_VALUE_CHARS, "...") + "'";
  }

  /** Throws one IllegalArgumentException naming every problem, if there are any. */
  static void refuseIfAny(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** Exactly {@code true} or {@code false}, as {@link Boolean#toString} writes them (not any other text as false). */
  static boolean parseBoolean(String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean: " + text);
    };
  }

  static int parseNonNegativeInt(String text) {
    int value = Integer.parseInt(text);
    checkArgument(value >= 0);
    return value;
  }
}
