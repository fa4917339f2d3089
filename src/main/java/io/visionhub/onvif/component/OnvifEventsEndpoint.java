package io.visionhub.onvif.component;

import io.visionhub.onvif.OnvifCameraUri;
import io.visionhub.onvif.OnvifException;
import io.visionhub.vision.source.FfmpegFrameSource;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * ONVIF events of one camera as capture triggers: a PullPoint subscription filtered to the topics (digital input and
 * motion by default); each event that switches something on becomes a PartTrigger for the station. Consumer only.
 */
@UriEndpoint(
        firstVersion = "1.0.0",
        scheme = "onvif-events",
        title = "ONVIF events",
        syntax = "onvif-events:camera",
        consumerOnly = true,
        category = {Category.IOT},
        headersClass = OnvifEventsConstants.class)
public class OnvifEventsEndpoint extends DefaultEndpoint {

    public static final String DEFAULT_TOPICS = "tns1:Device/Trigger/DigitalInput,tns1:VideoSource/MotionAlarm";

    @UriPath
    @Metadata(required = true)
    private String camera;

    @UriParam
    @Metadata(required = true)
    private String address;

    @UriParam(label = "security", secret = true)
    private String username;

    @UriParam(label = "security", secret = true)
    private String password;

    @UriParam
    private String station;

    @UriParam(defaultValue = DEFAULT_TOPICS)
    private String topics = DEFAULT_TOPICS;

    @UriParam(defaultValue = "true")
    private boolean activeOnly = true;

    @UriParam(defaultValue = "2000", javaType = "java.time.Duration")
    private long captureWindow = 2000;

    @UriParam(label = "advanced", defaultValue = "5000", javaType = "java.time.Duration")
    private long pullTimeout = 5000;

    @UriParam(label = "advanced", defaultValue = "60000", javaType = "java.time.Duration")
    private long subscriptionTime = 60000;

    @UriParam(label = "advanced", defaultValue = "200", javaType = "java.time.Duration")
    private long reconnectDelay = 200;

    @UriParam(label = "advanced", defaultValue = "10000", javaType = "java.time.Duration")
    private long reconnectMaxDelay = 10000;

    public OnvifEventsEndpoint(String uri, OnvifEventsComponent component) {
        super(uri, component);
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException(
                "onvif-events:" + camera + " is a consumer only (from: onvif-events:...), it sends nothing");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        OnvifEventsConsumer consumer = new OnvifEventsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** The camera's device service URL (from address, host[:port] or onvif://...). */
    URI deviceService() {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("onvif-events:" + camera + " needs address=<host[:port]>");
        }
        String a = address.trim();
        try {
            return OnvifCameraUri.parse(a.startsWith(OnvifCameraUri.SCHEME) ? a : OnvifCameraUri.SCHEME + a)
                    .deviceService();
        } catch (OnvifException e) {
            throw new IllegalArgumentException("onvif-events:" + camera + ": " + e.getMessage(), e);
        }
    }

    /** User and password: the options, else those in an onvif:// address. */
    String[] credentials() {
        String a = address == null ? "" : address.trim();
        if ((username == null || username.isEmpty()) && a.startsWith(OnvifCameraUri.SCHEME)) {
            OnvifCameraUri u = OnvifCameraUri.parse(a);
            return new String[] {u.username(), u.password()};
        }
        return new String[] {username, password};
    }

    List<String> topicList() {
        return Arrays.stream(topics.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** For logs: the address with any password masked. */
    String maskedAddress() {
        return FfmpegFrameSource.redact(address);
    }

    public String getCamera() {
        return camera;
    }

    /** Camera id: names the camera in logs and the CamelOnvifCamera header. */
    public void setCamera(String camera) {
        this.camera = camera;
    }

    public String getAddress() {
        return address;
    }

    /**
     * The camera: host[:port] of its ONVIF device service (http://host[:port]/onvif/device_service), or the same
     * onvif://user:password@host[:port]/profile address as the vision source.
     */
    public void setAddress(String address) {
        this.address = address;
    }

    public String getUsername() {
        return username;
    }

    /** ONVIF user (WS-UsernameToken, or HTTP digest for cameras that ask for it). */
    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    /** ONVIF password; never logged. */
    public void setPassword(String password) {
        this.password = password;
    }

    public String getStation() {
        return station;
    }

    /** Station the triggers are for (the PartTrigger's station, which vision:<station>?triggered=true checks); the camera id when not set. */
    public void setStation(String station) {
        this.station = station;
    }

    public String station() {
        return station == null || station.isBlank() ? camera : station;
    }

    public String getTopics() {
        return topics;
    }

    /**
     * Comma-separated ONVIF topics to subscribe to (the camera filters; tns1:Device/Trigger/DigitalInput,
     * tns1:VideoSource/MotionAlarm by default); an event below a topic matches it.
     */
    public void setTopics(String topics) {
        this.topics = topics;
    }

    public boolean isActiveOnly() {
        return activeOnly;
    }

    /**
     * Trigger only on events that switch something on (a data item such as LogicalState or State is true) and not on
     * the initial state the camera reports when the subscription starts; false: every event of the topics.
     */
    public void setActiveOnly(boolean activeOnly) {
        this.activeOnly = activeOnly;
    }

    public long getCaptureWindow() {
        return captureWindow;
    }

    /**
     * How long after the event the station may take to capture and inspect its frame (the PartTrigger's deadline;
     * milliseconds, or a duration such as 2s).
     */
    public void setCaptureWindow(long captureWindow) {
        this.captureWindow = captureWindow;
    }

    public long getPullTimeout() {
        return pullTimeout;
    }

    /** How long one PullMessages waits on the camera for events (long poll; milliseconds or a duration). */
    public void setPullTimeout(long pullTimeout) {
        this.pullTimeout = pullTimeout;
    }

    public long getSubscriptionTime() {
        return subscriptionTime;
    }

    /** Lifetime of the PullPoint subscription without a Renew; renewed at half of it. */
    public void setSubscriptionTime(long subscriptionTime) {
        this.subscriptionTime = subscriptionTime;
    }

    public long getReconnectDelay() {
        return reconnectDelay;
    }

    /** First wait before a lost subscription is made again; doubles up to reconnectMaxDelay. */
    public void setReconnectDelay(long reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    public long getReconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    /** Longest wait between tries to subscribe again. */
    public void setReconnectMaxDelay(long reconnectMaxDelay) {
        this.reconnectMaxDelay = reconnectMaxDelay;
    }
}
