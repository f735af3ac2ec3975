package org.tcmrx.bart;

import java.util.List;

/**
 * One training batch of a symptom → herb BART, as plain Java data: the encoder inputs and the labels of each
 * example, unpadded ({@link HerbTokenizer#encodeQuery} and {@link HerbTokenizer#encodeHerbs} outputs).
 *
 * @param inputs each example's encoder ids
 * @param labels each example's label ids, ending with {@code </s>}
 */
public record HerbBatch(List<int[]> inputs, List<int[]> labels) {
    /**
     * Validates and copies the batch.
     *
     * @param inputs each example's encoder ids
     * @param labels each example's label ids, ending with {@code </s>}
     * @throws IllegalArgumentException when the lists are empty or differ in length
     */
    public HerbBatch {
        inputs = List.copyOf(inputs);
        labels = List.copyOf(labels);
        if (inputs.isEmpty() || inputs.size() != labels.size()) {
            throw new IllegalArgumentException("a batch needs as many labels as inputs, at least one; got "
                    + inputs.size() + " and " + labels.size());
        }
    }

    /**
     * Returns the number of examples.
     *
     * @return the batch size
     */
    public int size() {
        return inputs.size();
    }

    /**
     * Pads rows to one length into a row-major {@code long} array.
     *
     * @param rows the rows
     * @param pad the padding value
     * @return {@code [rows.size() * maxLength]}, and the max length in {@code lengthOut[0]}
     */
    static long[] pad(List<int[]> rows, long pad, int[] lengthOut) {
        int t = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        long[] out = new long[rows.size() * t];
        java.util.Arrays.fill(out, pad);
        for (int b = 0; b < rows.size(); b++) {
            int[] r = rows.get(b);
            for (int i = 0; i < r.length; i++) {
                out[b * t + i] = r[i];
            }
        }
        lengthOut[0] = t;
        return out;
    }
}
