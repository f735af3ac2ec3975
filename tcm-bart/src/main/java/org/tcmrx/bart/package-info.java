/**
 * A Hugging Face-compatible BART on DJL, trained to map symptoms to herbs and used as a herb ranker.
 */
package org.tcmrx.bart;
