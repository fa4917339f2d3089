package io.visionhub.onvif;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A device that answered a WS-Discovery probe: its endpoint reference (a stable urn:uuid), types, scopes
 * ({@code onvif://www.onvif.org/name/...}, {@code .../hardware/...}, {@code .../location/...}) and device service
 * addresses (XAddrs: absolute http or https URLs, any path and port), the address the answer came from, and the
 * XAddrs that were not usable URLs (each with why), kept to name them when no usable one is left.
 */
public record DiscoveredDevice(
        String endpointReference,
        List<String> types,
        List<String> scopes,
        List<URI> xaddrs,
        String from,
        List<String> rejectedXaddrs) {

    public DiscoveredDevice(
            String endpointReference, List<String> types, List<String> scopes, List<URI> xaddrs, String from) {
        this(endpointReference, types, scopes, xaddrs, from, List.of());
    }

    /** The value of the first {@code onvif://www.onvif.org/<kind>/...} scope, decoded, or null. */
    public String scope(String kind) {
        String prefix = "onvif://www.onvif.org/" + kind + "/";
        return scopes.stream()
                .filter(s -> s.startsWith(prefix))
                .map(s -> URLDecoder.decode(s.substring(prefix.length()), StandardCharsets.UTF_8))
                .findFirst()
                .orElse(null);
    }

    public String name() {
        return scope("name");
    }

    public String hardware() {
        return scope("hardware");
    }

    /** The first device service address; host:port of it is what onvif:// sources and the REST API take. */
    public URI deviceService() {
        return xaddrs.isEmpty() ? null : xaddrs.get(0);
    }

    /** host[:port] of the device service, or the answer's sender when the device gave no XAddrs. */
    public String address() {
        URI x = deviceService();
        if (x == null || x.getHost() == null) {
            return from;
        }
        return x.getHost() + (x.getPort() > 0 ? ":" + x.getPort() : "");
    }
}
