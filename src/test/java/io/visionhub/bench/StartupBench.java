package io.visionhub.bench;

import io.visionhub.HubProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * Start-up to first event, as a fresh installation sees it: starts the packaged hub jar in an empty working
 * folder (only routes/, kamelets/, mappings/ and model cards copied, no data/, so the demo model is taught on
 * the way), waits for the embedded broker's address in the log, subscribes to the inspection topic and prints
 * the seconds from process start to the first inspection event received over MQTT.
 *
 * <p>Run: {@code ./mvnw -q clean package -DskipTests -Pembedded-broker && bench/run StartupBench [runs]} (the
 * jar with the embedded broker, whose address the hub logs: the production jar has none)
 *
 * <p>With {@code --mvn} it times the README's run command instead: a copy of the committed tree
 * ({@code git archive HEAD}, so no target/ and no data/: Maven compiles everything) in a temporary folder, then
 * {@code ./mvnw spring-boot:run -Dmaven.test.skip=true} there on the warm local Maven repository, with free ports for HTTP and OPC UA so
 * it can run beside another hub: {@code bench/run StartupBench --mvn [runs]}.
 */
public final class StartupBench {

    private static final Pattern CONTEXT_STATUS = Pattern.compile("\"contextStatus\":\"(\\w+)\"");

    public static void main(String[] args) throws Exception {
        boolean mvn = args.length > 0 && args[0].equals("--mvn");
        int runs = args.length > (mvn ? 1 : 0) ? Integer.parseInt(args[mvn ? 1 : 0]) : 3;
        Path jar = mvn ? null : HubProcess.packagedJar();
        List<Double> seconds = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            double s = mvn ? oneRunOfTheReadmeCommand() : oneRun(jar);
            seconds.add(s);
            System.out.printf("run %d: first inspection event received over MQTT %.2f s after process start%n", i, s);
        }
        seconds.sort(Comparator.naturalOrder());
        System.out.printf(
                "start-up to first event (%s): min %.2f s, median %.2f s, max %.2f s over %d runs (target < %d s)%n",
                mvn
                        ? "./mvnw spring-boot:run -Dmaven.test.skip=true, fresh copy of HEAD, warm Maven repository"
                        : "packaged jar",
                seconds.get(0),
                seconds.get(seconds.size() / 2),
                seconds.get(seconds.size() - 1),
                runs,
                mvn ? 20 : 15);
    }

    private static double oneRun(Path jar) throws Exception {
        Path work = Files.createTempDirectory("visionhub-startup");
        for (String dir : List.of("routes", "kamelets", "mappings", "models")) {
            HubProcess.copyTree(
                    Path.of(dir),
                    work.resolve(dir),
                    f -> !f.getFileName().toString().endsWith(".onnx"));
        }
        return timeToFirstEvent(
                new ProcessBuilder(
                        "java", "-jar", jar.toAbsolutePath().toString(), "--server.port=0", "--visionhub.opcua.port=0"),
                work);
    }

    /** The README's run command in a fresh copy of the committed tree (the copy made before the clock starts). */
    private static double oneRunOfTheReadmeCommand() throws Exception {
        Path work = Files.createTempDirectory("visionhub-startup-mvn");
        Process archive = new ProcessBuilder("bash", "-c", "git archive HEAD | tar -x -C " + work)
                .inheritIO()
                .start();
        if (archive.waitFor() != 0) {
            throw new IllegalStateException("git archive HEAD into " + work + " failed");
        }
        return timeToFirstEvent(
                new ProcessBuilder(
                        "./mvnw",
                        "spring-boot:run",
                        "-Dmaven.test.skip=true",
                        "-Dspring-boot.run.arguments=--server.port=0 --visionhub.opcua.port=0"),
                work);
    }

    private static double timeToFirstEvent(ProcessBuilder pb, Path work) throws Exception {
        pb.directory(work.toFile());
        HubProcess hub = HubProcess.start(pb, 40, HubProcess.BROKER);
        try {
            String url = hub.found(HubProcess.BROKER).get(600, TimeUnit.SECONDS);
            CompletableFuture<Long> first = new CompletableFuture<>();
            CompletableFuture<String> firstStatus = new CompletableFuture<>();
            MqttClient client = new MqttClient(url, "startup-bench", new MemoryPersistence());
            client.connect(new MqttConnectionOptions());
            // (Paho 1.2.5's subscribe(String, int, listener) overload recurses; use the array form)
            IMqttMessageListener listener = (topic, msg) -> {
                long now = System.nanoTime();
                Matcher status = CONTEXT_STATUS.matcher(new String(msg.getPayload(), StandardCharsets.UTF_8));
                firstStatus.complete(status.find() ? status.group(1) : "?");
                first.complete(now);
            };
            client.subscribe(
                    new MqttSubscription[] {new MqttSubscription("visionhub/+/+/+/inspection", 1)},
                    new IMqttMessageListener[] {listener});
            long at = first.get(300, TimeUnit.SECONDS);
            // the demo camera waits for the demo MES's context: the first event must not say MISSING
            System.out.printf("first event's contextStatus: %s%n", firstStatus.get());
            client.disconnect();
            client.close();
            return (at - hub.startNanos()) / 1e9;
        } catch (Exception e) {
            System.out.println("the run failed (" + e + "); the last lines of the hub's output:");
            System.out.println(hub.lastLines());
            throw e;
        } finally {
            hub.close();
            HubProcess.deleteTree(work);
        }
    }
}
