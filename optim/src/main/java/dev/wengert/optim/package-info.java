/**
 * Optimizers, learning-rate schedulers and gradient clipping. They see only parameters ({@link
 * dev.wengert.autodiff.Var}s) and their gradients, never layers.
 *
 * <p>The optimizers ({@link dev.wengert.optim.Sgd}, {@link dev.wengert.optim.Adam}, {@link
 * dev.wengert.optim.AdamW}, {@link dev.wengert.optim.RmsProp}, {@link dev.wengert.optim.Adagrad}) and
 * schedulers follow PyTorch 1.13 operation for operation, and tools/golden/optim.py checks them against
 * it. A training step:
 *
 * <pre>{@code
 * Adam adam = new Adam(ParamGroup.of(model.parameters()), Adam.options().lr(1e-3));
 * OneCycleLR schedule = new OneCycleLR(adam, OneCycleLR.options(1e-2, totalSteps));
 * ...
 * loss.backward();
 * Clipping.clipGradNorm(adam.params(), 1.0);
 * adam.step();
 * schedule.step();
 * adam.zeroGrad();
 * }</pre>
 */
package dev.wengert.optim;
