/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format of Hugging Face
 * checkpoints in plain Java, without a tensor library: {@link org.tcmrx.core.safetensors.SafetensorsFile} for one
 * file, {@link org.tcmrx.core.safetensors.SafetensorsCheckpoint} for a model folder (single or sharded) and {@link
 * org.tcmrx.core.safetensors.SafetensorsWriter} to write one. Floating-point tensors read as float32, or as IEEE
 * binary16 bits for half-precision storage, whole or in parts, so a tensor too big for one Java array reads too.
 *
 * <p>A file is an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON mapping each tensor's
 * name to its {@code dtype}, {@code shape} and {@code data_offsets} (plus an optional {@code "__metadata__"} object of
 * strings), then the data buffer. Offsets are relative to the start of the data buffer; data is row-major and
 * little-endian. Readers validate the header as the reference implementation does and report a bad file with a
 * {@link org.tcmrx.core.MalformedDataException} naming the file, the tensor (or {@code header}) and the problem.
 */
package org.tcmrx.core.safetensors;
