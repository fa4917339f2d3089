package io.visionhub.quality.spc;

/** The attribute control charts the hub draws on vision data. */
public enum ChartType {
    /** Fraction of nonconforming (NG) parts per subgroup; subgroup sizes may differ. */
    P,
    /** Number of nonconforming parts per subgroup; every subgroup must have the same size. */
    NP,
    /** Defects per inspected part (a part may carry several defects); subgroup sizes may differ. */
    U
}
