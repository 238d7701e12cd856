package dev.wengert.examples.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.Tape;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Losses;
import dev.wengert.core.Rng;
import dev.wengert.examples.data.DataSource;
import dev.wengert.examples.train.Models;
import dev.wengert.layers.Sequential;
import org.junit.jupiter.api.Test;

/** A training step leaves nothing on the tape: no graph, and no saved tensor, outlives its backward. */
class NoLeakTest {

  @Test
  void tapeIsEmptyAfterEveryStep() throws Exception {
    DataSource.Loaded data = DataSource.load("embedded");
    for (String name : Models.NAMES) {
      Sequential model = Models.create(name, new Rng(1));
      for (int step = 0; step < 3; step++) {
        int[] batch = {step * 4, step * 4 + 1, step * 4 + 2, step * 4 + 3};
        try (Tape tape = Tape.open()) {
          Var loss = Losses.crossEntropy(model.forward(Var.constant(data.train().images(batch))), data.train().labels(batch));
          assertTrue(tape.size() > 5, name + " records its forward pass");
          loss.backward();
          assertEquals(0, tape.size(), name + ": backward released every entry");
        }
        model.zeroGrad();
      }
    }
  }
}
