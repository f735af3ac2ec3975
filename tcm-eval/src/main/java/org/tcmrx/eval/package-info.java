/**
 * Evaluation of herb rankers: top-K metrics, the parallel {@link org.tcmrx.eval.RankerEvaluator}, paired
 * bootstrap comparisons, JSON and Markdown reports, and the baselines every model must beat.
 */
package org.tcmrx.eval;
