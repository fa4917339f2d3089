package io.visionhub.quality.spc;

import java.time.Instant;

/** One inspection as SPC sees it: when, whether the part was nonconforming, and how many defects it carried. */
public record Sample(Instant time, boolean nonconforming, int defects) {

    public Sample {
        if (time == null) {
            throw new IllegalArgumentException("a sample needs its inspection time");
        }
        if (defects < 0) {
            throw new IllegalArgumentException("defects cannot be negative, got " + defects);
        }
    }
}
