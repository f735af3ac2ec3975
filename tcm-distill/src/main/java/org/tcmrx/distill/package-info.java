/**
 * Distillation: teacher language models turn structured clinical records into explainable training samples in
 * three sections (症状分析, 处方推荐, 处方解释).
 */
package org.tcmrx.distill;
