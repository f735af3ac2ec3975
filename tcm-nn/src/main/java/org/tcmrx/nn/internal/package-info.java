/**
 * Implementation details of {@code org.tcmrx.nn}: the PyTorch-specific gradient access, the checkpoint folder format
 * and the trainer's persisted state. Not a public API; it may change without notice.
 */
package org.tcmrx.nn.internal;
