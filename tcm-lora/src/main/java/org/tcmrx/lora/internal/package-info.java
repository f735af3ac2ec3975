/**
 * The blocks of Qwen2, one file each, and the plumbing behind {@link org.tcmrx.lora.Qwen2Model}: weight records named
 * after Hugging Face's modules, checkpoint loading and saving, rotary embeddings, the attention bias, the key/value
 * cache, the LoRA branch a projection carries while an adapter is on (with the adapter's tensors), the reader of a
 * {@code tokenizer.json}'s vocabulary and added tokens, and the reader of chat messages written as JSON objects that
 * the SFT and preference-pair files share. Not a stable API.
 *
 * <p>Dimension letters, bound once for every shape comment: {@code B} batch, {@code T} new (query) positions,
 * {@code P} cached positions, {@code S} key positions ({@code P + T}), {@code C} {@code hidden_size}, {@code H}
 * query heads, {@code KV} key/value heads, {@code G} query heads per key/value head ({@code H / KV}), {@code D} head
 * size, {@code I} {@code intermediate_size}, {@code V} vocabulary, {@code N} either head count, {@code R} the LoRA
 * rank {@code r}.
 *
 * <p>Memory: every result of a forward lands in the manager of the input ids (the caller's per-step scope), never in
 * the weights' manager. DJL attaches a result to the manager of the array an operation is called on, so operations
 * are called on activations, never on weights, and the few called on long-lived arrays (the caller's ids and mask,
 * the cache) move their result into the scope with {@link org.tcmrx.lora.internal.Scope#into}. The one exception,
 * widening a float16 weight for a projection ({@link org.tcmrx.lora.internal.Linear#project}), lives in the weights'
 * manager only until the projection returns. Arrays made from Java
 * values, and scalar arithmetic on values that may be differentiated, go through
 * {@link org.tcmrx.nn.internal.NativeArrays}.
 */
package org.tcmrx.lora.internal;
