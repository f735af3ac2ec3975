/**
 * Implementation details of tcm-core shared with the other TCM-Rx modules. Not a stable API: the types here may
 * change without notice.
 */
package org.tcmrx.core.internal;
