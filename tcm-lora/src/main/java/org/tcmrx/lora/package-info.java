/**
 * A Hugging Face-compatible Qwen2 causal language model on DJL, with PEFT-compatible LoRA.
 *
 * <p>The model: {@link org.tcmrx.lora.Qwen2Config} (the {@code config.json}), {@link org.tcmrx.lora.Qwen2Model}
 * (loading, saving and random initialisation of {@code Qwen2ForCausalLM} checkpoints, the forward pass in inference
 * or training mode, a key/value cache and greedy decoding) and {@link org.tcmrx.lora.CausalLmLoss} (the shifted
 * next-token loss). Weight names are Hugging Face's verbatim. Loading copies tensors into native memory in bounded
 * chunks and can store the frozen weight matrices as float16 while computing in float32
 * ({@link org.tcmrx.lora.WeightStorage}), so a 7B checkpoint needs neither giant Java arrays nor 28 GiB of weights.
 *
 * <p>Generation: {@link org.tcmrx.lora.Generator} runs Hugging Face's {@code generate} (greedy or seeded sampling,
 * repetition penalty, EOS and stop strings, left-padded batches, streaming) under a
 * {@link org.tcmrx.lora.GenerationConfig}, with {@link org.tcmrx.lora.LogitsProcessor}s such as
 * {@link org.tcmrx.lora.PrescriptionConstraint}, which keeps a prescription inside a herb vocabulary; each row's
 * outcome is a {@link org.tcmrx.lora.GenerationResult}.
 *
 * <p>Text: {@link org.tcmrx.lora.QwenTokenizer} (a Hugging Face {@code tokenizer.json} through DJL, without DJL's
 * default truncation and padding) and {@link org.tcmrx.lora.ChatTemplate} with {@link org.tcmrx.lora.ChatMessage}
 * (Qwen2.5's ChatML, and the assistant-token masks that limit a training loss to the answers).
 *
 * <p>LoRA (Hu et al., 2021) as PEFT implements it: {@link org.tcmrx.lora.LoraConfig} (the
 * {@code adapter_config.json}) and {@link org.tcmrx.lora.LoraAdapter}, which {@code Qwen2Model.applyLora} or
 * {@code Qwen2Model.loadAdapter} injects into the model in place. Each selected projection computes
 * {@code y = x W^T (+ b) + dropout(x) A^T B^T * scaling}, with {@code A [r, in]}, {@code B [out, r]} and
 * {@code scaling = lora_alpha / r} ({@code lora_alpha / sqrt(r)} with {@code use_rslora}); the adapter can be
 * disabled (the base model exactly, as DPO's reference), merged into the weights ({@code W + scaling * B @ A}) and
 * unmerged, trained through a {@code ParameterStore} that freezes the base weights, and saved as a folder PEFT's
 * {@code PeftModel.from_pretrained} reads (keys {@code base_model.model.<module>.lora_A.weight}, without the adapter
 * name).
 *
 * <p>Supervised fine-tuning: {@link org.tcmrx.lora.SftTrainer} trains a model (LoRA or every parameter) on
 * {@link org.tcmrx.lora.SftSample}s read by {@link org.tcmrx.lora.SftJsonl} (chat "messages" or alpaca JSON Lines),
 * with the loss on assistant tokens only, through tcm-nn's training loop; settings in {@link org.tcmrx.lora.SftConfig},
 * the outcome in {@link org.tcmrx.lora.SftResult}, and a PNG loss curve from {@link org.tcmrx.lora.SftLossChart}.
 *
 * <p>Recommendation: {@link org.tcmrx.lora.LlmHerbRanker} is the {@link org.tcmrx.core.HerbRanker} of a fine-tuned
 * model: it prompts for the paper's three-section answer, reads it with {@link org.tcmrx.core.ThreeSectionAnswer},
 * normalizes the prescribed herbs, ranks those in the vocabulary in generation order and counts what it could not use.
 */
package org.tcmrx.lora;
