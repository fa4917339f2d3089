package io.visionhub.onvif;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * ONVIF settings of the hub (visionhub.onvif.*, defaults in config/onvif.yaml): where discovery probes, and the
 * credentials the REST API uses to list a camera's profiles. Camera sources ({@code onvif://}) and
 * {@code onvif-events:} endpoints carry their own credentials.
 *
 * @param enabled          the REST endpoints /api/cameras/onvif/**
 * @param discovery        the WS-Discovery probe
 * @param requestTimeout   how long one SOAP call to a camera may take
 * @param username         default ONVIF user for listing profiles
 * @param password         its password (never logged or answered)
 * @param cameras          credentials per camera address (host or host:port), before the default
 */
@ConfigurationProperties(prefix = "visionhub.onvif")
public record OnvifProperties(
        Boolean enabled,
        Discovery discovery,
        Duration requestTimeout,
        String username,
        String password,
        List<CameraCredentials> cameras) {

    public OnvifProperties {
        enabled = enabled == null || enabled;
        discovery = discovery == null ? new Discovery(null, null, null, null) : discovery;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(5) : requestTimeout;
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "visionhub.onvif.request-timeout must be positive, got " + requestTimeout);
        }
    }

    /**
     * @param networkInterface interface the probe goes out of (name such as eth0, or one of its addresses); empty:
     *                         the system's choice (the interface of the default route)
     * @param port             WS-Discovery port (3702; another only for tests and labs)
     * @param timeout          how long a probe waits for answers when the request names none
     * @param maxTimeout       the longest wait a request may ask for
     */
    public record Discovery(String networkInterface, Integer port, Duration timeout, Duration maxTimeout) {
        public Discovery {
            port = port == null ? WsDiscovery.PORT : port;
            timeout = timeout == null ? Duration.ofSeconds(3) : timeout;
            maxTimeout = maxTimeout == null ? Duration.ofSeconds(30) : maxTimeout;
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("visionhub.onvif.discovery.port must be 1..65535, got " + port);
            }
        }
    }

    /** Credentials of one camera, by the address discovery reports (host or host:port). */
    public record CameraCredentials(String address, String username, String password) {
        @Override
        public String toString() {
            return "CameraCredentials[" + address + ", " + username + ", ***]";
        }
    }

    /** The credentials for a camera address: its own entry, else the default ones. */
    public String[] credentialsFor(String address) {
        String host = address.contains(":") ? address.substring(0, address.lastIndexOf(':')) : address;
        for (CameraCredentials c : cameras) {
            if (c.address().equals(address) || c.address().equals(host)) {
                return new String[] {c.username(), c.password()};
            }
        }
        return new String[] {username, password};
    }

    @Override
    public String toString() {
        return "OnvifProperties[enabled=" + enabled + ", discovery=" + discovery + ", requestTimeout=" + requestTimeout
                + ", username=" + username + ", password=***, cameras=" + cameras + "]";
    }
}
