package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Keeps temporaries out of long-lived managers (see the package documentation). */
public final class Scope {
    private Scope() {}

    /**
     * Moves a freshly computed array into a scope and returns it.
     *
     * @param scope the manager that is to own the array
     * @param array an array just produced by an operation on a long-lived array
     * @return {@code array}, now owned by {@code scope}
     */
    public static NDArray into(NDManager scope, NDArray array) {
        array.attach(scope);
        return array;
    }
}
