/**
 * The domain model of TCM-Rx: symptoms, herbs, doses, prescriptions, clinical cases and data sets with named
 * splits; vocabularies with stable ids; herb-name normalization; provenance; JSONL; and the {@link
 * org.tcmrx.core.HerbRanker} interface every recommender implements.
 *
 * <p>This module has no native dependencies, so it can be embedded anywhere a JVM runs.
 */
package org.tcmrx.core;
