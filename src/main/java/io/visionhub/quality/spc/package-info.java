/**
 * Statistical process control on vision results: attribute control charts (p, np, u) with limits taken from a
 * baseline period, and the Nelson rules 1–8 (rules 1, 2, 5 and 6 are the Western Electric rules, rule 2 with a run of
 * nine) evaluated on the standardised points. Pure arithmetic: the quality service feeds it subgroups built from
 * ledger records and turns rule violations into alarms.
 */
package io.visionhub.quality.spc;
