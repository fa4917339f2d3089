package io.visionhub.simulators;

import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.TargetUrlResolver;

/**
 * Target urls {@code simulator:<sap|maximo|oracle|webhook>}: the base URL of that running simulator, wherever it
 * listens (a busy port falls back to a free one). The demo contributes it; the production jar has no such urls.
 */
public final class SimulatorUrlResolver implements TargetUrlResolver {

    /** The url prefix this resolver handles. */
    public static final String SCHEME = "simulator:";

    private final EnterpriseSimulators simulators;

    /** @param simulators the running simulators, or null when they are off */
    public SimulatorUrlResolver(EnterpriseSimulators simulators) {
        this.simulators = simulators;
    }

    @Override
    public String resolve(String url) {
        if (url == null || !url.startsWith(SCHEME)) {
            return null;
        }
        if (simulators == null) {
            throw DeliveryException.permanentFailure("url " + url + " names a simulator, but the simulators are not "
                    + "running (visionhub.simulators.enabled=false); configure the real system's url");
        }
        String name = url.substring(SCHEME.length());
        return simulators
                .url(name)
                .orElseThrow(
                        () -> DeliveryException.permanentFailure("url " + url + " names no simulator; the demo runs "
                                + simulators.urls().keySet()));
    }
}
