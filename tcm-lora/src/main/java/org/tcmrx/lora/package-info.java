/**
 * A Qwen2 causal language model on DJL, loaded from Hugging Face checkpoints, with PEFT-compatible LoRA
 * fine-tuning.
 */
package org.tcmrx.lora;
