package io.visionhub.inputs.mqtt;

import java.util.Locale;
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
 * {@code mqtt-input:<topic filter>}: messages from an MQTT 5 broker into a route, many in flight, none lost.
 * <ul>
 *   <li>a persistent session ({@code cleanStart=false}, {@code sessionExpiryInterval}) under a fixed
 *   {@code clientId}: while the hub is down or restarting the broker keeps the session's messages;</li>
 *   <li>each message is acknowledged (PUBACK) only when its route has finished, e.g. after the ledger commit: a
 *   message in flight when the hub dies is sent again when the
 *   session resumes;</li>
 *   <li>up to {@code receiveMaximum} messages in flight (MQTT 5 flow control: the broker sends no more until one is
 *   acknowledged and queues the rest, see docs/mqtt.md for the broker's queue limits), run by {@code lanes}
 *   threads; the messages of one topic always take the same lane, so they are routed in the order they arrived
 *   (MQTT orders messages per topic only), while the messages of other topics (other stations) run beside them and
 *   share the ledger's group commits;</li>
 *   <li>pipelined: a lane takes its next message while the previous one waits for its ledger commit (the exchange
 *   runs asynchronously and continues on its lane once the commit is durable, see {@link MqttInputConsumer}), so
 *   one commit holds many messages of one topic, in order.</li>
 * </ul>
 * A route that ends with an exception not handled by its error handler leaves its message unacknowledged (the
 * broker sends it again after a reconnect); give the route a dead-letter channel so that a bad message is kept and
 * acknowledged instead of coming back forever.
 */
@UriEndpoint(
        firstVersion = "1.0.0",
        scheme = "mqtt-input",
        title = "MQTT input (persistent session, acknowledged after the route)",
        syntax = "mqtt-input:topicFilter",
        consumerOnly = true,
        headersClass = MqttInputConstants.class,
        category = {Category.MESSAGING, Category.IOT})
public class MqttInputEndpoint extends DefaultEndpoint {

    @UriPath(description = "Topic filter to subscribe to; + and # wildcards allowed, e.g. plant/+/+/inspection")
    @Metadata(required = true)
    private String topicFilter;

    @UriParam(description = "Broker URL, tcp://host:1883 or ssl://host:8883")
    @Metadata(required = true)
    private String brokerUrl;

    @UriParam(
            description = "Client id of the persistent session; fixed, and unique per hub and input (two clients "
                    + "with one id take the session from each other)")
    @Metadata(required = true)
    private String clientId;

    @UriParam(
            description = "QoS of the subscription: 1 or 2 (QoS 0 has no acknowledgement, so no redelivery)",
            defaultValue = "1")
    private int qos = 1;

    @UriParam(
            description = "Seconds the broker keeps the session (subscription and queued messages) after the hub "
                    + "disconnects",
            defaultValue = "86400")
    private long sessionExpiryInterval = 86_400;

    @UriParam(
            description = "Messages in flight at once (sent by the broker, not yet acknowledged): MQTT 5 receive "
                    + "maximum, the input's in-flight window; 1 to 65535",
            defaultValue = "256")
    private int receiveMaximum = 256;

    @UriParam(
            description =
                    "Threads that run the route; the messages of one topic always run on the same one, in " + "order",
            defaultValue = "16")
    private int lanes = 16;

    @UriParam(
            description = "Seconds to wait, when the route stops, for the messages in flight to finish and be "
                    + "acknowledged (the rest come again after restart)",
            defaultValue = "10")
    private int shutdownSeconds = 10;

    @UriParam(label = "security", description = "User name at the broker")
    private String userName;

    @UriParam(label = "security", description = "Password at the broker", secret = true)
    private String password;

    public MqttInputEndpoint(String uri, MqttInputComponent component) {
        super(uri, component);
    }

    void check() {
        String where = "mqtt-input:" + topicFilter + ": ";
        if (topicFilter == null || topicFilter.isBlank()) {
            throw new IllegalArgumentException("mqtt-input needs a topic filter, e.g. mqtt-input:plant/+/+/inspection");
        }
        if (brokerUrl == null || brokerUrl.isBlank()) {
            throw new IllegalArgumentException(where + "brokerUrl is missing, e.g. brokerUrl=tcp://127.0.0.1:1883");
        }
        String scheme = brokerUrl.toLowerCase(Locale.ROOT);
        if (!scheme.startsWith("tcp://") && !scheme.startsWith("ssl://")) {
            throw new IllegalArgumentException(
                    where + "brokerUrl " + brokerUrl + " is not tcp://host:port or " + "ssl://host:port");
        }
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException(where + "clientId is missing: the persistent session is kept under a "
                    + "fixed client id, e.g. clientId=hub-1-inspection-input");
        }
        if (qos != 1 && qos != 2) {
            throw new IllegalArgumentException(where + "qos=" + qos + ": use 1 or 2 (QoS 0 messages are never "
                    + "acknowledged, so none would come again after a crash)");
        }
        if (receiveMaximum < 1 || receiveMaximum > 65_535) {
            throw new IllegalArgumentException(where + "receiveMaximum=" + receiveMaximum + " is not 1 to 65535");
        }
        if (lanes < 1 || lanes > 1024) {
            throw new IllegalArgumentException(where + "lanes=" + lanes + " is not 1 to 1024");
        }
        if (sessionExpiryInterval < 0 || sessionExpiryInterval > 4_294_967_295L) {
            throw new IllegalArgumentException(
                    where + "sessionExpiryInterval=" + sessionExpiryInterval + " is not 0 to 4294967295 seconds");
        }
    }

    @Override
    public MqttInputComponent getComponent() {
        return (MqttInputComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException(
                "mqtt-input only receives (from:); publish with hub-mqtt: or " + "paho-mqtt5:");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        MqttInputConsumer consumer = new MqttInputConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public String getTopicFilter() {
        return topicFilter;
    }

    public void setTopicFilter(String topicFilter) {
        this.topicFilter = topicFilter;
    }

    public String getBrokerUrl() {
        return brokerUrl;
    }

    public void setBrokerUrl(String brokerUrl) {
        this.brokerUrl = brokerUrl;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public int getQos() {
        return qos;
    }

    public void setQos(int qos) {
        this.qos = qos;
    }

    public long getSessionExpiryInterval() {
        return sessionExpiryInterval;
    }

    public void setSessionExpiryInterval(long sessionExpiryInterval) {
        this.sessionExpiryInterval = sessionExpiryInterval;
    }

    public int getReceiveMaximum() {
        return receiveMaximum;
    }

    public void setReceiveMaximum(int receiveMaximum) {
        this.receiveMaximum = receiveMaximum;
    }

    public int getLanes() {
        return lanes;
    }

    public void setLanes(int lanes) {
        this.lanes = lanes;
    }

    public int getShutdownSeconds() {
        return shutdownSeconds;
    }

    public void setShutdownSeconds(int shutdownSeconds) {
        this.shutdownSeconds = shutdownSeconds;
    }

    public String getUserName() {
        return userName;
    }

    public void setUserName(String userName) {
        this.userName = userName;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
