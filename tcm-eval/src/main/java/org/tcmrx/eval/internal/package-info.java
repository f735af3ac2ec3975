/**
 * Implementation details of tcm-eval: resampling arithmetic and the plain-text table layout. Not a stable API: the
 * types here may change without notice.
 */
package org.tcmrx.eval.internal;
