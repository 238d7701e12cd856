package dev.wengert.autodiff;

import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;

/** Anomaly mode's checks: the first op whose forward or backward produces NaN or Inf is named. */
final class Anomaly {

  private Anomaly() {}

  static void checkForward(String op, Tensor out) {
    int bad = firstNonFinite(out);
    if (bad >= 0) {
      throw new ArithmeticException(
          "anomaly: " + op + " produced " + out.getFlat(bad) + " in its forward output (shape "
              + Shapes.format(out.shape()) + ", element " + bad + ") at " + userFrame(new Throwable()));
    }
  }

  static void checkBackward(Node node, int input, Var grad) {
    int bad = firstNonFinite(grad.value());
    if (bad >= 0) {
      ArithmeticException e =
          new ArithmeticException(
              "anomaly: the backward of " + node.opName + " produced " + grad.value().getFlat(bad)
                  + " in the gradient of input " + input + " (shape " + Shapes.format(grad.value().shape())
                  + ", element " + bad + "); the op was recorded at " + callSite(node));
      if (node.recordedAt != null) {
        e.initCause(node.recordedAt);
      }
      throw e;
    }
  }

  /** An anomaly raised by an op that a rule ran, attributed to the rule's op and where it was recorded. */
  static ArithmeticException inBackward(Node node, ArithmeticException cause) {
    ArithmeticException e =
        new ArithmeticException(
            "anomaly: in the backward of " + node.opName + " (recorded at " + callSite(node) + "): "
                + cause.getMessage());
    e.initCause(cause);
    return e;
  }

  private static String callSite(Node node) {
    if (node.recordedAt == null) {
      return "an unknown place (recorded before anomaly mode was on)";
    }
    return userFrame(node.recordedAt);
  }

  /** The first stack frame outside the autodiff framework: the user's line that applied the op. */
  private static String userFrame(Throwable where) {
    for (StackTraceElement frame : where.getStackTrace()) {
      if (!isFramework(frame.getClassName())) {
        return frame.toString();
      }
    }
    return where.getStackTrace()[0].toString();
  }

  /** Whether the class was loaded from this module's own jar or classes directory. */
  private static boolean isFramework(String className) {
    if (!className.startsWith("dev.wengert.")) {
      return false;
    }
    try {
      Class<?> c = Class.forName(className, false, Anomaly.class.getClassLoader());
      var source = c.getProtectionDomain().getCodeSource();
      var own = Anomaly.class.getProtectionDomain().getCodeSource();
      return source != null && own != null && source.getLocation().equals(own.getLocation())
          || className.startsWith("dev.wengert.core.");
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static int firstNonFinite(Tensor t) {
    int n = t.numel();
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(t.getFlat(i))) {
        return i;
      }
    }
    return -1;
  }
}
