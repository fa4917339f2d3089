package io.visionhub;

import org.slf4j.LoggerFactory;

/**
 * Makes the hub's own logging configuration the one Logback starts with, in the hub and in its commands.
 * Some bundled libraries ship a {@code logback.xml} (Eclipse Tahu's sets the root logger to TRACE); Logback
 * would pick the first one on the classpath before Spring Boot applies {@code logging.config}, and a command
 * without Spring would keep it. Call first thing in {@code main}, before any logger is created.
 */
public final class HubLogging {

    /** Logback's own system property; a value set by the operator ({@code -Dlogback.configurationFile=…}) wins. */
    static final String LOGBACK_CONFIG = "logback.configurationFile";
    /** Resource on the classpath (src/main/resources), the same file application.yaml names in logging.config. */
    public static final String HUB_CONFIG = "logback-visionhub.xml";

    private HubLogging() {}

    public static void useHubConfiguration() {
        if (System.getProperty(LOGBACK_CONFIG) != null) {
            return;
        }
        System.setProperty(LOGBACK_CONFIG, HUB_CONFIG);
        try {
            LoggerFactory.getILoggerFactory(); // Logback configures itself now, from HUB_CONFIG
        } finally {
            // Spring Boot warns about the property and re-applies logging.config itself
            System.clearProperty(LOGBACK_CONFIG);
        }
    }
}
