/**
 * Implicit preference pairs built from BART and the LLM, and Direct Preference Optimization of the LoRA model.
 */
package org.tcmrx.dpo;
