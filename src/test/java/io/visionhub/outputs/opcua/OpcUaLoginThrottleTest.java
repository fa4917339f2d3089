package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.access.LoginThrottle;
import io.visionhub.access.LoginThrottleProperties;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Failed user-name logins on the hub's OPC UA server back off (issue 13): 20 wrong passwords from a Milo client,
 * then the right password is refused while the lock-out lasts and accepted once it is over; each refusal is
 * logged with user and address, never the password, and counted.
 */
class OpcUaLoginThrottleTest {

    @TempDir
    static Path dir;

    static HubOpcUaServer server;
    static OpcUaTestClients.ClientIdentity trusted;
    static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        OpcUaServerProperties props = OpcUaTestClients.secureServer(dir.resolve("pki"), "pw-scada");
        trusted = OpcUaTestClients.ClientIdentity.create("throttle-client");
        trusted.trustOn(dir.resolve("pki"));
        // a lock-out long enough that 20 encrypted connects on a loaded 2-core machine stay inside it (with 1 s the
        // lock could end between the last wrong password and the right one, and the right one was let in)
        LoginThrottleProperties throttle =
                new LoginThrottleProperties(true, 5, 50, Duration.ofSeconds(8), Duration.ofSeconds(8), null, null);
        server = new HubOpcUaServer(props, "site-t", new LoginThrottle("opcua", throttle, REGISTRY, Clock.systemUTC()));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static OpcUaClient connect(String password) throws Exception {
        return OpcUaTestClients.connect(
                server.endpointUrl(),
                trusted,
                SecurityPolicy.Basic256Sha256,
                MessageSecurityMode.SignAndEncrypt,
                new UsernameProvider("scada", password));
    }

    @Test
    void wrongPasswordsLockTheUserOutAndTheRightOneWorksAfterTheBackOff() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(LoginThrottle.class)).addAppender(log);

        for (int i = 0; i < 20; i++) {
            int attempt = i;
            assertThatThrownBy(() -> connect("guess-" + attempt)).isInstanceOf(Exception.class);
        }
        // locked out: refused although the password is right
        assertThatThrownBy(() -> connect("pw-scada")).isInstanceOf(Exception.class);
        assertThat(REGISTRY.get("visionhub.login.refused")
                        .tag("protocol", "opcua")
                        .tag("reason", "locked_out")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1);

        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    try {
                        connect("pw-scada").disconnect();
                        return true;
                    } catch (Exception refused) {
                        return false;
                    }
                });

        List<String> lines =
                log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("opcua", "scada", "127.0.0.1", "wrong password"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("scada", "locked out"));
        assertThat(String.join("\n", lines)).doesNotContain("guess-", "pw-scada");
        assertThat(REGISTRY.get("visionhub.login.refused")
                        .tag("protocol", "opcua")
                        .tag("reason", "bad_credentials")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(5);
    }
}
