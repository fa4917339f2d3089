package io.visionhub.quality.ncr;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Non-conformances ({@code visionhub.quality.ncr}, documented with defaults in config/quality-ncr.yaml). A bad value
 * stops the hub at start-up with a message naming the key.
 *
 * @param enabled        open NCRs at all
 * @param targets        enterprise targets (visionhub.enterprise.targets) each NCR is raised in through the outbox;
 *                       empty: the register only
 * @param threshold      the rule: this many NG parts of one defect class in one production order ...
 * @param window         ... within this sliding window open the NCR (1 = the first NG part opens it)
 * @param dispositions   signed dispositions that confirm a defect and open (or add to) the NCR at once
 * @param classes        defect classes the rule counts (empty: all; an NG without classes counts as "anomaly")
 * @param exampleImages  annotated example images in the CAPA evidence PDF
 * @param linkBase       the hub's address as people in the ERP reach it (https://hub.plant.local): put before the
 *                       links an NCR document carries (the NCR, its evidence package, the parts' images); empty: the
 *                       links are paths (/api/…)
 */
@Validated
@ConfigurationProperties(prefix = "visionhub.quality.ncr")
public record NcrProperties(
        Boolean enabled,
        List<@Pattern(regexp = "[A-Za-z0-9._-]{1,100}", message = "must be a target name") String> targets,

        @NotNull @Min(value = 1, message = "must be at least 1 (1 = the first NG part opens the NCR)") @Max(10_000)
        Integer threshold,

        @NotNull Duration window,
        List<
                        @Pattern(
                                regexp = "REJECT|REWORK|USE_AS_IS|ACCEPT",
                                message = "must be REJECT, REWORK, USE_AS_IS or ACCEPT")
                        String>
                dispositions,
        List<String> classes,
        @NotNull @Min(0) @Max(50) Integer exampleImages,

        @Pattern(
                regexp = "|https?://[^\\s/]+(/[^\\s]*)?",
                message = "must be empty or an http(s) URL such as https://hub.plant.local")
        String linkBase) {

    public NcrProperties {
        enabled = enabled == null || enabled;
        targets = targets == null ? List.of() : List.copyOf(targets);
        threshold = threshold == null ? 3 : threshold;
        window = window == null ? Duration.ofMinutes(15) : window;
        dispositions = dispositions == null ? List.of("REJECT", "REWORK") : List.copyOf(dispositions);
        classes = classes == null ? List.of() : List.copyOf(classes);
        exampleImages = exampleImages == null ? 6 : exampleImages;
        linkBase = linkBase == null ? "" : linkBase.trim().replaceAll("/+$", "");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException(
                    "visionhub.quality.ncr.window must be a positive duration (e.g. 15m), not " + window);
        }
    }
}
