package io.visionhub.bench;

import io.visionhub.simulators.SapSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * How long the SAP simulator takes to answer calls made one after the other (as the outbox sends an NCR's items):
 * milliseconds per POST over rounds of sequential calls on one keep-alive connection. With the JDK server's Nagle
 * default an answer waited for the client's delayed ACK (~45 ms a call); the simulators turn on TCP_NODELAY.
 *
 * <p>Run: {@code bench/run SimulatorLatencyBench [calls per round] [rounds]} (defaults 200 5); the JDK's default:
 * {@code BENCH_JAVA_OPTS=-Dsun.net.httpserver.nodelay=false bench/run SimulatorLatencyBench}.
 */
public final class SimulatorLatencyBench {

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        SapSimulator sap = SapSimulator.onFreePort();
        sap.start();
        try {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create(sap.baseUrl() + SapSimulator.PM_SERVICE + "/MaintenanceNotification?sap-client=100");
            System.out.printf(
                    "SimulatorLatencyBench: %d sequential POSTs per round (answered 403, CSRF required), %d rounds, "
                            + "sun.net.httpserver.nodelay=%s%n",
                    calls, rounds, System.getProperty("sun.net.httpserver.nodelay"));
            for (int r = 1; r <= rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    http.send(
                            HttpRequest.newBuilder(uri)
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"NotificationText\":\"x\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                }
                System.out.printf("round %d: %.2f ms per call%n", r, (System.nanoTime() - t0) / 1e6 / calls);
            }
        } finally {
            sap.stop();
        }
    }
}
