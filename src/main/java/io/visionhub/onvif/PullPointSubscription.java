package io.visionhub.onvif;

import io.visionhub.onvif.OnvifException.Kind;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * An ONVIF PullPoint subscription (Events service, Profile S/T): CreatePullPointSubscription with a topic filter,
 * then PullMessages in a loop (a long poll: the camera answers when events come or the timeout passes), Renew
 * before it terminates, Unsubscribe at the end. Works through NAT and firewalls, unlike a notification consumer
 * the camera would have to call back.
 */
public final class PullPointSubscription implements AutoCloseable {

    static final String TOPIC_DIALECT = "http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet";
    static final String PULL_ACTION = SoapXml.TEV + "/PullPointSubscription/PullMessagesRequest";
    static final String RENEW_ACTION = "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/RenewRequest";
    static final String UNSUBSCRIBE_ACTION =
            "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeRequest";
    static final String CREATE_ACTION = SoapXml.TEV + "/EventPortType/CreatePullPointSubscriptionRequest";

    private final OnvifClient client;
    private final URI address;
    private final Duration termination;

    private PullPointSubscription(OnvifClient client, URI address, Duration termination) {
        this.client = client;
        this.address = address;
        this.termination = termination;
    }

    /**
     * Subscribes to these topics (e.g. tns1:Device/Trigger/DigitalInput), or to everything when empty.
     *
     * @param termination how long the subscription lives without a Renew
     */
    public static PullPointSubscription create(OnvifClient client, List<String> topics, Duration termination) {
        URI events = client.eventsService()
                .orElseThrow(() -> new OnvifException(
                        Kind.MALFORMED, "camera " + client.label() + " announces no event service: it cannot trigger"));
        String filter = topics.isEmpty()
                ? ""
                : "<tev:Filter><wsnt:TopicExpression Dialect=\"" + TOPIC_DIALECT + "\">"
                        + SoapXml.escape(String.join("|", topics)) + "</wsnt:TopicExpression></tev:Filter>";
        Element r = client.call(
                events,
                CREATE_ACTION,
                "CreatePullPointSubscription",
                "<tev:CreatePullPointSubscription>" + filter + "<tev:InitialTerminationTime>" + termination
                        + "</tev:InitialTerminationTime></tev:CreatePullPointSubscription>",
                true,
                "");
        String address = SoapXml.text(r, "SubscriptionReference", "Address");
        if (address == null || address.isEmpty()) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + client.label()
                            + " answered CreatePullPointSubscription without SubscriptionReference/Address");
        }
        try {
            return new PullPointSubscription(client, URI.create(address), termination);
        } catch (IllegalArgumentException e) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + client.label() + " answered CreatePullPointSubscription with a bad address '" + address
                            + "'");
        }
    }

    public URI address() {
        return address;
    }

    /** Waits up to timeout for events (the camera holds the request) and returns those that came, oldest first. */
    public List<OnvifEvent> pull(Duration timeout, int limit) {
        Element r = client.call(
                address,
                PULL_ACTION,
                "PullMessages",
                "<tev:PullMessages><tev:Timeout>" + timeout + "</tev:Timeout><tev:MessageLimit>" + limit
                        + "</tev:MessageLimit></tev:PullMessages>",
                true,
                addressing(PULL_ACTION));
        List<OnvifEvent> out = new ArrayList<>();
        for (Element n : SoapXml.children(r, "NotificationMessage")) {
            out.add(event(n));
        }
        return out;
    }

    /** Extends the subscription by its termination time. */
    public void renew() {
        client.call(
                address,
                RENEW_ACTION,
                "Renew",
                "<wsnt:Renew><wsnt:TerminationTime>" + termination + "</wsnt:TerminationTime></wsnt:Renew>",
                true,
                addressing(RENEW_ACTION));
    }

    /** Unsubscribes; errors are the caller's to ignore (the subscription times out on the camera anyway). */
    @Override
    public void close() {
        client.call(
                address,
                UNSUBSCRIBE_ACTION,
                "Unsubscribe",
                "<wsnt:Unsubscribe/>",
                true,
                addressing(UNSUBSCRIBE_ACTION));
    }

    private String addressing(String action) {
        return "<wsa:Action>" + action + "</wsa:Action><wsa:To>" + SoapXml.escape(address.toString()) + "</wsa:To>";
    }

    private OnvifEvent event(Element notification) {
        String topic = SoapXml.text(notification, "Topic");
        Element message = SoapXml.find(SoapXml.child(notification, "Message"), "Message");
        if (topic == null || message == null) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + client.label() + " sent a NotificationMessage without "
                            + (topic == null ? "Topic" : "Message/tt:Message"));
        }
        Instant utc = null;
        String time = message.getAttribute("UtcTime");
        if (!time.isEmpty()) {
            try {
                utc = Instant.parse(time.endsWith("Z") || time.contains("+") ? time : time + "Z");
            } catch (DateTimeParseException e) {
                utc = null; // a camera with a sloppy clock format still triggers; the hub's time is used
            }
        }
        String op = message.getAttribute("PropertyOperation");
        return new OnvifEvent(
                topic,
                utc,
                op.isEmpty() ? null : op,
                items(SoapXml.child(message, "Source")),
                items(SoapXml.child(message, "Data")));
    }

    private static Map<String, String> items(Element parent) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Element i : SoapXml.children(parent, "SimpleItem")) {
            out.put(i.getAttribute("Name"), i.getAttribute("Value"));
        }
        return out;
    }
}
