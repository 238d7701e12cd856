package dev.wengert.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.ops.Ops;
import java.io.File;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every op class in {@code autodiff.ops} is registered, so none escapes the registry-driven gradient checks. */
class OpRegistryCoverageTest {

  /** Op classes whose registered names do not follow from the class name. */
  private static final Map<String, List<String>> NAMES = Map.of("MaxReduce", List.of("max", "min"), "MatMul", List.of("matmul"));

  @Test
  void everyOpClassIsRegistered() throws URISyntaxException, ClassNotFoundException {
    File dir = new File(new File(Ops.class.getProtectionDomain().getCodeSource().getLocation().toURI()), "dev/wengert/autodiff/ops");
    Set<String> registered = new TreeSet<>();
    OpRegistry.all().forEach(spec -> registered.add(spec.name()));
    List<String> missing = new ArrayList<>();
    int opClasses = 0;
    for (String file : dir.list()) {
      if (!file.endsWith(".class") || file.contains("$")) {
        continue;
      }
      String simpleName = file.substring(0, file.length() - ".class".length());
      Class<?> c = Class.forName("dev.wengert.autodiff.ops." + simpleName);
      if (!Op.class.isAssignableFrom(c)) {
        continue;
      }
      opClasses++;
      for (String name : NAMES.getOrDefault(simpleName, List.of(snakeCase(simpleName)))) {
        if (!registered.contains(name)) {
          missing.add(simpleName + " as '" + name + "'");
        }
      }
    }
    assertTrue(opClasses > 30, "found only " + opClasses + " op classes in " + dir);
    assertTrue(missing.isEmpty(), "op classes without a registry entry: " + missing);
  }

  private static String snakeCase(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
