/**
 * A Hugging Face-compatible Qwen2 causal language model on DJL: {@link org.tcmrx.lora.Qwen2Config} (the
 * {@code config.json}), {@link org.tcmrx.lora.Qwen2Model} (loading, saving and random initialisation of
 * {@code Qwen2ForCausalLM} checkpoints, the forward pass, a key/value cache and greedy decoding) and
 * {@link org.tcmrx.lora.CausalLmLoss} (the shifted next-token loss). Weight names are Hugging Face's verbatim. LoRA
 * fine-tuning will build on these.
 */
package org.tcmrx.lora;
