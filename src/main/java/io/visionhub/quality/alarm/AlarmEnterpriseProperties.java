package io.visionhub.quality.alarm;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Quality alarms to an enterprise target ({@code visionhub.quality.alarms}, documented in config/quality-spc.yaml).
 *
 * @param enterpriseTarget a target under visionhub.enterprise.targets each alarm raise is sent to through the
 *                         outbox (mapping {@code <mapping>-alarm.jsonata}); empty: alarms stay in the hub. An
 *                         unknown target stops start-up naming this key.
 * @param enterpriseClears also send each clear (same target and template, {@code alarm.state = CLEARED})
 */
@ConfigurationProperties(prefix = "visionhub.quality.alarms")
public record AlarmEnterpriseProperties(String enterpriseTarget, Boolean enterpriseClears) {

    public AlarmEnterpriseProperties {
        enterpriseTarget = enterpriseTarget == null ? "" : enterpriseTarget.trim();
        enterpriseClears = enterpriseClears != null && enterpriseClears;
    }

    public boolean sent() {
        return !enterpriseTarget.isEmpty();
    }
}
