/**
 * Evaluation of herb rankers: top-K metrics, the parallel {@link org.tcmrx.eval.RankerEvaluator}, paired
 * bootstrap comparisons, JSON and Markdown reports, and the baselines every model must beat; and of explanations:
 * {@link org.tcmrx.eval.AnswerFaithfulness} measures whether a three-section answer explains the herbs it prescribes.
 */
package org.tcmrx.eval;
