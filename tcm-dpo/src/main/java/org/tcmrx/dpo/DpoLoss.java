package org.tcmrx.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The preference losses of TRL's {@code DPOTrainer}, as pure functions of the sequence log-probabilities. For pair
 * {@code i}, with the policy's and the reference model's summed completion log-probabilities {@code pc, pr, rc, rr}
 * (chosen and rejected),
 * <pre>
 *   delta = (pc - rc) - (pr - rr)
 *   sigmoid (DPO):  loss = -(1 - ls) * logsigmoid(beta * delta) - ls * logsigmoid(-beta * delta)
 *   hinge (SLiC):   loss = relu(1 - beta * delta)
 *   ipo:            loss = ((pc - rc) / nc - (pr - rr) / nr - 1 / (2 * beta))^2
 * </pre>
 * where {@code ls} is the label smoothing (the conservative DPO of Mitchell's note, as TRL up to 0.2x and the DPO
 * authors' code; TRL's current release ignores it), and {@code nc}, {@code nr} are the completion token counts.
 * The implicit rewards are {@code beta * (pc - rc)} and {@code beta * (pr - rr)} for every loss type, as TRL logs them;
 * a pair counts as ranked correctly when its chosen reward is strictly greater. With policy equal to reference
 * every reward is 0 and the sigmoid loss is {@code ln 2}.
 *
 * <p>{@code logsigmoid(x)} is computed as {@code min(x, 0) - log(1 + exp(-|x|))}, exact for arguments of any size.
 * Inputs may be float32 or float64; the result has their type and lives in the manager of {@code policyChosen}.
 * The losses are differentiable with respect to the policy's log-probabilities; the rewards are detached.
 */
public final class DpoLoss {
    /** The loss functions, by the names TRL's {@code loss_type} gives them. */
    public enum Type {
        /** The DPO loss: the negative log-sigmoid of the scaled margin. */
        SIGMOID,
        /** The SLiC hinge loss on the scaled margin. */
        HINGE,
        /** The IPO loss: the squared gap between the length-normalized margin and {@code 1 / (2 beta)}. */
        IPO;

        /**
         * Returns the name TRL uses ({@code sigmoid}, {@code hinge}, {@code ipo}).
         *
         * @return the lower-case name
         */
        public String trlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Reads a TRL name.
         *
         * @param name {@code sigmoid}, {@code hinge} or {@code ipo}, in any case
         * @return the type
         * @throws IllegalArgumentException naming the accepted values when {@code name} is none of them
         */
        public static Type of(String name) {
            for (Type t : values()) {
                if (t.trlName().equalsIgnoreCase(name == null ? "" : name.strip())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("loss_type must be sigmoid, hinge or ipo, got '" + name + "'");
        }
    }

    /**
     * What the loss function gives for a batch of pairs, each {@code [P]}.
     *
     * @param losses the per-pair losses, differentiable
     * @param chosenRewards {@code beta * (pc - rc)}, detached
     * @param rejectedRewards {@code beta * (pr - rr)}, detached
     */
    public record Output(NDArray losses, NDArray chosenRewards, NDArray rejectedRewards) {
        /**
         * Returns the mean loss, the number a training step minimizes.
         *
         * @return a scalar, differentiable
         */
        public NDArray loss() {
            return losses.mean();
        }
    }

    private DpoLoss() {}

    /**
     * Computes the losses and rewards of a batch of pairs.
     *
     * @param type the loss
     * @param beta the temperature {@code beta}, positive
     * @param labelSmoothing {@code ls} in {@code [0, 0.5)}; only the sigmoid loss uses it, the others require 0
     * @param policyChosen {@code pc}, {@code [P]}
     * @param policyRejected {@code pr}, {@code [P]}
     * @param referenceChosen {@code rc}, {@code [P]}
     * @param referenceRejected {@code rr}, {@code [P]}
     * @param chosenLengths {@code nc}, {@code [P]}, positive; used by IPO only, may be null otherwise
     * @param rejectedLengths {@code nr}, {@code [P]}, positive; used by IPO only, may be null otherwise
     * @return the losses and rewards, {@code [P]} each
     * @throws IllegalArgumentException when a number is out of range, an array is missing, or the shapes differ
     */
    public static Output compute(Type type, double beta, double labelSmoothing, NDArray policyChosen,
            NDArray policyRejected, NDArray referenceChosen, NDArray referenceRejected, NDArray chosenLengths,
            NDArray rejectedLengths) {
        check(type, beta, labelSmoothing);
        if (policyChosen == null || policyRejected == null || referenceChosen == null || referenceRejected == null) {
            throw new IllegalArgumentException("the four log-probability arrays must not be null");
        }
        if (type == Type.IPO && (chosenLengths == null || rejectedLengths == null)) {
            throw new IllegalArgumentException("the ipo loss needs chosenLengths and rejectedLengths");
        }
        sameShape(policyChosen, "policyChosen", policyRejected, "policyRejected");
        sameShape(policyChosen, "policyChosen", referenceChosen, "referenceChosen");
        sameShape(policyChosen, "policyChosen", referenceRejected, "referenceRejected");
        NDManager out = policyChosen.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray rc = referenceChosen.toType(policyChosen.getDataType(), true);
            NDArray rr = referenceRejected.toType(policyChosen.getDataType(), true);
            scope.attachAll(rc, rr);
            NDArray chosenRatio = policyChosen.sub(rc); // [P]: log pi(y_w|x) - log ref(y_w|x)
            NDArray rejectedRatio = policyRejected.sub(rr); // [P]
            scope.attachAll(chosenRatio, rejectedRatio);
            NDArray losses = switch (type) {
                case SIGMOID -> sigmoid(chosenRatio.sub(rejectedRatio), beta, labelSmoothing);
                case HINGE -> hinge(chosenRatio.sub(rejectedRatio), beta);
                case IPO -> ipo(chosenRatio, rejectedRatio, chosenLengths, rejectedLengths, beta);
            };
            NDArray chosenRewards = scale(chosenRatio, beta).stopGradient();
            NDArray rejectedRewards = scale(rejectedRatio, beta).stopGradient();
            losses.attach(out);
            chosenRewards.attach(out);
            rejectedRewards.attach(out);
            return new Output(losses, chosenRewards, rejectedRewards);
        }
    }

    /** {@code -(1 - ls) * logsigmoid(beta * delta) - ls * logsigmoid(-beta * delta)}. */
    private static NDArray sigmoid(NDArray delta, double beta, double ls) {
        NDArray z = scale(delta, beta); // [P]
        NDArray loss = logSigmoid(z).mul(scalar(z, -(1 - ls)));
        if (ls == 0) {
            return loss;
        }
        return loss.sub(logSigmoid(z.neg()).mul(scalar(z, ls)));
    }

    /** {@code relu(1 - beta * delta)}. */
    private static NDArray hinge(NDArray delta, double beta) {
        NDArray margin = scale(delta, beta).neg().add(scalar(delta, 1)); // [P]
        return margin.maximum(scalar(delta, 0));
    }

    /** {@code ((pc - rc) / nc - (pr - rr) / nr - 1 / (2 beta))^2}. */
    private static NDArray ipo(NDArray chosenRatio, NDArray rejectedRatio, NDArray chosenLengths,
            NDArray rejectedLengths, double beta) {
        sameShape(chosenRatio, "policyChosen", chosenLengths, "chosenLengths");
        sameShape(chosenRatio, "policyChosen", rejectedLengths, "rejectedLengths");
        NDArray nc = chosenLengths.toType(chosenRatio.getDataType(), true);
        NDArray nr = rejectedLengths.toType(chosenRatio.getDataType(), true);
        chosenRatio.getManager().attachAll(nc, nr);
        if (nc.min().toType(DataType.FLOAT64, false).getDouble() <= 0
                || nr.min().toType(DataType.FLOAT64, false).getDouble() <= 0) {
            throw new IllegalArgumentException("the ipo loss needs positive completion lengths");
        }
        NDArray gap = chosenRatio.div(nc).sub(rejectedRatio.div(nr)).sub(scalar(chosenRatio, 1 / (2 * beta)));
        return gap.mul(gap);
    }

    /** {@code log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|))}: never overflows, never takes the log of 0. */
    static NDArray logSigmoid(NDArray x) {
        NDArray tail = x.abs().neg().exp().add(scalar(x, 1)).log();
        return x.minimum(scalar(x, 0)).sub(tail);
    }

    private static NDArray scale(NDArray x, double factor) {
        return x.mul(scalar(x, factor));
    }

    /**
     * A scalar of {@code like}'s type whose memory is native (see NativeArrays), in {@code like}'s manager; exact in
     * float64.
     */
    private static NDArray scalar(NDArray like, double value) {
        if (like.getDataType() != DataType.FLOAT64) {
            return NativeArrays.scalar(like, (float) value);
        }
        try (NDArray wrapped = like.getManager().create(new double[] {value}, new Shape())) {
            return wrapped.duplicate();
        }
    }

    private static void check(Type type, double beta, double labelSmoothing) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be positive and finite, got " + beta);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing != 0 && type != Type.SIGMOID) {
            throw new IllegalArgumentException("label_smoothing applies to the sigmoid loss only; the "
                    + type.trlName() + " loss needs 0, got " + labelSmoothing);
        }
    }

    private static void sameShape(NDArray a, String aName, NDArray b, String bName) {
        if (a.getShape().dimension() != 1 || !a.getShape().equals(b.getShape())) {
            throw new IllegalArgumentException(bName + " " + b.getShape() + " must have the shape of " + aName + " "
                    + a.getShape() + ", one value per pair");
        }
    }
}
