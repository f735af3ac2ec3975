/**
 * Internals of distillation: the run's append-only files and their crash recovery, retry backoff, the request rate
 * limiter, the JSON answer reader and the offline teacher's pathogenesis rules. Not an API: may change at any time.
 */
package org.tcmrx.distill.internal;
