/**
 * The {@code tcm} command line and the example programs that run each stage of the method.
 */
package org.tcmrx.examples;
