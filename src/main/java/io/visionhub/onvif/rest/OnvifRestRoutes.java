package io.visionhub.onvif.rest;

import io.visionhub.api.ApiAccess;
import io.visionhub.api.ApiError;
import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiRestConfiguration;
import io.visionhub.api.ApiRoles;
import io.visionhub.onvif.OnvifCameraUri;
import io.visionhub.onvif.OnvifCameras;
import io.visionhub.onvif.OnvifException;
import io.visionhub.onvif.OnvifProperties;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.apache.camel.util.TimeUtils;

/**
 * {@code GET /api/cameras/onvif/discover} (WS-Discovery probe, each camera with its profiles when the hub has
 * credentials for it) and {@code GET /api/cameras/onvif/{address}/profiles} (one camera's device information and
 * profiles with their stream and snapshot URIs). ADMIN only: discovery sends packets on the plant network and the
 * profiles call logs in to cameras with the hub's credentials. No password is in any answer.
 */
public class OnvifRestRoutes extends RouteBuilder {

    public static final List<String> ROLES = List.of(ApiRoles.ADMIN);

    private final OnvifCameras cameras;
    private final OnvifProperties properties;

    public OnvifRestRoutes(OnvifCameras cameras, OnvifProperties properties) {
        this.cameras = cameras;
        this.properties = properties;
    }

    @Override
    public void configure() {
        ApiErrorHandling.install(this);
        declareRest();
        from("direct:onvif-discover").routeId("rest-onvif-discover").process(this::discover);
        from("direct:onvif-profiles").routeId("rest-onvif-profiles").process(this::profiles);
    }

    /** The REST DSL part (needs the api concern's restConfiguration on platform-http). */
    protected void declareRest() {
        ApiRestConfiguration.securedRest(this, "/cameras/onvif")
                .description("ONVIF cameras: discovery and media profiles")
                .get("/discover")
                .id("onvif-discover")
                .outType(OnvifCameras.Discovery.class)
                .description("Send a WS-Discovery probe (dn:NetworkVideoTransmitter and tds:Device, multicast "
                        + "239.255.255.250 on visionhub.onvif.discovery.port out of visionhub.onvif.discovery."
                        + "network-interface) and list the cameras that answer within the timeout: address, name, "
                        + "hardware, location, XAddrs, scopes, and (profiles=true, the hub having credentials for the "
                        + "camera: visionhub.onvif.username/password or visionhub.onvif.cameras) the camera's device "
                        + "information and media profiles with stream and snapshot URIs, or the camera's error. "
                        + ApiAccess.describe(ROLES))
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("timeout")
                .type(RestParamType.query)
                .required(false)
                .description("how long to wait for answers: 2s, 1500ms or milliseconds (default "
                        + "visionhub.onvif.discovery.timeout, at most visionhub.onvif.discovery.max-timeout)")
                .endParam()
                .param()
                .name("profiles")
                .type(RestParamType.query)
                .required(false)
                .description("also list each camera's profiles (true by default)")
                .endParam()
                .responseMessage()
                .code(400)
                .message("a bad timeout (ApiError naming it)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(502)
                .message("the probe could not be sent (no such interface, no route for multicast) (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:onvif-discover")
                .get("/{address}/profiles")
                .id("onvif-profiles")
                .outType(OnvifCameras.CameraProfiles.class)
                .description("Device information and media profiles of the camera whose device service is at "
                        + "http://{address}/onvif/device_service (or ?path= and ?https=true), from Media2 or Media, with each profile's RTSP stream URI, snapshot URI and "
                        + "the onvif:// source that reads it, logged in with the hub's credentials for that address. "
                        + ApiAccess.describe(ROLES))
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("address")
                .type(RestParamType.path)
                .description("host or host:port of the camera (as discover lists it)")
                .endParam()
                .param()
                .name("path")
                .type(RestParamType.query)
                .required(false)
                .description("path of the device service when it is not /onvif/device_service (from the camera's "
                        + "XAddr, e.g. /onvif/device)")
                .endParam()
                .param()
                .name("https")
                .type(RestParamType.query)
                .required(false)
                .description("true: the device service is HTTPS (false by default)")
                .endParam()
                .responseMessage()
                .code(400)
                .message("not a host or host:port, a bad path or https (ApiError naming the field)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(502)
                .message("the camera refused the login (camera_refused_login) or answered an error or nonsense "
                        + "(camera_error) (ApiError with the camera's message)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(504)
                .message("the camera did not answer (camera_unreachable) (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:onvif-profiles");
    }

    private void discover(Exchange ex) {
        Duration timeout = timeout(ex.getMessage().getHeader("timeout", String.class));
        String profiles = ex.getMessage().getHeader("profiles", String.class);
        if (profiles != null && !profiles.equals("true") && !profiles.equals("false")) {
            throw ApiException.badRequest("profiles", "profiles is true or false, got '" + profiles + "'");
        }
        OnvifProperties.Discovery d = properties.discovery();
        try {
            ex.getMessage()
                    .setBody(cameras.discover(d.networkInterface(), d.port(), timeout, !"false".equals(profiles)));
        } catch (OnvifException e) {
            throw new ApiException(502, "discovery_failed", e.getMessage(), null);
        }
    }

    private Duration timeout(String raw) {
        OnvifProperties.Discovery d = properties.discovery();
        if (raw == null || raw.isBlank()) {
            return d.timeout();
        }
        long ms;
        try {
            ms = TimeUtils.toMilliSeconds(raw.trim());
        } catch (RuntimeException e) {
            throw ApiException.badRequest("timeout", "timeout '" + raw + "' is not a duration (2s, 1500ms)");
        }
        if (ms < 100 || ms > d.maxTimeout().toMillis()) {
            throw ApiException.badRequest(
                    "timeout",
                    "timeout " + ms + " ms is out of range: 100 ms to "
                            + d.maxTimeout().toMillis() + " ms (visionhub.onvif.discovery.max-timeout)");
        }
        return Duration.ofMillis(ms);
    }

    private void profiles(Exchange ex) {
        String address = ex.getMessage().getHeader("address", String.class);
        String path = ex.getMessage().getHeader("path", String.class);
        String https = ex.getMessage().getHeader("https", String.class);
        if (https != null && !https.equals("true") && !https.equals("false")) {
            throw ApiException.badRequest("https", "https is true or false, got '" + https + "'");
        }
        if (path != null && !path.isEmpty() && !OnvifCameraUri.isServicePath(path)) {
            throw ApiException.badRequest(
                    "path",
                    "path '" + path
                            + "' is not the path of a device service (expected /..., as in the camera's XAddr)");
        }
        OnvifCameras.CameraProfiles p;
        try {
            p = cameras.profiles(address, path, "true".equals(https));
        } catch (OnvifException e) {
            throw ApiException.badRequest("address", e.getMessage());
        }
        if (p.error() != null) {
            OnvifException.Kind kind = OnvifException.Kind.valueOf(p.errorKind());
            switch (kind) {
                case AUTH -> throw new ApiException(502, "camera_refused_login", p.error(), null);
                case UNREACHABLE -> throw new ApiException(504, "camera_unreachable", p.error(), null);
                default -> throw new ApiException(502, "camera_error", p.error(), null);
            }
        }
        ex.getMessage().setBody(p);
    }
}
