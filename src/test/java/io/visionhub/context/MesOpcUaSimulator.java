package io.visionhub.context;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.milo.server.MiloServerComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;

/**
 * A simulated MES for tests: a real Eclipse Milo OPC UA server (through camel-milo's server component) on a free
 * port, whose items the test writes as an MES would (context fields first, the version last). Node ids:
 * {@code nsu=urn:org:apache:camel;s=<item>}.
 */
public final class MesOpcUaSimulator implements AutoCloseable {

    public static final String NAMESPACE = "urn:org:apache:camel";
    /** Password of the simulator's user "mes". */
    public static final String PASSWORD = "mes-secret";

    private final CamelContext camel = new DefaultCamelContext();
    private final ProducerTemplate producer;
    private final int port;

    public MesOpcUaSimulator() {
        port = TestMembers.freePort();
        MiloServerComponent server = new MiloServerComponent();
        server.setPort(port);
        server.setBindAddresses("127.0.0.1");
        server.setEnableAnonymousAuthentication(false);
        server.setUserAuthenticationCredentials("mes:" + PASSWORD);
        // no server certificate in the test: the user name token travels unencrypted (test only)
        server.setUsernameSecurityPolicyUri(SecurityPolicy.None);
        server.setApplicationName("MES simulator");
        server.setApplicationUri("urn:visionhub:test:mes-simulator");
        camel.addComponent("milo-server", server);
        camel.start();
        producer = camel.createProducerTemplate();
    }

    public String endpointUrl() {
        return "opc.tcp://127.0.0.1:" + port;
    }

    public static String nodeId(String item) {
        return "nsu=" + NAMESPACE + ";s=" + item;
    }

    /** Writes an item's value (creates the node on first write). */
    public void write(String item, Object value) {
        producer.sendBody("milo-server:" + item, value);
    }

    @Override
    public void close() {
        camel.stop();
    }
}
