package io.visionhub.enterprise.rules;

import io.visionhub.event.InspectionEvent;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The step of the {@code enterprise-rules-action} kamelet, made once per kamelet use from its parameters
 * ({@code template.beans}): the parameters are this bean's properties, set as text from the kamelet and checked
 * as they are set (a bad value stops the route from starting, naming the parameter). A parameter left blank keeps
 * the configured default (visionhub.enterprise.rules.*), "none" turns a target or list off. The rules themselves,
 * with their per-station window counts, are the one {@link EnterpriseRules} bean of the application (looked up by
 * type unless {@link #setRules} is called), so several steps count defects together.
 */
public class EnterpriseRulesAction implements Processor {

    private EnterpriseRules rules;
    private String qualityNotificationTarget;
    private String maintenanceTarget;
    private Integer maintenanceThreshold;
    private Duration maintenanceWindow;
    private List<String> maintenanceClasses;
    private List<String> extraNgTargets;
    private String inspectionResultTarget;
    private volatile RuleSettings settings;

    @Override
    public void process(Exchange exchange) throws Exception {
        InspectionEvent event = exchange.getMessage().getMandatoryBody(InspectionEvent.class);
        RuleSettings s = settings;
        if (s == null) {
            s = settings(exchange);
        }
        rules.apply(event, exchange, s);
    }

    /** The configured defaults with this step's parameters in place (computed once). */
    private synchronized RuleSettings settings(Exchange exchange) {
        if (settings == null) {
            if (rules == null) {
                rules = exchange.getContext().getRegistry().findSingleByType(EnterpriseRules.class);
                if (rules == null) {
                    throw new IllegalStateException("enterprise-rules-action needs the EnterpriseRules bean "
                            + "(io.visionhub.enterprise.EnterpriseConfiguration registers 'enterpriseRules')");
                }
            }
            RuleSettings d = rules.defaults();
            settings = new RuleSettings(
                    or(qualityNotificationTarget, d.qualityNotificationTarget()),
                    or(maintenanceTarget, d.maintenanceTarget()),
                    or(maintenanceThreshold, d.maintenanceThreshold()),
                    or(maintenanceWindow, d.maintenanceWindow()),
                    or(maintenanceClasses, d.maintenanceClasses()),
                    or(extraNgTargets, d.extraNgTargets()),
                    or(inspectionResultTarget, d.inspectionResultTarget()));
        }
        return settings;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    public void setRules(EnterpriseRules rules) {
        this.rules = rules;
    }

    /** Target that gets a quality notification per NG part. */
    public void setQualityNotificationTarget(String value) {
        this.qualityNotificationTarget = RuleSettings.parseTarget(value);
    }

    /** Target that gets a maintenance notification when defects of one class accumulate at a station. */
    public void setMaintenanceTarget(String value) {
        this.maintenanceTarget = RuleSettings.parseTarget(value);
    }

    /** Defects of one class at one station within the window that raise one maintenance notification (at least 1). */
    public void setMaintenanceThreshold(String value) {
        Integer n = RuleSettings.parseInteger("maintenanceThreshold", value);
        if (n != null && n < 1) {
            throw new IllegalArgumentException("rule parameter maintenanceThreshold must be at least 1, not " + n);
        }
        this.maintenanceThreshold = n;
    }

    /** Length of the tumbling window (10m, 30s, PT1H, milliseconds). */
    public void setMaintenanceWindow(String value) {
        Duration d = RuleSettings.parseDuration("maintenanceWindow", value);
        if (d != null && (d.isZero() || d.isNegative())) {
            throw new IllegalArgumentException(
                    "rule parameter maintenanceWindow must be a positive duration, not '" + value + "'");
        }
        this.maintenanceWindow = d;
    }

    /** Comma-separated defect classes that count towards maintenance. */
    public void setMaintenanceClasses(String value) {
        this.maintenanceClasses = RuleSettings.parseList(value);
    }

    /** Comma-separated targets that also get a document per NG part. */
    public void setExtraNgTargets(String value) {
        this.extraNgTargets = RuleSettings.parseList(value);
    }

    /** Target that records each OK/NG inspection whose context has an SAP inspection lot. */
    public void setInspectionResultTarget(String value) {
        this.inspectionResultTarget = RuleSettings.parseTarget(value);
    }
}
