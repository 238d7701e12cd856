package dev.wengert.core.kernels;

import java.lang.System.Logger.Level;

/** Chooses the {@link Kernels} implementation once, when first used, and logs which (at DEBUG: commands print it themselves). */
final class KernelsProvider {

  static final String KERNELS_PROPERTY = "wengert.kernels";
  static final String VECTOR_BITS_PROPERTY = "wengert.vector.bits";

  static final Kernels INSTANCE = choose();

  private KernelsProvider() {}

  private static Kernels choose() {
    Kernels chosen = create();
    System.getLogger("dev.wengert.core.kernels")
        .log(Level.DEBUG, "Wengert kernels: " + chosen.description());
    return chosen;
  }

  private static Kernels create() {
    String requested = System.getProperty(KERNELS_PROPERTY, "auto");
    if (requested.equals("scalar")) {
      return new ScalarKernels();
    }
    if (!requested.equals("auto") && !requested.equals("vector")) {
      throw new IllegalStateException(
          "-D" + KERNELS_PROPERTY + " must be auto, vector or scalar, got '" + requested + "'");
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      if (requested.equals("vector")) {
        throw new IllegalStateException(
            "-D" + KERNELS_PROPERTY + "=vector needs --add-modules jdk.incubator.vector");
      }
      return new ScalarKernels();
    }
    try {
      // Loaded by name so that this class never links against the incubator module.
      return (Kernels)
          Class.forName("dev.wengert.core.kernels.VectorKernels")
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Vector API kernels", e);
    }
  }
}
