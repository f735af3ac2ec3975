/**
 * The blocks of BART, one file each, and the plumbing behind {@link org.tcmrx.bart.BartModel}: weight records named
 * after Hugging Face's modules, checkpoint loading and saving, masks and the key/value cache. Not a stable API.
 *
 * <p>Dimension letters, bound once for every shape comment: {@code B} batch, {@code S} key (source) length,
 * {@code T} query (target) length, {@code P} cached past length, {@code C} {@code d_model}, {@code H} heads,
 * {@code D} head size ({@code C / H}), {@code F} feed-forward size, {@code V} vocabulary.
 *
 * <p>Memory: every result of a forward lands in the manager of the input ids (the caller's per-step scope), never in
 * the weights' manager. DJL attaches a result to the manager of the array an operation is called on, so operations
 * called on long-lived arrays (weights, the encoder output, the attention mask, the cache) move their result into the
 * scope with {@link org.tcmrx.bart.internal.Scope#into}.
 */
package org.tcmrx.bart.internal;
