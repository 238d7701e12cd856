package dev.wengert.examples;

import dev.wengert.autodiff.OpRegistry;
import dev.wengert.autodiff.OpSpec;
import picocli.CommandLine.Command;

/** {@code wengert ops}: every registered differentiable op with its arity and Jacobian rule. */
@Command(
    name = "ops",
    mixinStandardHelpOptions = true,
    description = "List every registered differentiable op: name, arity, formula and Jacobian rule.")
public final class OpsCommand implements Runnable {

  @Override
  public void run() {
    int width = 0;
    for (OpSpec spec : OpRegistry.all()) {
      width = Math.max(width, spec.name().length());
    }
    for (OpSpec spec : OpRegistry.all()) {
      String arity = spec.arity() == OpSpec.VARIADIC ? "n" : Integer.toString(spec.arity());
      System.out.printf("%-" + width + "s  %s  %s%n", spec.name(), arity, spec.summary());
    }
  }
}
