/**
 * Internals of the preference pairs: the reduction of a predicted and a true prescription to distinct herbs that
 * the {@link org.tcmrx.dpo.PrescriptionMetric}s count on. Not a stable API.
 */
package org.tcmrx.dpo.internal;
