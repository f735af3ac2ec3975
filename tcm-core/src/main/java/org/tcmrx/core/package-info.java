/**
 * The domain model of TCM-Rx: symptoms, herbs, doses, prescriptions, clinical cases and data sets with named
 * splits; vocabularies with stable ids; herb-name normalization; provenance; JSONL; the paper's three-section answer
 * format ({@link org.tcmrx.core.ThreeSectionAnswer}: 症状分析, 处方推荐, 处方解释), written and read; and the {@link
 * org.tcmrx.core.HerbRanker} interface every recommender implements.
 *
 * <p>This module has no native dependencies, so it can be embedded anywhere a JVM runs.
 */
package org.tcmrx.core;
