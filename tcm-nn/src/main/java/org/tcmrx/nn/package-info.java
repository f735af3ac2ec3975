/**
 * The neural-network runtime the DJL model modules share: loading safetensors weights as NDArrays, named
 * parameters, the AdamW optimizer, learning-rate schedules, gradient clipping, and the one generic training loop that
 * trains BART, LoRA SFT and DPO alike. Model code never lives here.
 */
package org.tcmrx.nn;
