package io.visionhub.enterprise.rules;

import io.visionhub.enterprise.DeliveryHeader;
import io.visionhub.enterprise.TargetType;
import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.InspectionLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enterprise rules (bean {@code enterpriseRules}): decides which business documents an inspection raises and puts
 * them in the {@link InspectionLedger#HEADER_DELIVERIES} header (appending to deliveries already there), for
 * the ledger to write as outbox rows with the record. Takes and returns the InspectionEvent body.
 * <ul>
 *   <li>quality notification: one per NG part (key = inspection id) to the quality notification target,
 *       plus one per NG part to each extra target;</li>
 *   <li>maintenance notification: one per station and defect class when {@code maintenanceThreshold} defects of
 *       that class occur within a {@code maintenanceWindow} (tumbling windows aligned to the epoch; key =
 *       {@link MaintenanceWindowKey}, so re-counting after a restart maps to the same outbox row); an NG verdict
 *       without classified defects (anomaly models) counts as class {@value #ANOMALY};</li>
 *   <li>inspection result: each OK/NG inspection whose context has an SAP inspection lot, to
 *       {@code inspectionResultTarget} (off unless set);</li>
 *   <li>severity from the defect class (header {@value #HEADER_SEVERITY}; mappings get it as {@code severity}).</li>
 * </ul>
 * Parameters: visionhub.enterprise.rules.*, or per route step those of the {@code enterprise-rules-action}
 * kamelet ({@link EnterpriseRulesAction}, which shares this bean's window counts).
 */
public class EnterpriseRules {

    public static final String HEADER_SEVERITY = "VisionHubSeverity";
    /** Defect class counted for an NG verdict that has no classified defects (anomaly models). */
    public static final String ANOMALY = "anomaly";

    private static final Logger LOG = LoggerFactory.getLogger(EnterpriseRules.class);

    private final RuleSettings defaults;
    private final SeverityPolicy severity;
    private final Function<String, TargetType> targetTypes;
    // keyed by the window record itself: its delivery key (a string with the window start in ISO form) is made only
    // for the one event that raises the notification, and pruning reads the window without parsing keys
    private final Map<MaintenanceWindowKey, AtomicInteger> windowCounts = new ConcurrentHashMap<>();
    private volatile long lastPruneEpochSecond;

    public EnterpriseRules(RuleSettings defaults, SeverityPolicy severity, Function<String, TargetType> targetTypes) {
        this.defaults = defaults;
        this.severity = severity;
        this.targetTypes = targetTypes;
    }

    /** The rules with the configured defaults (what a step without parameters gets). */
    public RuleSettings defaults() {
        return defaults;
    }

    /** The step {@code bean:enterpriseRules} with the configured defaults. */
    public InspectionEvent apply(InspectionEvent body, Exchange exchange) {
        return apply(body, exchange, defaults);
    }

    /**
     * Adds the deliveries this inspection raises under {@code settings} to the deliveries header and sets the
     * severity header; returns the body.
     */
    public InspectionEvent apply(InspectionEvent body, Exchange exchange, RuleSettings settings) {
        if (body == null) {
            throw new IllegalArgumentException("the enterprise rules need an InspectionEvent body, got none");
        }
        DeliveryHeader.append(exchange, decide(body, settings));
        exchange.getMessage().setHeader(HEADER_SEVERITY, severity.severityOf(body));
        return body;
    }

    /** The deliveries one inspection raises under the given settings. */
    public List<DeliveryRequest> decide(InspectionEvent e, RuleSettings s) {
        List<DeliveryRequest> out = new ArrayList<>();
        if (e.result() == InspectionEvent.Verdict.NG) {
            if (s.qualityNotificationTarget() != null
                    && !s.qualityNotificationTarget().isBlank()) {
                out.add(new DeliveryRequest(s.qualityNotificationTarget(), "QUALITY_NOTIFICATION", e.id()));
            }
            for (String t : s.extraNgTargets()) {
                out.add(new DeliveryRequest(t, documentTypeOf(t), e.id()));
            }
        }
        String lot = e.context() == null ? null : e.context().inspectionLot();
        if (lot != null
                && !lot.isBlank()
                && s.inspectionResultTarget() != null
                && !s.inspectionResultTarget().isBlank()
                && e.result() != InspectionEvent.Verdict.UNCERTAIN) {
            out.add(new DeliveryRequest(s.inspectionResultTarget(), "INSPECTION_RESULT", e.id()));
        }
        boolean anomalyOnly =
                e.result() == InspectionEvent.Verdict.NG && e.defects().isEmpty();
        if (s.maintenanceTarget() != null
                && !s.maintenanceTarget().isBlank()
                && (anomalyOnly || !e.defects().isEmpty())) {
            Instant at = e.captureTime() != null ? e.captureTime() : Instant.now();
            long windowSeconds = Math.max(1, s.maintenanceWindow().toSeconds());
            Instant start = Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), windowSeconds) * windowSeconds);
            Set<String> classes = new LinkedHashSet<>();
            if (anomalyOnly
                    && (s.maintenanceClasses().isEmpty()
                            || s.maintenanceClasses().contains(ANOMALY))) {
                classes.add(ANOMALY); // an anomaly model's NG without classified defects counts as class "anomaly"
            }
            for (Defect d : e.defects()) {
                if (s.maintenanceClasses().isEmpty() || s.maintenanceClasses().contains(d.defectClass())) {
                    classes.add(d.defectClass());
                }
            }
            for (String cls : classes) {
                MaintenanceWindowKey key =
                        new MaintenanceWindowKey(e.station(), cls, start, s.maintenanceThreshold(), windowSeconds);
                int n = windowCounts
                        .computeIfAbsent(key, k -> new AtomicInteger())
                        .incrementAndGet();
                if (n == s.maintenanceThreshold()) {
                    LOG.info(
                            "{} '{}' defects at station {} within the {} window from {}: maintenance notification to {}",
                            n,
                            cls,
                            e.station(),
                            s.maintenanceWindow(),
                            start,
                            s.maintenanceTarget());
                    out.add(new DeliveryRequest(s.maintenanceTarget(), "MAINTENANCE_NOTIFICATION", key.key()));
                }
            }
            prune(at, windowSeconds);
        }
        return out;
    }

    private String documentTypeOf(String target) {
        TargetType t = targetTypes.apply(target);
        return t == null ? "DOCUMENT" : t.documentType();
    }

    /** Forgets counts of windows that ended more than one window ago. */
    private void prune(Instant now, long windowSeconds) {
        long epoch = now.getEpochSecond();
        if (epoch - lastPruneEpochSecond < windowSeconds) {
            return;
        }
        lastPruneEpochSecond = epoch;
        windowCounts
                .keySet()
                .removeIf(w -> w.windowStart()
                        .plus(Duration.ofSeconds(2 * w.windowSeconds()))
                        .isBefore(now));
    }
}
