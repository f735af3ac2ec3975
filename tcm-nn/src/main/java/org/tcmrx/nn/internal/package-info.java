/**
 * Implementation details of {@code org.tcmrx.nn}: the PyTorch-specific gradient access and operator profiler, the
 * checkpoint folder format and the trainer's persisted state, the reader that loads a Hugging Face model folder into
 * native memory chunk by chunk, and the creation of arrays that own their native memory. Not a public API; it may
 * change without notice.
 */
package org.tcmrx.nn.internal;
